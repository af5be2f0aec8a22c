package dev.archiver.parse.json;

import static dev.archiver.parse.TestRecords.record;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.TimestampFallback;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
    private static final String PREFIX = "parser.json.";
    private static final long KAFKA_TS = 1_700_000_000_000L;

    private static RecordParser parser(String... keyValues) {
        return new JsonParserProvider().create(scoped(PREFIX, keyValues));
    }

    @Test
    void parsesNestedFieldsAndDefaultsToTheKafkaTimestamp() {
        ParsedRecord parsed =
                parser().parse(
                                record(
                                        1,
                                        KAFKA_TS,
                                        "{\"user\":{\"id\":7,\"tags\":[\"a\",true,null]},\"n\":1.5,\"s\":\"x\"}"));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(parsed.field("user.id")).contains(7);
        assertThat(parsed.field("user.tags"))
                .hasValueSatisfying(
                        v -> assertThat(v).isEqualTo(java.util.Arrays.asList("a", true, null)));
        assertThat(parsed.field("n")).contains(1.5);
        assertThat(parsed.field("s")).contains("x");
        assertThat(parsed.fields()).containsOnlyKeys("user", "n", "s");
    }

    @Test
    void readsTheTimestampFromADotPathInEveryFormat() {
        String json = "{\"meta\":{\"ts\":%s}}";
        assertThat(
                        parser("timestamp-field", "meta.ts")
                                .parse(record(1, KAFKA_TS, json.formatted("1795554330123")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30.123Z"));
        assertThat(
                        parser("timestamp-field", "meta.ts", "timestamp-format", "epoch-seconds")
                                .parse(record(1, KAFKA_TS, json.formatted("\"1795554330\"")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
        assertThat(
                        parser("timestamp-field", "meta.ts", "timestamp-format", "epoch-micros")
                                .parse(record(1, KAFKA_TS, json.formatted("1795554330123456")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30.123456Z"));
        assertThat(
                        parser("timestamp-field", "meta.ts", "timestamp-format", "epoch-nanos")
                                .parse(record(1, KAFKA_TS, json.formatted("1795554330123456789")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30.123456789Z"));
        assertThat(
                        parser("timestamp-field", "meta.ts", "timestamp-format", "iso-8601")
                                .parse(
                                        record(
                                                1,
                                                KAFKA_TS,
                                                json.formatted("\"2026-11-24T22:05:30+01:00\"")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
        assertThat(
                        parser(
                                        "timestamp-field", "meta.ts",
                                        "timestamp-format", "yyyy-MM-dd HH:mm:ss",
                                        "timestamp-zone", "America/New_York")
                                .parse(
                                        record(
                                                1,
                                                KAFKA_TS,
                                                json.formatted("\"2026-11-24 16:05:30\"")))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
    }

    @Test
    void missingOrNullTimestampFallsBackOrFails() {
        RecordParser lenient = parser("timestamp-field", "meta.ts");
        assertThat(lenient.parse(record(1, KAFKA_TS, "{\"meta\":{}}")).eventTime())
                .isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(lenient.parse(record(1, KAFKA_TS, "{\"meta\":{\"ts\":null}}")).eventTime())
                .isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(lenient.parse(record(1, -1, "{\"meta\":\"flat\"}")).eventTime())
                .isEqualTo(Instant.EPOCH);

        RecordParser strict = parser("timestamp-field", "meta.ts", "on-missing-timestamp", "fail");
        assertThatThrownBy(() -> strict.parse(record(9, KAFKA_TS, "{\"meta\":{}}")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("events-3@9")
                .hasMessageContaining("meta.ts");
    }

    @Test
    void unparsableTimestampIsAParseErrorWithoutThePayload() {
        RecordParser p = parser("timestamp-field", "ts", "timestamp-format", "iso-8601");
        assertThatThrownBy(() -> p.parse(record(1, KAFKA_TS, "{\"ts\":\"not-a-date-SECRET\"}")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("'ts'")
                .hasMessageNotContaining("SECRET");
        RecordParser millis = parser("timestamp-field", "ts");
        assertThatThrownBy(() -> millis.parse(record(1, KAFKA_TS, "{\"ts\":{\"a\":1}}")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("an object");
        assertThatThrownBy(() -> millis.parse(record(1, KAFKA_TS, "{\"ts\":false}")))
                .isInstanceOf(RecordParseException.class);
    }

    @Test
    void tombstoneGetsTheKafkaTimestampAndNoFields() {
        ParsedRecord parsed =
                parser("timestamp-field", "ts", "on-missing-timestamp", "fail")
                        .parse(record(4, KAFKA_TS, (String) null));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(parsed.fields()).isEmpty();
        assertThat(parser().parse(record(4, -1, (String) null)).eventTime())
                .isEqualTo(Instant.EPOCH);
    }

    @Test
    void anEmptyValueIsTreatedLikeATombstone() {
        RecordParser p = parser("timestamp-field", "ts", "on-missing-timestamp", "fail");
        ParsedRecord parsed = p.parse(record(5, KAFKA_TS, ""));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(parsed.fields()).isEmpty();
        // whitespace is a payload, and not JSON
        assertThatThrownBy(() -> p.parse(record(6, KAFKA_TS, " ")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void rejectsInvalidJsonAndNonObjects() {
        RecordParser p = parser();
        for (String bad :
                List.of(
                        "   ",
                        "{",
                        "{\"a\":}",
                        "SECRET",
                        "{\"a\":1} trailing",
                        "{\"a\":1}{\"b\":2}",
                        "\u00ff\u00fe")) {
            assertThatThrownBy(() -> p.parse(record(5, KAFKA_TS, bad)))
                    .as("input %s", bad)
                    .isInstanceOf(RecordParseException.class)
                    .hasMessageStartingWith("Cannot parse events-3@5: ")
                    .hasMessageNotContaining("SECRET");
        }
        for (String notObject : List.of("[1,2]", "\"s\"", "42", "true", "null")) {
            assertThatThrownBy(() -> p.parse(record(5, KAFKA_TS, notObject)))
                    .as("input %s", notObject)
                    .isInstanceOf(RecordParseException.class)
                    .hasMessageContaining("not an object");
        }
    }

    @Test
    void hostileNestingIsAParseErrorNotAStackOverflow() {
        int depth = 200_000;
        String deep = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThatThrownBy(() -> parser().parse(record(6, KAFKA_TS, deep)))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("nesting depth");
        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        assertThatThrownBy(() -> parser().parse(record(6, KAFKA_TS, objects)))
                .isInstanceOf(RecordParseException.class);
    }

    @Test
    void nestingDepthIsConfigurable() {
        String depth3 = "{\"a\":{\"b\":{\"c\":1}}}";
        assertThat(
                        parser("max-nesting-depth", "3")
                                .parse(record(1, KAFKA_TS, depth3))
                                .field("a.b.c"))
                .contains(1);
        assertThatThrownBy(
                        () -> parser("max-nesting-depth", "2").parse(record(1, KAFKA_TS, depth3)))
                .isInstanceOf(RecordParseException.class);
        String depth999 = "{\"a\":" + "[".repeat(998) + "]".repeat(998) + "}";
        assertThat(parser().parse(record(1, KAFKA_TS, depth999)).fields()).containsKey("a");
    }

    @Test
    void isDeterministicAndFieldsAreReadOnly() {
        RecordParser p = parser("timestamp-field", "ts");
        ParsedRecord a = p.parse(record(1, KAFKA_TS, "{\"ts\":5,\"x\":[1]}"));
        ParsedRecord b = p.parse(record(1, KAFKA_TS, "{\"ts\":5,\"x\":[1]}"));
        assertThat(a).isEqualTo(b);
        assertThatThrownBy(() -> a.fields().put("y", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void configDefaultsAndBuilder() {
        JsonParserConfig defaults = JsonParserConfig.from(Settings.empty());
        assertThat(defaults).isEqualTo(JsonParserConfig.defaults());
        assertThat(defaults.timestampField()).isEmpty();
        assertThat(defaults.timestampFormat().spec()).isEqualTo("epoch-millis");
        assertThat(defaults.onMissingTimestamp()).isEqualTo(TimestampFallback.KAFKA_TIMESTAMP);
        assertThat(defaults.maxNestingDepth()).isEqualTo(1000);
        JsonParserConfig built =
                JsonParserConfig.builder()
                        .timestampField("a.b")
                        .timestampFormat("iso-8601")
                        .timestampZone(ZoneId.of("Europe/Paris"))
                        .onMissingTimestamp(TimestampFallback.FAIL)
                        .maxNestingDepth(10)
                        .build();
        assertThat(built)
                .isEqualTo(
                        JsonParserConfig.from(
                                scoped(
                                        PREFIX,
                                        "timestamp-field",
                                        "a.b",
                                        "timestamp-format",
                                        "iso-8601",
                                        "timestamp-zone",
                                        "Europe/Paris",
                                        "on-missing-timestamp",
                                        "fail",
                                        "max-nesting-depth",
                                        "10")));
    }

    @Test
    void configErrorsNameTheFullKey() {
        assertThatThrownBy(() -> parser("timestamp-format", "epoch-hours'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.timestamp-format")
                .hasMessageContaining("iso-8601");
        assertThatThrownBy(() -> parser("timestamp-zone", "Nowhere/City"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.timestamp-zone");
        assertThatThrownBy(() -> parser("on-missing-timestamp", "skip"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.on-missing-timestamp")
                .hasMessageContaining("kafka-timestamp, fail");
        assertThatThrownBy(() -> parser("max-nesting-depth", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.max-nesting-depth");
        assertThatThrownBy(() -> parser("max-nesting-depth", "deep"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.max-nesting-depth");
        assertThatThrownBy(() -> parser("timestamp-field", "meta..ts"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.json.timestamp-field");
    }

    @Test
    void fieldsMayBeUsedByPathWithMapsOfAnyDepth() {
        ParsedRecord parsed =
                parser().parse(record(1, KAFKA_TS, "{\"a\":{\"b\":{\"c\":{\"d\":\"deep\"}}}}"));
        assertThat(parsed.field("a.b.c.d")).contains("deep");
        assertThat(parsed.field("a.x")).isEmpty();
        assertThat(parsed.fields().get("a")).isInstanceOf(Map.class);
    }
}
