package dev.archiver.parse;

import static dev.archiver.parse.TestRecords.record;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaTimestampParserTest {
    private static final String PREFIX = "parser.kafka-timestamp.";

    @Test
    void eventTimeIsTheKafkaTimestamp() {
        RecordParser parser = new KafkaTimestampParserProvider().create(Settings.empty());
        ParsedRecord parsed = parser.parse(record(7, 1_764_018_300_123L, "x"));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(1_764_018_300_123L));
        assertThat(parsed.fields()).isEmpty();
        assertThat(parsed.record().offset()).isEqualTo(7);
    }

    @Test
    void missingTimestampFallsBackToTheEpochByDefault() {
        RecordParser parser = new KafkaTimestampParserProvider().create(scoped(PREFIX));
        assertThat(parser.parse(record(1, -1, "x")).eventTime()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void missingTimestampCanFail() {
        RecordParser parser =
                new KafkaTimestampParserProvider().create(scoped(PREFIX, "on-missing", "fail"));
        assertThatThrownBy(() -> parser.parse(record(42, -1, "secret-payload")))
                .isInstanceOf(RecordParseException.class)
                .hasMessageContaining("events-3@42")
                .hasMessageNotContaining("secret-payload");
        assertThat(parser.parse(record(43, 0, "x")).eventTime()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void isDeterministic() {
        RecordParser parser = new KafkaTimestampParser(KafkaTimestampParser.Config.defaults());
        assertThat(parser.parse(record(5, -1, "x"))).isEqualTo(parser.parse(record(5, -1, "x")));
        assertThat(parser.parse(record(5, 99, "x"))).isEqualTo(parser.parse(record(5, 99, "x")));
    }

    @Test
    void rejectsUnknownOnMissingNamingKeyAndValues() {
        assertThatThrownBy(
                        () ->
                                new KafkaTimestampParserProvider()
                                        .create(scoped(PREFIX, "on-missing", "now")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.kafka-timestamp.on-missing")
                .hasMessageContaining("epoch, fail");
    }

    @Test
    void offsetParserExposesTheOffset() {
        RecordParser parser = new OffsetParserProvider().create(Settings.empty());
        ParsedRecord parsed = parser.parse(record(12_345, 1_000, "x"));
        assertThat(parsed.fields()).isEqualTo(Map.of("offset", 12_345L));
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(parser.parse(record(1, -1, (String) null)).eventTime()).isEqualTo(Instant.EPOCH);
    }
}
