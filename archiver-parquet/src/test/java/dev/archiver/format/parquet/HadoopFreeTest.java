package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The format writes and reads with no Hadoop class on the class path. The surefire configuration
 * removes hadoop-client-api (a compile-only dependency) from the test class path; this test proves
 * that it is gone and that every page codec and value mode works without it.
 */
class HadoopFreeTest {

    @ParameterizedTest
    @ValueSource(strings = {"none", "snappy", "gzip", "zstd"})
    void writesAndReadsWithoutHadoop(String compression) throws IOException {
        for (String name :
                List.of(
                        "org.apache.hadoop.conf.Configuration",
                        "org.apache.hadoop.fs.Path",
                        "org.apache.hadoop.mapreduce.lib.input.FileInputFormat")) {
            assertThatThrownBy(() -> Class.forName(name))
                    .as(name)
                    .isInstanceOf(ClassNotFoundException.class);
        }
        FileFormat format =
                new ParquetFormatProvider()
                        .create(
                                Settings.of(
                                                Map.of(
                                                        "format.parquet.compression",
                                                        compression,
                                                        "format.parquet.value-schema",
                                                        PageView.SCHEMA))
                                        .withPrefix("format.parquet."));
        Random random = new Random(1);
        List<ArchiveRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(
                    new ArchiveRecord(
                            "views",
                            3,
                            i,
                            1_764_018_000_000L + i,
                            TimestampType.CREATE_TIME,
                            ("k" + i).getBytes(),
                            PageView.jsonBytes(i, random),
                            List.of(new RecordHeader("h", new byte[] {(byte) i}))));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RecordWriter w = format.newWriter(out)) {
            for (ArchiveRecord r : records) {
                w.write(ParsedRecord.of(r, Instant.ofEpochMilli(r.timestamp())));
            }
            assertThat(w.bufferedBytes()).isPositive();
        }
        byte[] file = out.toByteArray();
        assertThat(new String(file, 0, 4)).isEqualTo("PAR1");
        List<ArchiveRecord> read = new ArrayList<>();
        try (RecordReader r = format.newReader(new ByteArrayInputStream(file))) {
            for (ArchiveRecord a = r.read(); a != null; a = r.read()) {
                read.add(a);
            }
        }
        assertThat(read).isEqualTo(records);
    }
}
