package dev.archiver.policy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What is staged for one topic-partition: all its open files together, since they are sealed
 * together.
 *
 * @param records records written
 * @param bytes bytes written to local staging files (after compression)
 * @param openFiles number of open files (one per output partition)
 * @param createdAt when the first of these records was written
 * @param firstOffset the smallest offset staged
 * @param lastOffset the largest offset staged
 * @since 0.1
 */
public record FileStats(
        long records,
        long bytes,
        int openFiles,
        Instant createdAt,
        long firstOffset,
        long lastOffset) {
    public FileStats {
        requireNonNull(createdAt, "createdAt is null");
    }
}
