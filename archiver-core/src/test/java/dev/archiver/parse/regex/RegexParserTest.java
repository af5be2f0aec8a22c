package dev.archiver.parse.regex;

import static dev.archiver.parse.TestRecords.record;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.archiver.config.ConfigException;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.TimestampFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegexParserTest {
    private static final String PREFIX = "parser.regex.";
    private static final long KAFKA_TS = 1_700_000_000_000L;
    private static final String ACCESS_LOG =
            "^(?<ip>\\S+) \\[(?<time>[^\\]]+)\\] \"(?<method>[A-Z]+) (?<path>\\S+)\"(?: (?<status>\\d{3}))?";

    private static RecordParser parser(String... keyValues) {
        return new RegexParserProvider().create(scoped(PREFIX, keyValues));
    }

    @Test
    void namedGroupsBecomeStringFields() {
        ParsedRecord parsed =
                parser("pattern", ACCESS_LOG)
                        .parse(
                                record(
                                        1,
                                        KAFKA_TS,
                                        "10.0.0.1 [24/Nov/2026:22:05:30 +0100] \"GET /a/ü\" 200"));
        assertThat(parsed.fields())
                .containsExactly(
                        entry("ip", "10.0.0.1"),
                        entry("time", "24/Nov/2026:22:05:30 +0100"),
                        entry("method", "GET"),
                        entry("path", "/a/ü"),
                        entry("status", "200"));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
    }

    @Test
    void groupsThatDidNotTakePartAreLeftOut() {
        ParsedRecord parsed =
                parser("pattern", ACCESS_LOG).parse(record(1, KAFKA_TS, "h [t] \"PUT /x\""));
        assertThat(parsed.fields()).containsOnlyKeys("ip", "time", "method", "path");
    }

    @Test
    void timestampGroupWithFormat() {
        RecordParser p =
                parser(
                        "pattern",
                        ACCESS_LOG,
                        "timestamp-group",
                        "time",
                        "timestamp-format",
                        "dd/MMM/yyyy:HH:mm:ss Z");
        assertThat(
                        p.parse(record(1, KAFKA_TS, "h [24/Nov/2026:22:05:30 +0100] \"GET /\""))
                                .eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
        RecordParser epoch =
                parser(
                        "pattern",
                        "ts=(?<ts>\\d+)",
                        "timestamp-group",
                        "ts",
                        "timestamp-format",
                        "epoch-seconds");
        assertThat(epoch.parse(record(1, KAFKA_TS, "level=info ts=1795554330 msg=x")).eventTime())
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
    }

    @Test
    void badTimestampIsAParseError() {
        RecordParser p =
                parser(
                        "pattern",
                        "ts=(?<ts>\\S+)",
                        "timestamp-group",
                        "ts",
                        "timestamp-format",
                        "iso-8601");
        assertThatThrownBy(() -> p.parse(record(8, KAFKA_TS, "ts=SECRET")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("events-3@8")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void missingTimestampGroupFallsBackOrFails() {
        String pattern = "a(?:=(?<ts>\\d+))?";
        assertThat(
                        parser("pattern", pattern, "timestamp-group", "ts")
                                .parse(record(1, KAFKA_TS, "a"))
                                .eventTime())
                .isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThatThrownBy(
                        () ->
                                parser(
                                                "pattern",
                                                pattern,
                                                "timestamp-group",
                                                "ts",
                                                "on-missing-timestamp",
                                                "fail")
                                        .parse(record(1, KAFKA_TS, "a")))
                .isInstanceOf(RecordParseException.class);
    }

    @Test
    void noMatchFailsByDefaultOrFallsBack() {
        assertThatThrownBy(() -> parser("pattern", "^\\d+$").parse(record(2, KAFKA_TS, "SECRET")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("does not match")
                .hasMessageNotContaining("SECRET");
        ParsedRecord fallback =
                parser("pattern", "^\\d+$", "on-no-match", "kafka-timestamp")
                        .parse(record(2, KAFKA_TS, "x"));
        assertThat(fallback.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
        assertThat(fallback.fields()).isEmpty();
    }

    @Test
    void tombstoneGetsTheKafkaTimestamp() {
        ParsedRecord parsed = parser("pattern", "^\\d+$").parse(record(2, KAFKA_TS, (String) null));
        assertThat(parsed.fields()).isEmpty();
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TS));
    }

    @Test
    void groupNamesIgnoreEscapedAndQuotedLookalikes() {
        assertThat(RegexParserConfig.namedGroups(Pattern.compile("(?<a>x)\\(?<b>y\\)(?<c2>z)")))
                .containsExactly("a", "c2");
        assertThat(RegexParserConfig.namedGroups(Pattern.compile("\\Q(?<q>\\E(?<real>.)")))
                .containsExactly("real");
        assertThat(RegexParserConfig.namedGroups(Pattern.compile("[(?<cls>)](?<d>.)")))
                .containsExactly("d");
    }

    @Test
    void isDeterministic() {
        RecordParser p = parser("pattern", "(?<k>\\w+)=(?<v>\\w+)");
        assertThat(p.parse(record(3, KAFKA_TS, "a=b")))
                .isEqualTo(p.parse(record(3, KAFKA_TS, "a=b")));
        RegexParserConfig config =
                RegexParserConfig.of(
                        Pattern.compile("(?<k>\\w+)"),
                        null,
                        TimestampFormat.of("epoch-millis", ZoneOffset.UTC));
        assertThat(new RegexParser(config).parse(record(3, KAFKA_TS, "zz")).fields())
                .isEqualTo(Map.of("k", "zz"));
    }

    @Test
    void configErrorsNameTheFullKey() {
        assertThatThrownBy(() -> parser())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.pattern");
        assertThatThrownBy(() -> parser("pattern", "(?<a>"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.pattern");
        assertThatThrownBy(() -> parser("pattern", "(?<a>x)", "timestamp-group", "b"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.timestamp-group")
                .hasMessageContaining("[a]");
        assertThatThrownBy(() -> parser("pattern", "(?<a>x)", "on-no-match", "skip"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.on-no-match")
                .hasMessageContaining("kafka-timestamp, fail");
        assertThatThrownBy(
                        () ->
                                parser(
                                        "pattern",
                                        "(?<a>x)",
                                        "timestamp-group",
                                        "a",
                                        "timestamp-format",
                                        "'oops"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.timestamp-format");
    }
}
