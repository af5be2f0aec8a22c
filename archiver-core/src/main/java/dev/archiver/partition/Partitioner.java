package dev.archiver.partition;

import dev.archiver.parse.ParsedRecord;

/**
 * Routes a record to an output partition.
 *
 * <p>The result must depend on the record alone, never on the wall clock or on other records:
 * exactly-once relies on a replayed record landing in the same output partition (docs/design.md,
 * invariant 2). Implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Partitioner {

    /**
     * @param record never {@code null}
     * @return never {@code null}; {@link PartitionPath#empty()} for no partitioning
     * @throws RuntimeException when the record cannot be routed; the bad-record policy applies
     */
    PartitionPath partition(ParsedRecord record);
}
