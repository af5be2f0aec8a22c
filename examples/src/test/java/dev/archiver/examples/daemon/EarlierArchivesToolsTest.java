package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordWriter;
import dev.archiver.format.avro.AvroFormat;
import dev.archiver.format.jsonl.JsonlFormat;
import dev.archiver.format.jsonl.PayloadEncoding;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives in the layouts of earlier versions stay readable by {@code cat} and {@code verify}: Avro
 * containers without block compression inside an outer codec ({@code .avro.zst}) and jsonl with
 * base64 payloads, next to objects in the new layouts.
 */
class EarlierArchivesToolsTest {
    @TempDir Path dir;

    @Test
    void catAndVerifyReadEarlierAndNewLayoutsSideBySide() throws Exception {
        // a directory of its own: a root is a key prefix, and the temp dir's name would match
        // its siblings in /tmp
        Path root = dir.resolve("archive");
        Path topic = root.resolve("events");
        Files.createDirectories(topic);
        write(
                new AvroFormat(),
                StandardCodecs.ZSTD.compress(
                        Files.newOutputStream(
                                topic.resolve("events-0-00000000000000000000.avro.zst"))),
                0);
        write(
                new AvroFormat().withCodec(StandardCodecs.ZSTD),
                Files.newOutputStream(topic.resolve("events-0-00000000000000000003.avro")),
                3);
        write(
                new JsonlFormat(PayloadEncoding.BASE64),
                StandardCodecs.GZIP.compress(
                        Files.newOutputStream(
                                topic.resolve("events-1-00000000000000000000.jsonl.gz"))),
                0);
        write(
                new JsonlFormat(),
                StandardCodecs.GZIP.compress(
                        Files.newOutputStream(
                                topic.resolve("events-1-00000000000000000003.jsonl.gz"))),
                3);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ArchiverCli.execute(
                        new PrintWriter(out), new PrintWriter(err), "verify", root.toString());
        assertThat(code).as(out + " " + err).isZero();
        assertThat(out.toString()).contains("OK: 12 records");

        out = new StringWriter();
        code =
                ArchiverCli.execute(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "cat",
                        root.toString(),
                        "--format",
                        "json");
        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(12);
        ObjectMapper m = new ObjectMapper();
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            long offset = n.get("offset").asLong();
            assertThat(n.get("value").asText()).isEqualTo("{\"n\":" + offset + "}");
            assertThat(n.get("key").asText()).isEqualTo("k" + offset);
        }
    }

    private static void write(FileFormat format, OutputStream out, long firstOffset)
            throws Exception {
        int partition = format instanceof AvroFormat ? 0 : 1;
        try (RecordWriter w = format.newWriter(out)) {
            for (long o = firstOffset; o < firstOffset + 3; o++) {
                ArchiveRecord r =
                        new ArchiveRecord(
                                "events",
                                partition,
                                o,
                                1_764_018_000_000L + o,
                                TimestampType.CREATE_TIME,
                                ("k" + o).getBytes(StandardCharsets.UTF_8),
                                ("{\"n\":" + o + "}").getBytes(StandardCharsets.UTF_8),
                                List.of(new RecordHeader("h", new byte[] {1})));
                w.write(ParsedRecord.of(r, Instant.EPOCH));
            }
        }
    }
}
