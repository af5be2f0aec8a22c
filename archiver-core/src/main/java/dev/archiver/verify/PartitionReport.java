package dev.archiver.verify;

import dev.archiver.record.TopicPartitionId;
import java.util.List;

/**
 * What the verifier found for one topic-partition.
 *
 * @param partition the topic-partition
 * @param records records found in the archive (dead letters included)
 * @param objects objects holding them
 * @param firstOffset smallest offset found, -1 when none
 * @param lastOffset largest offset found, -1 when none
 * @param duplicateCount offsets found more than once (each extra copy counts)
 * @param duplicates the first duplicated offsets (at most 100)
 * @param gapCount offsets between first and last that are missing from the archive; when compared
 *     with Kafka, only offsets Kafka still holds count
 * @param gaps the first missing ranges (at most 100)
 * @param missingFromArchive records Kafka holds that the archive lacks (0 when not compared)
 * @param contentMismatches records whose key, value, headers or timestamp differ from Kafka's (0
 *     when not compared)
 * @since 0.1
 */
public record PartitionReport(
        TopicPartitionId partition,
        long records,
        long objects,
        long firstOffset,
        long lastOffset,
        long duplicateCount,
        List<Long> duplicates,
        long gapCount,
        List<OffsetRange> gaps,
        long missingFromArchive,
        long contentMismatches) {

    public PartitionReport {
        duplicates = List.copyOf(duplicates);
        gaps = List.copyOf(gaps);
    }

    /** No duplicates, no gaps, nothing missing, nothing different. */
    public boolean ok() {
        return duplicateCount == 0
                && gapCount == 0
                && missingFromArchive == 0
                && contentMismatches == 0;
    }

    /** An inclusive range of offsets. */
    public record OffsetRange(long from, long to) {
        @Override
        public String toString() {
            return from == to ? Long.toString(from) : from + ".." + to;
        }
    }
}
