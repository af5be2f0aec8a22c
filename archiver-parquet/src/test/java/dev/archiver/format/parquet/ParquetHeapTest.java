package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 partitions × 4 output partitions of parquet, all open at once, in a 256 MB heap: a child
 * JVM with {@code -Xmx256m} runs {@link ParquetHeapCheck}. A row group buffered per open file would
 * need the row group size (32 MB by default) times 4,000; spooled rows need a few KB each.
 */
class ParquetHeapTest {

    @Test
    void fourThousandOpenWritersFitA256MbHeap(@TempDir Path staging)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-Xmx256m",
                                        "-XX:+ExitOnOutOfMemoryError",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        ParquetHeapCheck.class.getName(),
                                        staging.toString(),
                                        "1000",
                                        "4",
                                        "25"))
                        .redirectErrorStream(true)
                        .start();
        String output;
        try {
            boolean done = p.waitFor(8, TimeUnit.MINUTES);
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("child finished in time; output:%n%s", output).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("child exit; output:%n%s", output).isZero();
        Matcher m =
                Pattern.compile(
                                "writers=(\\d+) rowsWritten=(\\d+) rowsReadBack=(\\d+) spooledBytes=(\\d+)"
                                        + " parquetBytes=(\\d+) liveHeapWhileOpenMB=(\\d+)"
                                        + " peakHeapWhileOpenMB=(\\d+) peakHeapMB=(\\d+) maxHeapMB=(\\d+)")
                        .matcher(output);
        assertThat(m.find()).as(output).isTrue();
        System.out.println("ParquetHeapTest: " + m.group());
        assertThat(Long.parseLong(m.group(1))).isEqualTo(4000);
        assertThat(Long.parseLong(m.group(2))).isEqualTo(100_000);
        assertThat(Long.parseLong(m.group(3))).isEqualTo(12_500);
        assertThat(Long.parseLong(m.group(9))).isLessThanOrEqualTo(256);
        // what stays reachable with 4,000 files open: their buffers, far from the heap's limit
        assertThat(Long.parseLong(m.group(6))).isLessThan(160);
    }
}
