package dev.archiver.parse.regex;

import static java.util.Objects.requireNonNull;

import dev.archiver.parse.KafkaTimestampParser;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.record.ArchiveRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The {@code regex} parser; see {@link RegexParserConfig}. A tombstone (null value) parses to no
 * fields and the Kafka timestamp, like with the {@code json} parser.
 *
 * @since 0.1
 */
public final class RegexParser implements RecordParser {
    private final RegexParserConfig config;

    public RegexParser(RegexParserConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public ParsedRecord parse(ArchiveRecord record) {
        byte[] value = record.value();
        if (value == null) {
            return ParsedRecord.of(record, KafkaTimestampParser.kafkaTimeOrEpoch(record));
        }
        Matcher m = config.pattern().matcher(new String(value, StandardCharsets.UTF_8));
        if (!m.find()) {
            if (config.onNoMatch() == TimestampFallback.FAIL) {
                throw new RecordParseException(record, "the value does not match the pattern");
            }
            return ParsedRecord.of(record, KafkaTimestampParser.kafkaTimeOrEpoch(record));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name : config.groupNames()) {
            String g = m.group(name);
            if (g != null) {
                fields.put(name, g);
            }
        }
        return new ParsedRecord(record, eventTime(record, fields), fields);
    }

    private Instant eventTime(ArchiveRecord record, Map<String, Object> fields) {
        if (config.timestampGroup().isEmpty()) {
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        String group = config.timestampGroup().get();
        Object raw = fields.get(group);
        if (raw == null) {
            if (config.onMissingTimestamp() == TimestampFallback.FAIL) {
                throw new RecordParseException(
                        record, "the timestamp group '" + group + "' did not match");
            }
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        try {
            return config.timestampFormat().toInstant(raw);
        } catch (IllegalArgumentException e) {
            throw new RecordParseException(
                    record, "timestamp group '" + group + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "regex(" + config.pattern() + ")";
    }
}
