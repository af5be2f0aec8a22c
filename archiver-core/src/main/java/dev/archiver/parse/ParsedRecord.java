package dev.archiver.parse;

import static java.util.Objects.requireNonNull;

import dev.archiver.record.ArchiveRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A record after parsing: the untouched Kafka record, its event time, and named fields that
 * partitioners and transformers may use.
 *
 * <p>{@code fields} values are whatever the parser produced: strings, numbers, booleans, nested
 * {@code Map}s and {@code List}s (the JSON parser), or strings (the regex parser). The map is
 * unmodifiable.
 *
 * @param record the Kafka record; formats write this, so parsing never changes what is archived
 * @param eventTime the time used by time-based partitioning
 * @param fields named fields extracted by the parser; empty when the parser extracts none
 * @since 0.1
 */
public record ParsedRecord(ArchiveRecord record, Instant eventTime, Map<String, Object> fields) {

    public ParsedRecord {
        requireNonNull(record, "record is null");
        requireNonNull(eventTime, "eventTime is null");
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(fields);
    }

    public static ParsedRecord of(ArchiveRecord record, Instant eventTime) {
        return new ParsedRecord(record, eventTime, Map.of());
    }

    /**
     * The field at a dot-separated path ({@code user.id}) through nested maps.
     *
     * @return the value, or empty when any step is missing or not a map
     */
    public Optional<Object> field(String path) {
        Object current = fields;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            current = map.get(part);
            if (current == null) {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    /** A copy with another record (a transformer that rewrites the payload). */
    public ParsedRecord withRecord(ArchiveRecord newRecord) {
        return new ParsedRecord(newRecord, eventTime, fields);
    }
}
