package dev.archiver.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.partition.PartitionerProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import dev.archiver.transform.RecordTransformerProvider;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void providersAreFoundByNameThroughServiceLoader() {
        assertThat(
                        Plugins.find(
                                PartitionerProvider.class,
                                "json-bucket",
                                "partitioner",
                                Plugins.defaultClassLoader()))
                .isInstanceOf(JsonBucketPartitionerProvider.class);
        assertThat(
                        Plugins.find(
                                RecordTransformerProvider.class,
                                "mask-json-field",
                                "transforms",
                                Plugins.defaultClassLoader()))
                .isInstanceOf(MaskJsonFieldTransformerProvider.class);
    }

    @Test
    void theSampleConfigBuildsAnEngineThatUsesThemAndTheyWork() throws IOException {
        Map<String, String> settings = sampleConfig();
        settings.put("storage.uri", "file://" + dir);
        settings.remove("metrics.port"); // a daemon key, not the engine's
        ArchiverConfig config = ArchiverConfig.from(Settings.of(settings));
        try {
            assertThat(config.partitioner()).isInstanceOf(JsonBucketPartitioner.class);
            assertThat(config.transformers()).hasSize(1);
            assertThat(config.transformers().get(0)).isInstanceOf(MaskJsonFieldTransformer.class);

            String value =
                    "{\"event_time\":\"2026-11-24T21:15:00Z\",\"user_id\":\"user-42\","
                            + "\"session_id\":\"s-42-1\",\"user_agent\":\"Firefox\",\"url\":\"/cart\"}";
            ParsedRecord parsed = config.parser().parse(record(value));
            ParsedRecord masked = config.transformers().get(0).transform(parsed).orElseThrow();
            JsonNode out = JSON.readTree(masked.record().value());
            assertThat(out.get("url").asText()).isEqualTo("/cart");
            assertThat(out.get("user_id").asText()).isEqualTo("user-42");
            assertThat(out.get("user_agent").asText())
                    .hasSize(64)
                    .isNotEqualTo("Firefox")
                    .isEqualTo(
                            JSON.readTree(
                                            config.transformers()
                                                    .get(0)
                                                    .transform(parsed)
                                                    .orElseThrow()
                                                    .record()
                                                    .value())
                                    .get("user_agent")
                                    .asText());
            assertThat(out.get("session_id").asText()).hasSize(64);

            String path = config.partitioner().partition(masked).path();
            assertThat(path).matches("user_bucket=\\d\\d");
            assertThat(config.partitioner().partition(config.parser().parse(record(value))).path())
                    .isEqualTo(path);
            assertThat(
                            config.partitioner()
                                    .partition(config.parser().parse(record("{\"x\":1}")))
                                    .path())
                    .isEqualTo("user_bucket=none");
        } finally {
            config.storage().close();
        }
    }

    @Test
    void maskingRefusesValuesThatAreNotJsonObjects() {
        var t = new MaskJsonFieldTransformerProvider().create(Settings.of(Map.of("fields", "a")));
        var parser =
                Plugins.find(
                                RecordParserProvider.class,
                                "kafka-timestamp",
                                "parser",
                                Plugins.defaultClassLoader())
                        .create(Settings.empty());
        assertThatThrownBy(() -> t.transform(parser.parse(record("not json"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("value is not JSON");
        assertThat(
                        t.transform(parser.parse(record("{\"a\":\"secret\"}")))
                                .orElseThrow()
                                .record()
                                .value())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"a\":\"***\"}");
    }

    @Test
    void badSettingsNameTheirKeys() {
        Settings s =
                Settings.of(
                        Map.of(
                                "partitioner.json-bucket.buckets",
                                "0",
                                "partitioner.json-bucket.field",
                                "u"));
        assertThatThrownBy(
                        () ->
                                new JsonBucketPartitionerProvider()
                                        .create(s.withPrefix("partitioner.json-bucket.")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid value 0 for partitioner.json-bucket.buckets: expected 1 to 10000");
        Settings m =
                Settings.of(
                        Map.of(
                                "transform.mask-json-field.fields",
                                "a",
                                "transform.mask-json-field.mode",
                                "rot13"));
        assertThatThrownBy(
                        () ->
                                new MaskJsonFieldTransformerProvider()
                                        .create(m.withPrefix("transform.mask-json-field.")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown value 'rot13' for transform.mask-json-field.mode: accepted values are redact, hash");
    }

    private static ArchiveRecord record(String value) {
        return new ArchiveRecord(
                "page-views",
                0,
                7,
                1_793_567_700_000L,
                TimestampType.CREATE_TIME,
                "k".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8),
                List.of());
    }

    /** examples/config/sample-plugin.properties with its ${...} defaults applied. */
    private static Map<String, String> sampleConfig() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("config/sample-plugin.properties"))) {
            p.load(r);
        }
        Map<String, String> m = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k).replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1"));
        }
        return m;
    }
}
