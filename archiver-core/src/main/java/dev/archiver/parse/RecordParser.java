package dev.archiver.parse;

import dev.archiver.record.ArchiveRecord;

/**
 * Turns a Kafka record into a {@link ParsedRecord}: its event time plus named fields.
 *
 * <p>A parser is a pure function of the record: the same record always yields the same result,
 * whatever the wall clock says. Exactly-once depends on it, because a replayed record must be
 * routed to the same output partition as before.
 *
 * <p>Implementations are called from the engine's consumer threads and must be thread-safe (the
 * built-ins are stateless).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RecordParser {

    /**
     * Parses one record.
     *
     * @param record never {@code null}; its key and value may be {@code null}
     * @return never {@code null}
     * @throws RecordParseException when the record cannot be parsed; the engine then applies the
     *     configured bad-record policy (dead-letter, skip or fail). Any other runtime exception is
     *     treated the same way.
     */
    ParsedRecord parse(ArchiveRecord record);
}
