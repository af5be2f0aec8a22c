package dev.archiver.offset;

import dev.archiver.record.TopicPartitionId;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Where committed offsets live: the next offset to read for each topic-partition, written only
 * after every object of a batch is durable (docs/design.md, invariant 3).
 *
 * <p><b>Threads:</b> {@link #committed} and {@link #commit} are called on the consumer thread that
 * owns the partitions (the Kafka tracker commits through that thread's consumer). {@link #lock} is
 * called on an upload thread; the returned lock is closed after the commit, possibly on another
 * thread, so it must not be bound to the thread that took it.
 *
 * @since 0.1
 */
public interface OffsetTracker extends Closeable {

    /**
     * The committed next offsets of partitions just assigned to this consumer.
     *
     * @return an entry for every partition that has a committed offset; a partition without one
     *     starts according to the consumer's {@code auto.offset.reset}
     * @throws IOException when the offsets cannot be read; the engine retries
     */
    Map<TopicPartitionId, Long> committed(Set<TopicPartitionId> partitions) throws IOException;

    /**
     * Commits next offsets (last archived offset + 1, or the consumer position at sealing time).
     *
     * @throws OwnershipLostException when this consumer no longer owns a partition (a rebalance
     *     fenced it); nothing was committed for that partition
     * @throws IOException when the commit failed for another reason; the engine retries
     */
    void commit(Map<TopicPartitionId, Long> nextOffsets) throws IOException;

    /**
     * Commits next offsets that move past records no batch archived (an idle commit: transaction
     * markers, aborted, compacted-away or filtered records), noting for each partition where its
     * archived range ended ({@code archivedEnds}), so that the next owner's first batch starts its
     * consumed range there (docs/engine.md, "Consumed ranges"). The default commits the offsets
     * alone and keeps no note; a later owner then starts its range at the committed offset, and the
     * verifier without Kafka reports the idle advance as lost (a false alarm, never a false pass).
     *
     * @throws OwnershipLostException as {@link #commit}
     * @throws IOException as {@link #commit}
     */
    default void commitIdle(
            Map<TopicPartitionId, Long> nextOffsets, Map<TopicPartitionId, Long> archivedEnds)
            throws IOException {
        commit(nextOffsets);
    }

    /**
     * The notes of {@link #commitIdle}: where the archived range of each partition ended, for the
     * partitions whose last commit was an idle commit with a note. A commit through {@link #commit}
     * clears the note. The default keeps no notes.
     *
     * @throws IOException when the notes cannot be read
     */
    default Map<TopicPartitionId, Long> archivedEnds(Set<TopicPartitionId> partitions)
            throws IOException {
        return Map.of();
    }

    /**
     * Takes an exclusive lock on a partition around upload and commit, for trackers that can (the
     * ZooKeeper tracker, as Secor does). While holding it, the tracker re-reads the committed
     * offset and fails when it is not {@code expectedCommitted}: another consumer has moved on.
     *
     * @param expectedCommitted the committed offset this consumer resumed from or last committed;
     *     -1 when nothing was committed
     * @return a lock to close after the commit; the default takes no lock
     * @throws OwnershipLostException when the committed offset moved
     * @throws IOException when the lock cannot be taken
     */
    default PartitionLock lock(TopicPartitionId partition, long expectedCommitted)
            throws IOException {
        return PartitionLock.NONE;
    }

    /** A lock taken by {@link #lock}; closing it is idempotent and never throws. */
    interface PartitionLock extends AutoCloseable {
        PartitionLock NONE = () -> {};

        @Override
        void close();
    }
}
