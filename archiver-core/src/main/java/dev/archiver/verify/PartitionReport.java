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
 * @param gapCount offsets missing from the archive that count as lost: when compared with Kafka,
 *     the offsets Kafka still holds; otherwise the offsets between the first and the last one known
 *     (held or inside a consumed range) that no object holds and no fully found batch's consumed
 *     range covers (every missing offset, for archives written before ranges were recorded)
 * @param gaps the first lost ranges (at most 100)
 * @param missingFromArchive records Kafka holds that the archive lacks (0 when not compared)
 * @param contentMismatches records whose key, value, headers or timestamp differ from Kafka's (0
 *     when not compared)
 * @param ranges batches whose consumed range the objects record and whose objects were all found (0
 *     when compared with Kafka, or for archives written before ranges were recorded)
 * @param incompleteRanges batches with a recorded range of which some object is missing: their
 *     range covers nothing
 * @param kafkaGaps offsets inside the consumed ranges that no object holds: transaction markers,
 *     aborted and compacted-away records, records the job filtered or skipped (not a failure; 0
 *     when compared with Kafka)
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
        long contentMismatches,
        long ranges,
        long incompleteRanges,
        long kafkaGaps) {

    public PartitionReport {
        duplicates = List.copyOf(duplicates);
        gaps = List.copyOf(gaps);
    }

    /** A report without consumed ranges (as before they were recorded). */
    public PartitionReport(
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
        this(
                partition,
                records,
                objects,
                firstOffset,
                lastOffset,
                duplicateCount,
                duplicates,
                gapCount,
                gaps,
                missingFromArchive,
                contentMismatches,
                0,
                0,
                0);
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
