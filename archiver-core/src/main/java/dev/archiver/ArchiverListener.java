package dev.archiver;

import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.StorageLocation;
import java.time.Duration;
import java.util.Collection;

/**
 * Receives the engine's events, for metrics and monitoring. Every method has an empty default.
 * Methods are called from the engine's consumer and upload threads, must be thread-safe, fast and
 * must not throw (an exception is logged and ignored).
 *
 * @since 0.1
 */
public interface ArchiverListener {
    ArchiverListener NONE = new ArchiverListener() {};

    /** Records were taken from a poll for a partition. */
    default void recordsConsumed(TopicPartitionId partition, int records, long bytes) {}

    /** A record went to the dead-letter prefix. */
    default void deadLettered(TopicPartitionId partition, long offset, String error) {}

    /** A record was skipped ({@link ErrorTolerance#SKIP}) or dropped by a transformer. */
    default void skipped(TopicPartitionId partition, long offset, boolean byTransformer) {}

    /** One object was uploaded. */
    default void objectUploaded(
            TopicPartitionId partition,
            StorageLocation location,
            long records,
            long bytes,
            Duration latency) {}

    /** An upload attempt failed; it is retried after {@code backoff}. */
    default void uploadFailed(
            TopicPartitionId partition,
            StorageLocation location,
            Throwable error,
            int attempt,
            Duration backoff) {}

    /** Offsets were committed for a partition. */
    default void committed(TopicPartitionId partition, long nextOffset) {}

    /** Partitions were assigned to or revoked from this engine. */
    default void rebalanced(
            Collection<TopicPartitionId> assigned, Collection<TopicPartitionId> revoked) {}
}
