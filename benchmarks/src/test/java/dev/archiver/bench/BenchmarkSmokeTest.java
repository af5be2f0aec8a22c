package dev.archiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark at a tiny size: a broker and S3Proxy in child JVMs, the plain consumer and
 * four archiver runs over 4 partitions (jsonl with no codec, and parquet with typed columns and
 * zstd pages; file:// and s3) verified exactly once by default, and the table, CSV and chart
 * written. Proves the benchmark works; the figures themselves are not asserted beyond being sane.
 */
class BenchmarkSmokeTest {
    @TempDir Path out;

    @Test
    void tinyRunProducesTableCsvAndChartWithSaneFigures() throws Exception {
        BenchmarkOptions options =
                BenchmarkOptions.parse(
                        "--records", "2000",
                        "--record-size", "1024",
                        "--partitions", "4",
                        "--stores", "file,s3",
                        "--warm-up-records", "0",
                        "--cells", "jsonl/none,parquet/zstd",
                        "--max-file-age", "1s",
                        "--broker-heap", "512m",
                        "--out", out.toString());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<BenchmarkResult> results;
        try (PrintStream log = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            results = new Benchmark(options, log).run();
        }

        assertThat(options.verify()).as("verify is the default").isTrue();
        assertThat(results).hasSize(5);
        BenchmarkResult consumer = results.get(0);
        BenchmarkResult archiver = results.get(1);
        BenchmarkResult parquet = results.get(2);
        BenchmarkResult s3 = results.get(3);
        BenchmarkResult parquetS3 = results.get(4);
        assertThat(archiver.store()).isEqualTo("file");
        assertThat(s3.store()).isEqualTo("s3");
        assertThat(s3.verified()).as("exactly once through the S3 emulator").isEqualTo("yes");
        assertThat(s3.objects()).isPositive();
        assertThat(s3.objectBytes()).isGreaterThan(2000L * 1024);
        assertThat(consumer.subject()).isEqualTo("consumer");
        assertThat(consumer.records()).isEqualTo(2000);
        assertThat(consumer.bytes()).isGreaterThan(2000L * 1024);
        assertThat(archiver.subject()).isEqualTo("archiver");
        assertThat(archiver.format()).isEqualTo("jsonl");
        assertThat(archiver.codec()).isEqualTo("none");
        assertThat(archiver.records()).isEqualTo(2000);
        assertThat(archiver.verified()).isEqualTo("yes");
        assertThat(archiver.mode()).isEqualTo("-");
        assertThat(parquet.format()).isEqualTo("parquet");
        assertThat(parquet.codec()).as("the page codec").isEqualTo("zstd");
        assertThat(parquet.mode()).isEqualTo("typed+raw");
        assertThat(parquet.label()).isEqualTo("parquet[typed+raw]/zstd p=4");
        assertThat(parquet.verified()).as("raw bytes kept: exactly once").isEqualTo("yes");
        assertThat(parquet.objects()).isPositive();
        assertThat(parquetS3.store()).isEqualTo("s3");
        assertThat(parquetS3.verified()).isEqualTo("yes");
        for (BenchmarkResult r : results) {
            assertThat(r.recordsPerSecond()).isPositive();
            assertThat(r.megabytesPerSecond()).isPositive();
            assertThat(r.ratio()).isPositive();
            assertThat(r.cpuSeconds()).isPositive();
            assertThat(r.peakHeapBytes()).isPositive();
            assertThat(r.rssBytes()).isPositive();
            assertThat(r.joinSeconds()).as("join").isPositive();
            assertThat(r.drainSeconds()).as("drain").isGreaterThanOrEqualTo(r.joinSeconds());
            assertThat(r.tailSeconds()).as("tail").isNotNegative();
            assertThat(r.drainSeconds() + r.tailSeconds())
                    .as("join, steady part and tail make up the run")
                    .isCloseTo(r.seconds(), org.assertj.core.data.Offset.offset(1e-6));
            if (!Double.isNaN(r.steadyRecordsPerSecond())) {
                assertThat(r.steadyRecordsPerSecond()).isPositive();
            }
        }
        assertThat(archiver.objects()).isPositive();
        // jsonl without compression is at least as large as the raw values
        assertThat(archiver.objectBytes()).isGreaterThan(2000L * 1024);
        assertThat(archiver.meanObjectKilobytes()).isPositive();

        String table = Files.readString(out.resolve("results.txt"));
        assertThat(table)
                .contains(
                        "consumer p=4",
                        "jsonl/none p=4",
                        "jsonl/none s3 p=4",
                        "parquet[typed+raw]/zstd p=4",
                        "parquet[typed+raw]/zstd s3 p=4",
                        "join s",
                        "tail s",
                        "steady r/s",
                        "st.ratio",
                        "yes");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains(table);

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(6);
        assertThat(csv.get(0)).isEqualTo(BenchmarkResult.CSV_HEADER);
        String[] row = csv.get(2).split(",");
        assertThat(row).hasSize(BenchmarkResult.CSV_HEADER.split(",").length);
        assertThat(row[0]).isEqualTo("archiver");
        assertThat(Double.parseDouble(row[9])).as("ratio").isPositive();
        assertThat(Long.parseLong(row[13])).as("objects").isPositive();
        assertThat(row[15]).isEqualTo("yes");
        assertThat(row[17]).isEqualTo("file");
        assertThat(csv.get(3).split(",")[19]).as("mode").isEqualTo("typed+raw");
        assertThat(csv.get(4).split(",")[17]).isEqualTo("s3");

        BufferedImage chart = ImageIO.read(out.resolve("results.png").toFile());
        assertThat(chart).isNotNull();
        assertThat(chart.getWidth()).isGreaterThan(100);
        assertThat(chart.getHeight()).isGreaterThan(50);
    }

    @Test
    void rejectsUnknownOptionsAndBadValues() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> BenchmarkOptions.parse("--bogus", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bogus");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> BenchmarkOptions.parse("--records", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--records");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> BenchmarkOptions.parse("--stores", "gcs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--stores");
    }
}
