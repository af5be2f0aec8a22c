package dev.archiver.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hole 6 of issue 14, "ETag reuse (ABA)", for compressed files: S3's and Swift's version tag is the
 * content's MD5, so a replay that wrote byte-identical files would get the tag of the object it
 * replaced. Every compressing codec now makes each file unique in a place readers skip; the files
 * still decompress with our readers and with the reference command-line tools.
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
            try (InputStream in = codec.decompress(new java.io.ByteArrayInputStream(file))) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
        // empty files too (a batch's dead-letter file may hold few records)
        assertThat(md5(compress(codec, new byte[0])))
                .isNotEqualTo(md5(compress(codec, new byte[0])));
        try (InputStream in =
                codec.decompress(new java.io.ByteArrayInputStream(compress(codec, new byte[0])))) {
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

    private static List<String> concat(List<String> a, String b) {
        List<String> l = new java.util.ArrayList<>(a);
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
