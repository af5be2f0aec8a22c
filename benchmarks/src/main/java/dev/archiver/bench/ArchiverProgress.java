package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

import dev.archiver.ArchiverListener;
import dev.archiver.record.TopicPartitionId;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows one archiver run through the engine's own events: when the first record and the last
 * expected record were consumed, and when the engine had committed the end offset of every
 * partition.
 *
 * <p>Completion is taken from {@link ArchiverListener#committed}, not from the group's offsets as
 * an admin client sees them: the engine commits to Kafka first and counts the batch in {@code
 * ArchiverStats.recordsArchived()} after, so the admin client can see the last commit before the
 * count includes it. The listener is called after the count, so once every partition's end offset
 * has been reported here, the engine's stats include every batch.
 */
final class ArchiverProgress implements ArchiverListener {
    private static final long UNSET = Long.MIN_VALUE;

    private final long expectedRecords;
    private final Map<TopicPartitionId, Long> endOffsets;
    private final Set<TopicPartitionId> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger remaining;
    private final CountDownLatch allCommitted = new CountDownLatch(1);
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong firstRecordNanos = new AtomicLong(UNSET);
    private final AtomicLong drainedNanos = new AtomicLong(UNSET);
    private volatile long committedNanos = UNSET;

    /**
     * @param expectedRecords records the topic holds
     * @param endOffsets the end offset of every partition of the topic
     */
    ArchiverProgress(long expectedRecords, Map<TopicPartitionId, Long> endOffsets) {
        this.expectedRecords = expectedRecords;
        this.endOffsets = Map.copyOf(requireNonNull(endOffsets, "endOffsets is null"));
        endOffsets.forEach(
                (partition, end) -> {
                    if (end > 0) {
                        pending.add(partition);
                    }
                });
        this.remaining = new AtomicInteger(pending.size());
        if (pending.isEmpty()) {
            throw new IllegalArgumentException("every partition is empty");
        }
    }

    @Override
    public void recordsConsumed(TopicPartitionId partition, int records, long bytes) {
        if (records == 0) {
            return;
        }
        long now = System.nanoTime();
        firstRecordNanos.compareAndSet(UNSET, now);
        if (consumed.addAndGet(records) >= expectedRecords) {
            drainedNanos.compareAndSet(UNSET, now);
        }
    }

    @Override
    public void committed(TopicPartitionId partition, long nextOffset) {
        Long end = endOffsets.get(partition);
        if (end != null && nextOffset >= end && pending.remove(partition)) {
            if (remaining.decrementAndGet() == 0) {
                committedNanos = System.nanoTime();
                allCommitted.countDown();
            }
        }
    }

    /** Waits up to {@code timeout} for every partition's end offset to be committed. */
    boolean awaitCommitted(Duration timeout) throws InterruptedException {
        return allCommitted.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Partitions whose end offset has not been committed yet. */
    Set<TopicPartitionId> pending() {
        return Set.copyOf(pending);
    }

    /** When (nanoTime) the first record was consumed. */
    long firstRecordNanos() {
        return require(firstRecordNanos.get(), "no record was consumed");
    }

    /** When (nanoTime) the last expected record was consumed. */
    long drainedNanos() {
        return require(drainedNanos.get(), "only " + consumed.get() + " records were consumed");
    }

    /** When (nanoTime) the last partition's end offset was committed. */
    long committedNanos() {
        return require(committedNanos, "not every partition was committed: " + pending());
    }

    private static long require(long nanos, String message) {
        if (nanos == UNSET) {
            throw new IllegalStateException(message);
        }
        return nanos;
    }
}
