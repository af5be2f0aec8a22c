package dev.archiver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Confluent's own serializers, from Confluent's JavaScript client {@code
 * @confluentinc/schemaregistry} (installed with npm by {@code scripts/setup/confluent-js.sh}), run
 * in a Node child process: values given as JSON come back as the bytes a Confluent producer would
 * send, in the schema registry wire format, with their schemas registered by Confluent's client in
 * the registry at the given URL. Tests use it so that the wire format they archive is written by
 * code we did not write.
 *
 * <p>When Node or the package is missing, tests fail if {@code ARCHIVER_REQUIRE_SERVERS=true} and
 * are skipped otherwise.
 */
public final class ConfluentJsSerializer {
    /** Keep in step with {@code scripts/setup/confluent-js.sh}. */
    public static final String VERSION = "1.10.1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static ConfluentJsSerializer shared;
    private static String unavailable;

    private final Path modules;
    private final Path script;

    private ConfluentJsSerializer(Path modules, Path script) {
        this.modules = modules;
        this.script = script;
    }

    /** The serializers; fails or skips the calling test when they cannot run. */
    public static synchronized ConfluentJsSerializer get() {
        if (shared == null && unavailable == null) {
            try {
                shared = locate();
            } catch (IOException | RuntimeException e) {
                unavailable = e.getMessage();
            }
        }
        if (shared == null) {
            if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
                throw new IllegalStateException(unavailable);
            }
            Assumptions.abort(
                    unavailable
                            + " (install it with `source scripts/setup/confluent-js.sh`, or run"
                            + " ./scripts/test-all.sh; set ARCHIVER_REQUIRE_SERVERS=true to fail"
                            + " instead of skipping)");
        }
        return shared;
    }

    private static ConfluentJsSerializer locate() throws IOException {
        String env = System.getenv("ARCHIVER_CONFLUENT_JS");
        Path dir;
        if (env != null && !env.isBlank()) {
            dir = Path.of(env);
        } else {
            String cache = System.getenv("ARCHIVER_CACHE");
            Path base =
                    cache != null && !cache.isBlank()
                            ? Path.of(cache)
                            : Path.of(System.getProperty("user.home"), ".cache", "kafka-archiver");
            dir = base.resolve("confluent-schemaregistry-js-" + VERSION);
        }
        Path modules = dir.resolve("node_modules");
        Path packageJson = modules.resolve("@confluentinc/schemaregistry/package.json");
        if (!Files.isRegularFile(packageJson)) {
            throw new IOException(
                    "@confluentinc/schemaregistry "
                            + VERSION
                            + " is not installed: no "
                            + packageJson);
        }
        String installed = MAPPER.readTree(packageJson.toFile()).path("version").asText();
        if (!installed.equals(VERSION)) {
            throw new IOException(
                    "@confluentinc/schemaregistry in "
                            + modules
                            + " is "
                            + installed
                            + ", not "
                            + VERSION);
        }
        Path script = Files.createTempFile("confluent-serialize", ".js");
        script.toFile().deleteOnExit();
        try (InputStream in =
                ConfluentJsSerializer.class.getResourceAsStream("confluent-serialize.js")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ConfluentJsSerializer s = new ConfluentJsSerializer(modules, script);
        try {
            s.run(MAPPER.createObjectNode().put("probe", true), true);
        } catch (IOException e) {
            throw new IOException("node cannot run: " + e.getMessage(), e);
        }
        return s;
    }

    /**
     * Values serialized by Confluent's serializer of {@code type} for {@code topic}'s value subject
     * ({@code TOPIC-value}), with {@code schema} registered by Confluent's client in the registry
     * at {@code registry} and used as the subject's latest version ({@code use.latest.version}).
     *
     * @param type {@code AVRO} or {@code JSON}
     * @param values JSON documents, one per value (Avro values as Confluent's serializer takes
     *     them: unions unwrapped, {@code timestamp-millis} as a number)
     */
    public List<byte[]> serialize(
            URI registry, String topic, String type, String schema, List<String> values)
            throws IOException {
        return serialize(registry, topic, false, type, schema, values);
    }

    /**
     * As {@link #serialize(URI, String, String, String, List)}, for the key subject ({@code
     * TOPIC-key}) when {@code key}; a {@code null} schema lets the serializer derive each value's
     * schema and register it itself ({@code auto.register.schemas}).
     */
    public List<byte[]> serialize(
            URI registry,
            String topic,
            boolean key,
            String type,
            String schema,
            List<String> values)
            throws IOException {
        ObjectNode request = MAPPER.createObjectNode();
        request.put("url", registry.toString());
        request.put("topic", topic);
        request.put("key", key);
        request.put("type", type);
        if (schema == null) {
            request.putNull("schema");
        } else {
            request.put("schema", schema);
        }
        ArrayNode array = request.putArray("values");
        for (String v : values) {
            array.add(MAPPER.readTree(v));
        }
        List<byte[]> out = new ArrayList<>();
        for (String line : run(request, false)) {
            out.add(Base64.getDecoder().decode(line));
        }
        if (out.size() != values.size()) {
            throw new IOException(
                    "the serializer gave " + out.size() + " values for " + values.size());
        }
        return out;
    }

    private List<String> run(JsonNode request, boolean probe) throws IOException {
        ProcessBuilder pb =
                probe
                        ? new ProcessBuilder(
                                "node", "-e", "require('@confluentinc/schemaregistry')")
                        : new ProcessBuilder("node", script.toString());
        pb.environment().put("NODE_PATH", modules.toString());
        Path stderr = Files.createTempFile("confluent-serialize", ".err");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(MAPPER.writeValueAsBytes(request));
            }
            byte[] stdout;
            try (InputStream out = p.getInputStream()) {
                stdout = out.readAllBytes();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new IOException("node did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(
                        "node exited with "
                                + p.exitValue()
                                + ": "
                                + Files.readString(stderr, StandardCharsets.UTF_8).strip());
            }
            String text = new String(stdout, StandardCharsets.UTF_8);
            return text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while node ran");
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
