package dev.archiver.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata.Range;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Hole 12: missing offsets inside fully found batch ranges are Kafka gaps, elsewhere lost. */
class ConsumedRangesTest {
    private static final TopicPartitionId TP = new TopicPartitionId("t", 0);

    private static long[] offsets(long from, long to, long... without) {
        return LongStream.rangeClosed(from, to)
                .filter(o -> LongStream.of(without).noneMatch(w -> w == o))
                .toArray();
    }

    private static long[] concat(long[] a, long[] b) {
        return LongStream.concat(LongStream.of(a), LongStream.of(b)).toArray();
    }

    @Test
    void withoutRangesThereIsNoVerdict() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(new TopicPartitionId("other", 0), new Range(0, 10, 1), "w");
        assertThat(ranges.classify(TP, offsets(0, 9))).isNull();
    }

    @Test
    void offsetsMissingInsideChainedRangesAreKafkaGaps() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(TP, new Range(0, 10, 1), "w");
        ranges.add(TP, new Range(10, 21, 1), "w");
        // 3, 4 aborted; 9 a marker at the end of the first batch; 10, 11 and 20 markers or
        // compacted before the second batch's records
        var verdict = ranges.classify(TP, concat(offsets(0, 8, 3, 4), offsets(12, 19)));
        assertThat(verdict.lost()).isZero();
        assertThat(verdict.kafkaGaps()).isEqualTo(6);
        assertThat(verdict.ranges()).isEqualTo(2);
        assertThat(verdict.incomplete()).isZero();
    }

    @Test
    void offsetsBetweenRangesAreLost() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(TP, new Range(0, 10, 1), "w");
        ranges.add(TP, new Range(15, 20, 1), "w");
        var verdict = ranges.classify(TP, concat(offsets(0, 9), offsets(15, 19, 17)));
        assertThat(verdict.lost()).isEqualTo(5);
        assertThat(verdict.lostRanges()).containsExactly(new PartitionReport.OffsetRange(10, 14));
        assertThat(verdict.kafkaGaps()).isEqualTo(1);
    }

    @Test
    void aBatchWithAMissingObjectCoversNothing() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(TP, new Range(0, 10, 1), "w");
        ranges.add(TP, new Range(10, 20, 2), "w");
        ranges.add(TP, new Range(20, 30, 1), "w");
        // the second batch's other object held the odd offsets 11..19
        long[] held = concat(offsets(0, 9), offsets(10, 29, 11, 13, 15, 17, 19));
        var verdict = ranges.classify(TP, held);
        assertThat(verdict.incomplete()).isEqualTo(1);
        assertThat(verdict.ranges()).isEqualTo(2);
        assertThat(verdict.lost()).isEqualTo(5);
        assertThat(verdict.kafkaGaps()).isZero();
    }

    @Test
    void theNewestBatchesIncompleteRangeStillSpansWhatItLost() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(TP, new Range(0, 10, 1), "w");
        ranges.add(TP, new Range(10, 20, 2), "w");
        var verdict = ranges.classify(TP, offsets(0, 14));
        assertThat(verdict.lost()).isEqualTo(5);
        assertThat(verdict.lostRanges()).containsExactly(new PartitionReport.OffsetRange(15, 19));
    }

    @Test
    void aCompleteReplayCoversWhatAnIncompleteLeftoverOfAnotherWriterLacks() {
        ConsumedRanges ranges = new ConsumedRanges();
        ranges.add(TP, new Range(0, 10, 2), "old");
        ranges.add(TP, new Range(0, 12, 1), "new");
        var verdict = ranges.classify(TP, offsets(0, 11, 5));
        assertThat(verdict.lost()).isZero();
        assertThat(verdict.kafkaGaps()).isEqualTo(1);
        assertThat(verdict.incomplete()).isEqualTo(1);
    }
}
