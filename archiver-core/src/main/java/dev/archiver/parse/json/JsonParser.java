package dev.archiver.parse.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.archiver.parse.KafkaTimestampParser;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code json} parser: the value must be one JSON object; its members become the fields (nested
 * {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}, or {@code null}), and
 * the event time comes from {@link JsonParserConfig#timestampField()} or the Kafka timestamp.
 *
 * <p>A tombstone (null value) and an empty value (zero bytes) both carry no payload: each parses to
 * no fields and the Kafka timestamp, whatever {@code on-missing-timestamp} says, and is archived as
 * it is (never dead-lettered). Any other value must be JSON: invalid JSON (whitespace alone
 * included), a value that is not an object, trailing content, nesting deeper than {@code
 * max-nesting-depth} and an unreadable timestamp throw {@link RecordParseException}; messages never
 * quote the payload.
 *
 * @since 0.1
 */
public final class JsonParser implements RecordParser {
    private final JsonParserConfig config;
    private final ObjectReader reader;

    public JsonParser(JsonParserConfig config) {
        this.config = requireNonNull(config, "config is null");
        JsonFactory factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(config.maxNestingDepth())
                                        .build())
                        .build();
        this.reader =
                new ObjectMapper(factory)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readerFor(Object.class);
    }

    @Override
    public ParsedRecord parse(ArchiveRecord record) {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            return ParsedRecord.of(record, KafkaTimestampParser.kafkaTimeOrEpoch(record));
        }
        Object tree;
        try {
            tree = reader.readValue(value);
        } catch (StreamConstraintsException e) {
            throw new RecordParseException(
                    record, "JSON exceeds a limit: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RecordParseException(record, "invalid JSON at " + location(e));
        } catch (StackOverflowError e) {
            // only reachable when max-nesting-depth is set higher than the thread's stack allows
            throw new RecordParseException(record, "JSON nested too deeply");
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new RecordParseException(record, "the JSON value is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) tree;
        ParsedRecord parsed = new ParsedRecord(record, Instant.EPOCH, fields);
        return new ParsedRecord(record, eventTime(parsed), fields);
    }

    private Instant eventTime(ParsedRecord parsed) {
        ArchiveRecord record = parsed.record();
        if (config.timestampField().isEmpty()) {
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        String path = config.timestampField().get();
        Object raw = parsed.field(path).orElse(null);
        if (raw == null) {
            if (config.onMissingTimestamp() == TimestampFallback.FAIL) {
                throw new RecordParseException(record, "no timestamp field '" + path + "'");
            }
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        try {
            return config.timestampFormat().toInstant(raw);
        } catch (IllegalArgumentException e) {
            throw new RecordParseException(
                    record, "timestamp field '" + path + "': " + e.getMessage());
        }
    }

    private static String location(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                && j.getLocation() != null) {
            return "line "
                    + j.getLocation().getLineNr()
                    + ", column "
                    + j.getLocation().getColumnNr();
        }
        return "unknown position";
    }

    @Override
    public String toString() {
        return "json(" + config + ")";
    }
}
