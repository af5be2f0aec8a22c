package dev.archiver.transform;

import dev.archiver.parse.ParsedRecord;
import java.util.Optional;

/**
 * Filters, masks or enriches records between parsing and partitioning. Transformers run in the
 * order they are configured.
 *
 * <p>Like parsers, transformers must be deterministic functions of the record (a replayed record
 * must come out the same) and thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RecordTransformer {

    /**
     * Transforms one record.
     *
     * @param record never {@code null}
     * @return the record to archive (the same or a changed one), or empty to drop it; a dropped
     *     record's offset still counts as consumed
     * @throws RuntimeException treated like a parse failure: the bad-record policy applies
     */
    Optional<ParsedRecord> transform(ParsedRecord record);

    static RecordTransformer identity() {
        return Optional::of;
    }
}
