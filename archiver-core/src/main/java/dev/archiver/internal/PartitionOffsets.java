package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed side of the loop: reads committed offsets, commits a durable batch's end offset,
 * moves the committed offset past records that produced no file, and rewinds the consumer to the
 * committed position. Consumer thread only.
 */
final class PartitionOffsets {
    private static final Logger log = LoggerFactory.getLogger(PartitionOffsets.class);
    static final long IDLE_COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(30);

    /** What became of a commit attempt. */
    enum CommitResult {
        COMMITTED,
        RETRY_LATER,
        OWNERSHIP_LOST
    }

    private final ArchiverConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final OffsetTracker tracker;
    private final EngineStats stats;
    private final ArchiverListener listener;
    private final Ticker ticker;
    private final String name;

    PartitionOffsets(
            ArchiverConfig config,
            Consumer<byte[], byte[]> consumer,
            OffsetTracker tracker,
            EngineStats stats,
            Ticker ticker,
            String name) {
        this.config = config;
        this.consumer = consumer;
        this.tracker = tracker;
        this.stats = stats;
        this.listener = config.listener();
        this.ticker = ticker;
        this.name = name;
    }

    /** Reads committed offsets, retrying a few times with backoff (on assignment). */
    Map<TopicPartitionId, Long> committedWithRetry(Set<TopicPartitionId> ids) {
        Duration backoff = config.retryInitialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return tracker.committed(ids);
            } catch (IOException e) {
                if (attempt >= 5) {
                    throw new UncheckedIOException("Cannot read committed offsets of " + ids, e);
                }
                log.warn(
                        "{}: reading committed offsets failed (attempt {}): {}",
                        name,
                        attempt,
                        e.getMessage());
                sleep(backoff);
                backoff = min(backoff.multipliedBy(2), config.retryMaxBackoff());
            }
        }
    }

    /**
     * The archived ends that idle commits noted (docs/engine.md, "Consumed ranges"); none when they
     * cannot be read, so that ranges start at the committed offset (a false alarm of the verifier
     * at worst, never a false pass).
     */
    Map<TopicPartitionId, Long> archivedEnds(Set<TopicPartitionId> ids) {
        try {
            return tracker.archivedEnds(ids);
        } catch (IOException e) {
            log.warn(
                    "{}: cannot read where the archived ranges of {} ended: {}",
                    name,
                    ids,
                    e.getMessage());
            return Map.of();
        }
    }

    /**
     * Commits the end of an uploaded batch, which stays the writer's in-flight batch on failure.
     */
    CommitResult commit(PartitionWriter w, Batch batch) {
        config.hooks().beforeCommit(batch.partition, batch.firstOffset, batch.nextOffset);
        try {
            tracker.commit(Map.of(batch.partition, batch.nextOffset));
        } catch (OwnershipLostException e) {
            batch.failure = e;
            return CommitResult.OWNERSHIP_LOST;
        } catch (IOException e) {
            log.warn("{}: committing {} failed, retrying: {}", name, batch, e.getMessage());
            batch.commitDeferred = true;
            batch.commitRetryAtNanos = ticker.nanos() + config.retryInitialBackoff().toNanos();
            return CommitResult.RETRY_LATER;
        }
        batch.lock.close();
        batch.deleteLocalFiles();
        w.inFlight = null;
        w.committed = batch.nextOffset;
        w.archivedEnd = batch.nextOffset;
        stats.commits.incrementAndGet();
        stats.recordsArchived.addAndGet(batch.records());
        Listeners.safely(name, () -> listener.committed(batch.partition, batch.nextOffset));
        return CommitResult.COMMITTED;
    }

    /**
     * Whether the group coordinator still takes this member's commits for the partition: re-commits
     * the offset the batch started from (what was committed, or the batch's first offset when
     * nothing was), a commit the coordinator refuses from a member of an older generation. False
     * when it refused or could not be asked.
     */
    boolean commitAccepted(PartitionWriter w, Batch batch) {
        long offset = batch.expectedCommitted >= 0 ? batch.expectedCommitted : batch.firstOffset;
        try {
            tracker.commit(Map.of(w.partition, offset));
            return true;
        } catch (IOException e) {
            log.info("{}: commit of {} refused or failed: {}", name, w.partition, e.getMessage());
            return false;
        }
    }

    /**
     * Moves the committed offset past records that produced no file (filtered, skipped, transaction
     * markers), at most every few seconds per partition.
     */
    void commitIdle(PartitionWriter w) {
        long now = ticker.nanos();
        if (w.rewindPending || now - w.lastIdleCommitNanos < IDLE_COMMIT_INTERVAL_NANOS) {
            // a held partition's position is past records it discarded: never commit it
            return;
        }
        w.lastIdleCommitNanos = now;
        long position;
        try {
            position = consumer.position(w.topicPartition, POSITION_TIMEOUT);
        } catch (TimeoutException e) {
            log.debug("{}: no position for {} yet: {}", name, w.partition, e.getMessage());
            return;
        }
        w.checkPosition(position);
        if (position > w.committed) {
            try {
                tracker.commitIdle(
                        Map.of(w.partition, position),
                        w.archivedEnd < 0 ? Map.of() : Map.of(w.partition, w.archivedEnd));
                w.committed = position;
                stats.commits.incrementAndGet();
            } catch (IOException e) {
                log.debug("{}: idle commit of {} failed: {}", name, w.partition, e.getMessage());
            }
        }
    }

    /**
     * Discards the writer's open files and seeks back: to the end of its in-flight batch when it
     * has one, else to the committed offset. When the committed offset cannot be read and none is
     * known yet, the partition is held (paused, {@link PartitionWriter#rewindPending}) rather than
     * left where it is, which would let a later commit pass over the discarded records; {@link
     * FlowControl#resumeDue} retries the rewind after a backoff.
     *
     * @return whether the consumer now stands on a known position
     */
    boolean rewind(PartitionWriter w) {
        TopicPartition tp = w.topicPartition;
        w.discardOpenFiles();
        if (w.inFlight != null) {
            // the records before the batch's end are sealed and will be committed (or the batch
            // fails and rewinds again): replaying them now would stage them twice
            consumer.seek(tp, w.inFlight.nextOffset);
            w.lastHandled = w.inFlight.nextOffset - 1;
            w.rewindPending = false;
            return true;
        }
        try {
            Map<TopicPartitionId, Long> committed = tracker.committed(Set.of(w.partition));
            Long offset = committed.get(w.partition);
            if (offset != null) {
                consumer.seek(tp, offset);
                w.committed = offset;
                w.lastHandled = offset - 1;
            } else if (w.committed >= 0) {
                consumer.seek(tp, w.committed);
                w.lastHandled = w.committed - 1;
            } else {
                consumer.seekToBeginning(List.of(tp));
                w.lastHandled = -1;
            }
            w.rewindPending = false;
            return true;
        } catch (IOException e) {
            if (w.committed >= 0) {
                log.warn(
                        "{}: cannot read the committed offset of {}, rewinding to the last one known ({}): {}",
                        name,
                        w.partition,
                        w.committed,
                        e.getMessage());
                consumer.seek(tp, w.committed);
                w.lastHandled = w.committed - 1;
                w.rewindPending = false;
                return true;
            }
            log.warn(
                    "{}: cannot read the committed offset of {}; holding it until it can be read: {}",
                    name,
                    w.partition,
                    e.getMessage());
            consumer.pause(List.of(tp));
            w.paused = true;
            w.rewindPending = true;
            w.pausedUntilNanos = ticker.nanos() + config.retryInitialBackoff().toNanos();
            return false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
