package dev.archiver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way back from the upload threads to the loop. {@link #completed} is the {@link
 * BatchUploader}'s completion signal: it only queues the batch (and wakes the consumer for a
 * simulated crash, so that the loop stops at once as a killed process would). Everything else runs
 * on the consumer thread, which owns the writers.
 */
final class Completions implements BatchUploader.CompletionSignal {
    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final List<Batch> pending = new ArrayList<>();
    private final Map<TopicPartition, PartitionWriter> writers;
    private final PartitionOffsets offsets;
    private final Ticker ticker;
    private final Runnable wakeup;
    private final String name;

    Completions(
            Map<TopicPartition, PartitionWriter> writers,
            PartitionOffsets offsets,
            Ticker ticker,
            Runnable wakeup,
            String name) {
        this.writers = writers;
        this.offsets = offsets;
        this.ticker = ticker;
        this.wakeup = wakeup;
        this.name = name;
    }

    @Override
    public void completed(Batch batch) {
        queue.add(batch);
        if (batch.result == Batch.Result.CRASHED) {
            wakeup.run();
        }
    }

    /**
     * Consumer thread: settles every finished batch whose partition is still this thread's —
     * commits an uploaded one, replays after a lost ownership or an abandoned upload — and throws
     * for a batch that failed for good (the thread stops) or a simulated crash.
     *
     * @param running false while stopping: an abandoned batch is then not replayed
     */
    void process(boolean running) {
        Batch b;
        while ((b = queue.poll()) != null) {
            if (b.result == Batch.Result.CRASHED) {
                throw b.failure instanceof EngineHooks.SimulatedCrash c
                        ? c
                        : new EngineHooks.SimulatedCrash("upload thread crashed");
            }
            pending.add(b);
        }
        for (var it = pending.iterator(); it.hasNext(); ) {
            Batch batch = it.next();
            TopicPartition tp =
                    new TopicPartition(batch.partition.topic(), batch.partition.partition());
            PartitionWriter w = writers.get(tp);
            if (w == null || w.inFlight != batch) {
                it.remove();
                batch.lock.close();
                batch.deleteLocalFiles();
                continue;
            }
            switch (batch.result) {
                case UPLOADED -> {
                    if (batch.commitDeferred && ticker.nanos() - batch.commitRetryAtNanos < 0) {
                        continue;
                    }
                    switch (offsets.commit(w, batch)) {
                        case COMMITTED -> it.remove();
                        case OWNERSHIP_LOST -> {
                            it.remove();
                            ownershipLost(w, batch.failure);
                        }
                        case RETRY_LATER -> {}
                    }
                }
                case OWNERSHIP_LOST -> {
                    it.remove();
                    if (batch.failure instanceof HigherEpochException e
                            && offsets.commitAccepted(w, batch)) {
                        throw groupRecreated(e, batch);
                    }
                    ownershipLost(w, batch.failure);
                }
                case ABANDONED -> {
                    it.remove();
                    batch.lock.close();
                    batch.deleteLocalFiles();
                    w.inFlight = null;
                    if (running) {
                        // an upload gave up (e.g. a non-retryable local error): replay from the
                        // last commit
                        offsets.rewind(w);
                    }
                }
                case FAILED ->
                        throw new IllegalStateException(
                                batch.failure.getMessage() + " (" + batch + ")", batch.failure);
                case PENDING, CRASHED -> {}
            }
        }
    }

    /**
     * Generations only grow within one consumer group, and the coordinator just took this member's
     * commit in its generation: an object of the same group name with a higher generation was
     * written by an earlier incarnation of the group (deleted or expired, then re-created). A
     * replay would meet it again for ever.
     */
    private static IllegalStateException groupRecreated(HigherEpochException e, Batch batch) {
        return new IllegalStateException(
                "Not replacing "
                        + e.target
                        + ": it was written in generation "
                        + e.objectEpoch
                        + " of consumer group '"
                        + e.group
                        + "', but the group coordinator accepts this member's commits in"
                        + " generation "
                        + e.ownEpoch
                        + " ("
                        + batch.partition
                        + "): the group was deleted or expired and re-created, and its generations"
                        + " started again. Objects of the earlier group are never overwritten and"
                        + " this consumer thread stops. Give the job another storage.uri or a"
                        + " key.template with another fixed prefix, or move the earlier objects"
                        + " away first",
                e);
    }

    /**
     * This consumer may have been fenced: drop staged data and replay from the committed offset.
     */
    private void ownershipLost(PartitionWriter w, Throwable cause) {
        log.warn(
                "{}: lost ownership of {}; replaying from the committed offset: {}",
                name,
                w.partition,
                cause == null ? "" : cause.getMessage());
        if (w.inFlight != null) {
            BatchUploader.abandon(w.inFlight);
            w.inFlight = null;
        }
        offsets.rewind(w);
    }

    /** Waits up to 200 ms (and not past the deadline) for a batch to finish; consumer thread. */
    void await(long deadlineNanos) {
        long wait = Math.min(deadlineNanos - ticker.nanos(), TimeUnit.MILLISECONDS.toNanos(200));
        if (wait <= 0) {
            return;
        }
        try {
            Batch b = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (b != null) {
                queue.add(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
