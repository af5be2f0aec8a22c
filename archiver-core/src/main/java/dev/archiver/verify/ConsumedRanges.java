package dev.archiver.verify;

import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumed ranges of the batches found in an archive ({@link ArchiveMetadata#range}), and what
 * they say about offsets no object holds: inside the range of a batch whose objects are all found,
 * an offset is one Kafka did not deliver (a transaction marker, an aborted or compacted-away
 * record) or one the job filtered or skipped; anywhere else between the first and the last offset
 * the archive knows of, it is lost. Objects are added from several threads.
 */
final class ConsumedRanges {
    /** One batch of a partition: its range and writer (a replay by another writer is another). */
    private record BatchId(ArchiveMetadata.Range range, String writer) {}

    /** What the ranges say about one partition's missing offsets. */
    record Verdict(
            long ranges,
            long incomplete,
            long kafkaGaps,
            long lost,
            List<PartitionReport.OffsetRange> lostRanges) {}

    private final Map<TopicPartitionId, Map<BatchId, Integer>> objectsFound = new HashMap<>();

    synchronized void add(TopicPartitionId partition, ArchiveMetadata.Range range, String writer) {
        objectsFound
                .computeIfAbsent(partition, p -> new HashMap<>())
                .merge(new BatchId(range, writer), 1, Integer::sum);
    }

    /**
     * Classifies the offsets missing from {@code offsets} (sorted) of one partition, or returns
     * null when no object of the partition carries a range (an archive written before ranges were
     * recorded: every missing offset then counts as a gap, as it always did).
     */
    synchronized Verdict classify(TopicPartitionId partition, long[] offsets) {
        List<long[]> covered = new ArrayList<>();
        long lo = offsets.length == 0 ? Long.MAX_VALUE : offsets[0];
        long hi = offsets.length == 0 ? Long.MIN_VALUE : offsets[offsets.length - 1];
        long ranges = 0;
        long incomplete = 0;
        for (Map.Entry<BatchId, Integer> e :
                objectsFound.getOrDefault(partition, Map.of()).entrySet()) {
            ArchiveMetadata.Range r = e.getKey().range();
            lo = Math.min(lo, r.start());
            hi = Math.max(hi, r.end() - 1);
            if (e.getValue() >= r.objects()) {
                ranges++;
                if (r.end() > r.start()) {
                    covered.add(new long[] {r.start(), r.end()});
                }
            } else {
                incomplete++;
            }
        }
        if (ranges + incomplete == 0) {
            return null;
        }
        Walk walk = new Walk(merge(covered));
        long previous = lo - 1;
        for (long o : offsets) {
            if (o > previous + 1) {
                walk.missing(previous + 1, o - 1);
            }
            previous = Math.max(previous, o);
        }
        if (hi > previous) {
            walk.missing(previous + 1, hi);
        }
        return new Verdict(ranges, incomplete, walk.kafkaGaps, walk.lost, walk.lostRanges);
    }

    private static List<long[]> merge(List<long[]> ranges) {
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return merged;
    }

    /** Splits ascending runs of missing offsets into covered (Kafka gaps) and lost parts. */
    private static final class Walk {
        private final List<long[]> covered;
        private int next;
        long kafkaGaps;
        long lost;
        final List<PartitionReport.OffsetRange> lostRanges = new ArrayList<>();

        Walk(List<long[]> covered) {
            this.covered = covered;
        }

        void missing(long from, long to) {
            long at = from;
            while (at <= to) {
                while (next < covered.size() && covered.get(next)[1] <= at) {
                    next++;
                }
                if (next < covered.size() && covered.get(next)[0] <= at) {
                    long end = Math.min(to, covered.get(next)[1] - 1);
                    kafkaGaps += end - at + 1;
                    at = end + 1;
                } else {
                    long end = next < covered.size() ? Math.min(to, covered.get(next)[0] - 1) : to;
                    lost += end - at + 1;
                    if (lostRanges.size() < 100) {
                        lostRanges.add(new PartitionReport.OffsetRange(at, end));
                    }
                    at = end + 1;
                }
            }
        }
    }
}
