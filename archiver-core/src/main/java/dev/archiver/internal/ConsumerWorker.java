package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.offset.OffsetTracker;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread's loop: polls, hands records to the {@link PartitionWriter} of their
 * partition, seals what the upload policy says, hands batches to the {@link BatchUploader}, commits
 * a batch's offset once it is durable, and handles assignments, revocations and rewinds. Everything
 * but the upload runs on this thread, so the writers need no locking; the uploader reports back
 * only through the completion queue.
 *
 * <p>Exactly-once rests on four rules kept here (docs/design.md): one open file per
 * (topic-partition, output partition); seal all of a partition's files together, upload all, then
 * commit the consumer position taken at sealing time; at most one batch in flight per partition; on
 * assignment, discard staging and resume from the committed offset.
 */
public final class ConsumerWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The gauges (staged bytes, open files, oldest staged file, positions) walk every partition and
     * ask the consumer for each position. Only monitoring reads them, so they are refreshed at most
     * ten times a second rather than on every poll (with 1,000 partitions and frequent small polls,
     * that walk showed in the consumer thread's profile).
     */
    private static final long GAUGE_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();

    /** How often a partition whose topic id could not be read asks again (at sealing). */
    private static final long TOPIC_ID_RETRY_NANOS = Duration.ofMinutes(1).toNanos();

    private final ArchiverConfig config;
    private final EngineStats stats;
    private final ArchiverListener listener;
    private final Path stagingRoot;
    private final String name;
    private final Ticker ticker;
    private final Consumer<byte[], byte[]> consumer;
    private final OffsetTracker tracker;
    private final PartitionOffsets offsets;
    private final FlowControl flow;
    private final Completions completions;
    private final BatchUploader uploader;
    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
    private final TopicIds topicIds;
    private final long startedMillis;
    private final Instant clockAnchor;
    private final long tickerAnchor;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile boolean crashed;
    private final Gauges gauges = new Gauges();
    private long gaugesUpdatedNanos;

    public ConsumerWorker(
            ArchiverConfig config,
            ObjectStorage storage,
            ExecutorService uploads,
            EngineStats stats,
            Path stagingRoot,
            String name,
            int thread) {
        this(
                config,
                storage,
                uploads,
                stats,
                stagingRoot,
                name,
                thread,
                KafkaConsumer::new,
                Ticker.SYSTEM,
                TopicIds.admin(config.consumerProperties(), name + "-topic-ids"));
    }

    ConsumerWorker(
            ArchiverConfig config,
            ObjectStorage storage,
            ExecutorService uploads,
            EngineStats stats,
            Path stagingRoot,
            String name,
            int thread,
            ConsumerFactory consumers,
            Ticker ticker) {
        this(
                config,
                storage,
                uploads,
                stats,
                stagingRoot,
                name,
                thread,
                consumers,
                ticker,
                TopicIds.NONE);
    }

    ConsumerWorker(
            ArchiverConfig config,
            ObjectStorage storage,
            ExecutorService uploads,
            EngineStats stats,
            Path stagingRoot,
            String name,
            int thread,
            ConsumerFactory consumers,
            Ticker ticker,
            TopicIds topicIds) {
        this.config = config;
        this.topicIds = topicIds;
        this.stats = stats;
        this.listener = config.listener();
        // one directory per thread: threads of one process never delete each other's staging
        this.stagingRoot = stagingRoot.resolve(name);
        this.name = name;
        this.ticker = ticker;
        this.clockAnchor = config.clock().instant();
        this.tickerAnchor = ticker.nanos();
        this.startedMillis = clockAnchor.toEpochMilli();
        this.gaugesUpdatedNanos = tickerAnchor - GAUGE_INTERVAL_NANOS;
        this.consumer = consumers.create(ConsumerFactory.properties(config, name, thread));
        OffsetTracker t;
        try {
            t =
                    config.trackerProvider()
                            .create(config.trackerSettings(), config.groupId(), consumer);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        this.tracker = t;
        this.offsets = new PartitionOffsets(config, consumer, tracker, stats, ticker, name);
        this.flow = new FlowControl(config, consumer, offsets, stats, ticker, name);
        this.completions = new Completions(writers, offsets, ticker, consumer::wakeup, name);
        this.uploader =
                new BatchUploader(config, storage, tracker, uploads, stats, name, completions);
    }

    /** Asks the loop to stop; {@link #run()} then drains in-flight uploads and returns. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public Throwable failure() {
        return failure;
    }

    public boolean crashed() {
        return crashed;
    }

    public long stagedBytes() {
        return gauges.stagedBytes();
    }

    public int openFiles() {
        return gauges.openFiles();
    }

    public Optional<Instant> oldestStaged() {
        return gauges.oldestStaged();
    }

    /** The consumer position of each assigned partition, as of the last gauge refresh. */
    public Map<TopicPartitionId, Long> positions() {
        return gauges.positions();
    }

    /**
     * The engine's notion of now: the configured clock's instant at start, advanced by the ticker.
     */
    private Instant now() {
        return clockAnchor.plusNanos(ticker.nanos() - tickerAnchor);
    }

    @Override
    public void run() {
        Thread.currentThread().setName(name);
        try {
            subscribe();
            while (running) {
                pollOnce();
            }
            drain();
            gauges.update(writers.values(), consumer);
        } catch (EngineHooks.SimulatedCrash e) {
            crashed = true;
            failure = e;
            log.warn("{}: simulated crash: {}", name, e.getMessage());
            for (PartitionWriter w : writers.values()) {
                if (w.inFlight != null) {
                    w.inFlight.owned.set(false);
                }
            }
        } catch (Throwable e) {
            failure = e;
            log.error("{}: stopped by an error: {}", name, e.toString(), e);
            abandonAll();
        } finally {
            try {
                tracker.close();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: closing the offset tracker failed: {}", name, e.toString());
            }
            consumer.close(crashed ? Duration.ZERO : Duration.ofSeconds(10));
            topicIds.close();
        }
    }

    /**
     * One turn of the loop: poll, stage, commit what is durable, seal what is due, flow control.
     */
    void pollOnce() {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(config.pollTimeout());
        } catch (WakeupException e) {
            completions.process(running); // a stop, or a crash on an upload thread
            return;
        }
        handle(records);
        completions.process(running);
        sealDue(now());
        flow.enforceBounds(writers, this::seal);
        flow.resumeDue(writers.values());
        if (ticker.nanos() - gaugesUpdatedNanos >= GAUGE_INTERVAL_NANOS) {
            gaugesUpdatedNanos = ticker.nanos();
            gauges.update(writers.values(), consumer);
        }
    }

    void subscribe() {
        ConsumerRebalanceListener rebalance =
                new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        revoke(partitions, true);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        revoke(partitions, false);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assign(partitions);
                    }
                };
        if (config.topicPattern() != null) {
            consumer.subscribe(config.topicPattern(), rebalance);
        } else {
            consumer.subscribe(config.topics(), rebalance);
        }
    }

    // ---- assignment and revocation (called inside poll, on this thread) ----

    private void assign(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        stats.rebalances.incrementAndGet();
        Set<TopicPartitionId> ids = new HashSet<>();
        partitions.forEach(tp -> ids.add(id(tp)));
        Map<TopicPartitionId, Long> committed = offsets.committedWithRetry(ids);
        // read on every assignment: a topic deleted and re-created comes back with a new id
        Map<String, String> topicIdsNow =
                topicIds.lookup(partitions.stream().map(TopicPartition::topic).distinct().toList());
        Map<TopicPartitionId, Long> archivedEnds = offsets.archivedEnds(ids);
        for (TopicPartition tp : partitions) {
            TopicPartitionId id = id(tp);
            PartitionWriter previous = writers.remove(tp);
            if (previous != null) {
                // assigned again without a revocation: its state is as stale as its staging
                if (previous.inFlight != null) {
                    BatchUploader.abandon(previous.inFlight);
                }
                previous.discardOpenFiles();
            }
            Path dir = stagingRoot.resolve(id.topic() + "-" + id.partition());
            Staging.deleteRecursively(dir);
            Long offset = committed.get(id);
            if (offset != null) {
                consumer.seek(tp, offset);
            }
            PartitionWriter w =
                    new PartitionWriter(
                            tp, dir, offset == null ? -1 : offset, config, stats, ticker, name);
            w.lastIdleCommitNanos = ticker.nanos() - PartitionOffsets.IDLE_COMMIT_INTERVAL_NANOS;
            w.topicId = topicIdsNow.get(tp.topic());
            w.topicIdReadNanos = ticker.nanos();
            Long archivedEnd = archivedEnds.get(id);
            if (offset != null && archivedEnd != null && archivedEnd <= offset) {
                w.archivedEnd = archivedEnd;
            }
            writers.put(tp, w);
        }
        log.info("{}: assigned {} (resuming from {})", name, ids, committed);
        Listeners.safely(name, () -> listener.rebalanced(ids, List.of()));
    }

    private void revoke(Collection<TopicPartition> partitions, boolean stillOwned) {
        // closing a crashed consumer revokes too: leave everything as a killed process would
        if (partitions.isEmpty() || crashed) {
            return;
        }
        stats.rebalances.incrementAndGet();
        if (stillOwned) {
            // finish what is in flight for these partitions, so the next owner does not replay it
            long deadline =
                    ticker.nanos()
                            + Math.min(
                                    config.shutdownTimeout().toNanos(),
                                    TimeUnit.SECONDS.toNanos(20));
            while (partitions.stream()
                            .map(writers::get)
                            .anyMatch(w -> w != null && w.inFlight != null)
                    && ticker.nanos() < deadline) {
                completions.await(deadline);
                completions.process(running);
            }
        }
        List<TopicPartitionId> ids = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionWriter w = writers.remove(tp);
            if (w == null) {
                continue;
            }
            ids.add(w.partition);
            if (w.inFlight != null) {
                BatchUploader.abandon(w.inFlight);
            }
            w.discardOpenFiles();
            Staging.deleteRecursively(w.stagingDir);
        }
        if (!ids.isEmpty()) {
            log.info("{}: {} {}", name, stillOwned ? "revoked" : "lost", ids);
            Listeners.safely(name, () -> listener.rebalanced(List.of(), ids));
        }
    }

    private void abandonAll() {
        for (PartitionWriter w : writers.values()) {
            if (w.inFlight != null) {
                BatchUploader.abandon(w.inFlight);
            }
            w.discardOpenFiles();
        }
    }

    // ---- records ----

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Instant now = now();
        for (TopicPartition tp : records.partitions()) {
            PartitionWriter w = writers.get(tp);
            if (w == null) {
                continue; // revoked within this poll
            }
            try {
                w.stage(records.records(tp), now);
            } catch (IOException e) {
                flow.stagingFailed(w, e); // the rest of this poll is replayed after the pause
            }
        }
    }

    // ---- sealing ----

    private void sealDue(Instant now) {
        for (PartitionWriter w : writers.values()) {
            if (w.inFlight != null) {
                continue;
            }
            if (w.hasData()) {
                if (w.sealDue(now)) {
                    seal(w);
                }
            } else {
                offsets.commitIdle(w);
            }
        }
    }

    /**
     * Seals a writer's open files and submits the batch. A position that cannot be read in time is
     * retried on the next loop; a file that cannot be finished (a full disk) is handled like any
     * staging failure: the partition is rewound and paused, not the thread stopped.
     *
     * @return whether a batch was submitted
     */
    private boolean seal(PartitionWriter w) {
        long nextOffset;
        try {
            nextOffset = consumer.position(w.topicPartition, POSITION_TIMEOUT);
        } catch (TimeoutException e) {
            log.warn("{}: no position for {} yet; sealing later: {}", name, w, e.getMessage());
            return false;
        }
        if (w.topicId == null && ticker.nanos() - w.topicIdReadNanos > TOPIC_ID_RETRY_NANOS) {
            w.topicIdReadNanos = ticker.nanos();
            w.topicId = topicIds.lookup(List.of(w.partition.topic())).get(w.partition.topic());
        }
        Batch batch;
        try {
            batch = w.seal(nextOffset, owner());
        } catch (IOException e) {
            flow.stagingFailed(w, e);
            return false;
        }
        uploader.submit(batch);
        return true;
    }

    private ArchiveMetadata.Owner owner() {
        ConsumerGroupMetadata group = consumer.groupMetadata();
        return new ArchiveMetadata.Owner(
                ArchiveMetadata.asciiOnly(config.groupId()),
                group.generationId(),
                ArchiveMetadata.asciiOnly(group.memberId()),
                ArchiveMetadata.asciiOnly(group.groupInstanceId().orElse("")),
                startedMillis);
    }

    // ---- completions and commits ----

    /**
     * On stop: let in-flight uploads finish and commit them, within the shutdown timeout; discard
     * the rest.
     */
    private void drain() {
        long deadline = ticker.nanos() + config.shutdownTimeout().toNanos();
        while (writers.values().stream().anyMatch(w -> w.inFlight != null)
                && ticker.nanos() < deadline) {
            completions.await(deadline);
            completions.process(running);
        }
        for (PartitionWriter w : writers.values()) {
            if (w.inFlight != null) {
                log.warn(
                        "{}: shutdown timeout: the batch {} was not committed and will be replayed",
                        name,
                        w.inFlight);
                BatchUploader.abandon(w.inFlight);
            }
            w.discardOpenFiles();
            Staging.deleteRecursively(w.stagingDir);
        }
        writers.clear();
    }

    // ---- helpers ----

    private static TopicPartitionId id(TopicPartition tp) {
        return new TopicPartitionId(tp.topic(), tp.partition());
    }
}
