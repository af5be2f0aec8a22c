package dev.archiver.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.format.jsonl.WhitespaceNonce;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hole 6 of issue 14, "ETag reuse (ABA)", for the files themselves: S3's and Swift's version tag is
 * the content's MD5, so a replay that wrote byte-identical files would get the tag of the object it
 * replaced. Every compressing codec makes each file unique in a place readers skip; the files still
 * decompress with our readers and with the reference command-line tools. Without compression the
 * format does it: jsonl ends its last line with whitespace that encodes a nonce, Avro draws a
 * random sync marker per file; only text cannot (the engine refuses text without compression on
 * such stores). The store bindings ({@code AbstractEtagReuseAbaTest}) run the whole sequence.
 */
class EtagReuseAbaTest {
    private static final Map<String, List<String>> REFERENCE_TOOLS =
            Map.of(
                    "gzip", List.of("gzip", "-dc"),
                    "zstd", List.of("zstd", "-dcq"),
                    "lz4", List.of("lz4", "-dcq"));

    @TempDir Path tmp;

    static List<Codec> compressing() {
        return StandardCodecs.all().stream().filter(c -> c != StandardCodecs.NONE).toList();
    }

    /** Snappy's framing format has no common command-line tool; snappy-java reads it above. */
    static List<Codec> withReferenceTool() {
        return compressing().stream().filter(c -> REFERENCE_TOOLS.containsKey(c.name())).toList();
    }

    private static byte[] compress(Codec codec, byte[] data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(buf)) {
            out.write(data);
        }
        return buf.toByteArray();
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] records() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            sb.append("{\"offset\":")
                    .append(i)
                    .append(",\"value\":\"event ")
                    .append(i)
                    .append("\"}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressing")
    void aReplayOfTheSameRecordsNeverGetsTheSameContentMd5(Codec codec) throws Exception {
        byte[] data = records();
        byte[] first = compress(codec, data);
        byte[] replay = compress(codec, data);
        assertThat(md5(replay)).isNotEqualTo(md5(first));
        for (byte[] file : List.of(first, replay)) {
            try (InputStream in = codec.decompress(new ByteArrayInputStream(file))) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
        // empty files too (a batch's dead-letter file may hold few records)
        assertThat(md5(compress(codec, new byte[0])))
                .isNotEqualTo(md5(compress(codec, new byte[0])));
        try (InputStream in =
                codec.decompress(new ByteArrayInputStream(compress(codec, new byte[0])))) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withReferenceTool")
    void theReferenceToolsStillReadTheFiles(Codec codec) throws Exception {
        List<String> tool = REFERENCE_TOOLS.get(codec.name());
        if (Boolean.getBoolean("archiver.require-servers")
                || "true".equals(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
            assertThat(onPath(tool.get(0))).as(tool.get(0) + " is installed").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
                onPath(tool.get(0)), tool.get(0) + " is not installed");
        byte[] data = records();
        Path file = Files.write(tmp.resolve("f" + codec.extension()), compress(codec, data));
        Process p =
                new ProcessBuilder(concat(tool, file.toString()))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", tool)).isZero();
        assertThat(out).isEqualTo(data);
    }

    /** The formats of archiver-core with every codec, configured as the engine does it. */
    static List<Named<Combination>> formatsAndCodecs() {
        List<Named<Combination>> all = new ArrayList<>();
        for (String name : List.of("jsonl", "text", "avro")) {
            FileFormat format =
                    ServiceLoader.load(FileFormatProvider.class).stream()
                            .map(ServiceLoader.Provider::get)
                            .filter(p -> p.name().equals(name))
                            .findFirst()
                            .orElseThrow()
                            .create(Settings.empty());
            for (Codec codec : StandardCodecs.all()) {
                if (!format.compressesInternally()) {
                    all.add(Named.of(name + "/" + codec.name(), new Combination(format, codec)));
                } else if (!codec.name().equals("lz4")) {
                    all.add(
                            Named.of(
                                    name + "/" + codec.name(),
                                    new Combination(format.withCodec(codec), StandardCodecs.NONE)));
                }
            }
        }
        return all;
    }

    record Combination(FileFormat format, Codec codec) {
        byte[] write(List<ArchiveRecord> records) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (RecordWriter w = format.newWriter(codec.compress(buf))) {
                for (ArchiveRecord r : records) {
                    w.write(ParsedRecord.of(r, Instant.ofEpochMilli(r.timestamp())));
                }
            }
            return buf.toByteArray();
        }

        List<ArchiveRecord> read(byte[] file) throws IOException {
            List<ArchiveRecord> list = new ArrayList<>();
            try (RecordReader r =
                    format.newReader(codec.decompress(new ByteArrayInputStream(file)))) {
                for (var rec = r.read(); rec != null; rec = r.read()) {
                    list.add(rec);
                }
            }
            return list;
        }
    }

    private static List<ArchiveRecord> archiveRecords(int count) {
        List<ArchiveRecord> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(
                    new ArchiveRecord(
                            "events",
                            0,
                            i,
                            1_764_018_000_000L + i,
                            TimestampType.CREATE_TIME,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                            List.of()));
        }
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formatsAndCodecs")
    void everyFormatAndCodecButTextWithoutCompressionWritesUniqueFiles(Combination c)
            throws Exception {
        for (int count : new int[] {0, 1, 1_000}) {
            List<ArchiveRecord> records = archiveRecords(count);
            byte[] first = c.write(records);
            byte[] replay = c.write(records);
            boolean textWithoutCompression =
                    c.format().name().equals("text") && c.codec() == StandardCodecs.NONE;
            assertThat(c.format().writesUniqueFiles() || c.codec().writesUniqueFiles())
                    .isEqualTo(!textWithoutCompression);
            if (textWithoutCompression) {
                assertThat(md5(replay)).isEqualTo(md5(first));
                continue;
            }
            assertThat(md5(replay)).as("%d records", count).isNotEqualTo(md5(first));
            if (c.format().lossless()) {
                assertThat(c.read(first)).containsExactlyElementsOf(records);
                assertThat(c.read(replay)).containsExactlyElementsOf(records);
            } else {
                assertThat(c.read(replay)).isEqualTo(c.read(first)).hasSize(count);
            }
        }
    }

    @Test
    void jsonlWithoutCompressionEndsItsLastLineWithWhitespaceThatJsonParsersSkip()
            throws Exception {
        Combination c =
                formatsAndCodecs().stream()
                        .filter(n -> n.getName().equals("jsonl/none"))
                        .findFirst()
                        .orElseThrow()
                        .getPayload();
        List<ArchiveRecord> records = archiveRecords(3);
        String file = new String(c.write(records), StandardCharsets.UTF_8);
        List<String> lines = List.of(file.split("\n", -1));
        assertThat(lines).hasSize(4).last().isEqualTo("");
        assertThat(lines.get(0)).endsWith("}");
        assertThat(lines.get(1)).endsWith("}");
        String nonce = lines.get(2).substring(lines.get(2).lastIndexOf('}') + 1);
        assertThat(nonce).hasSize(WhitespaceNonce.LENGTH).matches("[ \t]+");
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 3; i++) {
            assertThat(json.readTree(lines.get(i)).get("offset").asLong()).isEqualTo(i);
        }
        // a file without records is one blank line, which the reader skips
        byte[] empty = c.write(List.of());
        assertThat(new String(empty, StandardCharsets.UTF_8)).matches("[ \t]{64}\n");
        assertThat(c.read(empty)).isEmpty();
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    private static boolean onPath(String tool) {
        for (String dir :
                System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
