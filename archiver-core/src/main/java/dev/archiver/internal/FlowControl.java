package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pausing and resuming: a partition whose staging write failed is rewound and paused with a growing
 * backoff; when staging reaches its bounds the oldest batch is sealed, and when every partition
 * already has a batch in flight all consumption pauses. Consumer thread only.
 */
final class FlowControl {
    private static final Logger log = LoggerFactory.getLogger(FlowControl.class);

    /** Seals a writer's open files and hands the batch to the uploader; false when it could not. */
    @FunctionalInterface
    interface Sealer {
        boolean seal(PartitionWriter w);
    }

    private final ArchiverConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final PartitionOffsets offsets;
    private final EngineStats stats;
    private final Ticker ticker;
    private final String name;
    private boolean pausedAll;

    FlowControl(
            ArchiverConfig config,
            Consumer<byte[], byte[]> consumer,
            PartitionOffsets offsets,
            EngineStats stats,
            Ticker ticker,
            String name) {
        this.config = config;
        this.consumer = consumer;
        this.offsets = offsets;
        this.stats = stats;
        this.ticker = ticker;
        this.name = name;
    }

    /**
     * A staging write failed (typically a full disk). The partition's open files may be incomplete,
     * so they are discarded, the partition is rewound to its committed offset and paused with a
     * growing backoff; in-flight uploads meanwhile free space. Nothing is lost: the records are
     * consumed again.
     */
    void stagingFailed(PartitionWriter w, IOException e) {
        stats.stagingFailures.incrementAndGet();
        w.stagingFailures++;
        Duration backoff =
                min(
                        config.retryInitialBackoff()
                                .multipliedBy(1L << Math.min(w.stagingFailures - 1, 10)),
                        config.retryMaxBackoff());
        log.warn(
                "{}: writing staging data of {} failed ({}); discarding its open files, pausing it for {} and replaying them",
                name,
                w.partition,
                e.getMessage(),
                backoff);
        w.discardOpenFiles();
        offsets.rewind(w);
        consumer.pause(List.of(w.topicPartition));
        w.paused = true;
        w.pausedUntilNanos = ticker.nanos() + backoff.toNanos();
    }

    /** Resumes the partitions whose staging backoff has passed. */
    void resumeDue(Collection<PartitionWriter> writers) {
        List<TopicPartition> due = null;
        long now = ticker.nanos();
        for (PartitionWriter w : writers) {
            if (w.paused && now - w.pausedUntilNanos >= 0) {
                if (w.rewindPending && !offsets.rewind(w)) {
                    continue; // still no known position: held for another backoff
                }
                w.paused = false;
                if (!pausedAll) {
                    if (due == null) {
                        due = new ArrayList<>();
                    }
                    due.add(w.topicPartition);
                }
            }
        }
        if (due != null) {
            consumer.resume(due);
        }
    }

    /**
     * Seals the oldest batches while staging is over its bounds; pauses all consumption when no
     * partition can be sealed (every one has a batch in flight) and resumes once under the bounds.
     */
    void enforceBounds(Map<TopicPartition, PartitionWriter> writers, Sealer sealer) {
        while (Gauges.stagedBytes(writers.values()) > config.maxStagedBytes()
                || Gauges.openFiles(writers.values()) > config.maxOpenFiles()) {
            PartitionWriter oldest = null;
            for (PartitionWriter w : writers.values()) {
                if (w.inFlight == null
                        && w.hasData()
                        && (oldest == null
                                || w.oldestCreatedAt().isBefore(oldest.oldestCreatedAt()))) {
                    oldest = w;
                }
            }
            if (oldest == null) {
                if (!pausedAll) {
                    log.info(
                            "{}: staging is full and every partition has a batch in flight; pausing consumption",
                            name);
                    consumer.pause(consumer.assignment());
                    pausedAll = true;
                }
                return;
            }
            if (!sealer.seal(oldest)) {
                return; // retried on the next loop
            }
        }
        if (pausedAll) {
            List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : consumer.paused()) {
                PartitionWriter w = writers.get(tp);
                // partitions paused after a staging failure wait for their own backoff
                if (w == null || !w.paused) {
                    resume.add(tp);
                }
            }
            consumer.resume(resume);
            pausedAll = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
