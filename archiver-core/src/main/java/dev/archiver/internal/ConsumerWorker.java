package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.EngineHooks;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.partition.PartitionPath;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import dev.archiver.transform.RecordTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: polls, writes staging files, seals batches, hands them to the upload
 * executor and commits when a batch is durable. Everything but the upload runs on this thread, so
 * the partition states need no locking.
 *
 * <p>Exactly-once rests on four rules kept here (DESIGN.md): one open file per (topic-partition,
 * output partition); seal all of a partition's files together, upload all, then commit the consumer
 * position taken at sealing time; at most one batch in flight per partition; on assignment, discard
 * staging and resume from the committed offset.
 */
public final class ConsumerWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);
    private static final Duration IDLE_COMMIT_INTERVAL = Duration.ofSeconds(5);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The gauges (staged bytes, open files, oldest staged file, positions) walk every partition and
     * ask the consumer for each position. Only monitoring reads them, so they are refreshed at most
     * ten times a second rather than on every poll (with 1,000 partitions and frequent small polls,
     * that walk showed in the consumer thread's profile).
     */
    private static final long GAUGE_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();

    private final ArchiverConfig config;
    private final ObjectStorage storage;
    private final ExecutorService uploads;
    private final EngineStats stats;
    private final ArchiverListener listener;
    private final EngineHooks hooks;
    private final Path stagingRoot;
    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetTracker tracker;
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final LinkedBlockingQueue<Batch> completions = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Batch> pendingCommits = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile boolean crashed;
    private volatile long stagedBytes;
    private volatile int openFiles;
    private volatile Instant oldestStaged;
    private volatile Map<TopicPartitionId, Long> positions = Map.of();
    private long gaugesUpdatedNanos = System.nanoTime() - GAUGE_INTERVAL_NANOS;
    private boolean paused;

    public ConsumerWorker(
            ArchiverConfig config,
            ObjectStorage storage,
            ExecutorService uploads,
            EngineStats stats,
            Path stagingRoot,
            String name) {
        this.config = config;
        this.storage = storage;
        this.uploads = uploads;
        this.stats = stats;
        this.listener = config.listener();
        this.hooks = config.hooks();
        this.stagingRoot = stagingRoot;
        this.name = name;
        Map<String, Object> props = new HashMap<>(config.consumerProperties());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.putIfAbsent("client.id", name);
        this.consumer = new KafkaConsumer<>(props);
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
        return stagedBytes;
    }

    public int openFiles() {
        return openFiles;
    }

    public Optional<Instant> oldestStaged() {
        return Optional.ofNullable(oldestStaged);
    }

    /** The consumer position of each assigned partition, as of the last loop iteration. */
    public Map<TopicPartitionId, Long> positions() {
        return positions;
    }

    @Override
    public void run() {
        Thread.currentThread().setName(name);
        try {
            subscribe();
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(config.pollTimeout());
                } catch (WakeupException e) {
                    if (running) {
                        continue;
                    }
                    break;
                }
                handle(records);
                processCompletions();
                sealDue(config.clock().instant());
                enforceBounds();
                resumeDue(config.clock().instant());
                if (System.nanoTime() - gaugesUpdatedNanos >= GAUGE_INTERVAL_NANOS) {
                    updateGauges();
                }
            }
            drain();
            updateGauges();
        } catch (EngineHooks.SimulatedCrash e) {
            crashed = true;
            failure = e;
            log.warn("{}: simulated crash: {}", name, e.getMessage());
            for (PartitionState s : states.values()) {
                if (s.inFlight != null) {
                    s.inFlight.owned.set(false);
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
        }
    }

    private void subscribe() {
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
        Map<TopicPartitionId, Long> committed = committedWithRetry(ids);
        for (TopicPartition tp : partitions) {
            TopicPartitionId id = id(tp);
            Path dir = stagingRoot.resolve(id.topic() + "-" + id.partition());
            deleteRecursively(dir);
            Long offset = committed.get(id);
            if (offset != null) {
                consumer.seek(tp, offset);
            }
            states.put(tp, new PartitionState(id, dir, offset == null ? -1 : offset));
        }
        log.info("{}: assigned {} (resuming from {})", name, ids, committed);
        safely(() -> listener.rebalanced(ids, List.of()));
    }

    private Map<TopicPartitionId, Long> committedWithRetry(Set<TopicPartitionId> ids) {
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

    private void revoke(Collection<TopicPartition> partitions, boolean stillOwned) {
        if (partitions.isEmpty()) {
            return;
        }
        stats.rebalances.incrementAndGet();
        if (stillOwned) {
            // finish what is in flight for these partitions, so the next owner does not replay it
            long deadline =
                    System.nanoTime()
                            + Math.min(
                                    config.shutdownTimeout().toNanos(),
                                    TimeUnit.SECONDS.toNanos(20));
            while (partitions.stream()
                            .map(states::get)
                            .anyMatch(s -> s != null && s.inFlight != null)
                    && System.nanoTime() < deadline) {
                awaitCompletion(deadline);
                processCompletions();
            }
        }
        List<TopicPartitionId> ids = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionState s = states.remove(tp);
            if (s == null) {
                continue;
            }
            ids.add(s.partition);
            if (s.inFlight != null) {
                abandon(s.inFlight);
            }
            s.discardOpenFiles();
            deleteRecursively(s.stagingDir);
        }
        if (!ids.isEmpty()) {
            log.info("{}: {} {}", name, stillOwned ? "revoked" : "lost", ids);
            safely(() -> listener.rebalanced(List.of(), ids));
        }
    }

    private void abandon(Batch batch) {
        batch.owned.set(false);
        if (batch.future != null) {
            batch.future.cancel(true);
        }
        batch.lock.close();
        batch.deleteLocalFiles();
    }

    private void abandonAll() {
        for (PartitionState s : states.values()) {
            if (s.inFlight != null) {
                abandon(s.inFlight);
            }
            s.discardOpenFiles();
        }
    }

    // ---- records ----

    private void handle(ConsumerRecords<byte[], byte[]> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        Instant now = config.clock().instant();
        for (TopicPartition tp : records.partitions()) {
            PartitionState state = states.get(tp);
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            if (state == null) {
                continue; // revoked within this poll
            }
            long bytes = 0;
            for (ConsumerRecord<byte[], byte[]> r : list) {
                if (state.lastHandled >= -1 && r.offset() > state.lastHandled + 2) {
                    offsetGap(state, state.lastHandled + 1, r.offset() - 1);
                }
                state.lastHandled = r.offset();
                ArchiveRecord record = toArchiveRecord(r);
                bytes += record.payloadSize();
                try {
                    handle(state, record, now);
                } catch (IOException e) {
                    stagingFailed(tp, state, e, now);
                    break; // the rest of this poll is replayed after the pause
                }
            }
            stats.recordsConsumed.addAndGet(list.size());
            stats.bytesConsumed.addAndGet(bytes);
            long b = bytes;
            safely(() -> listener.recordsConsumed(state.partition, list.size(), b));
        }
    }

    private void handle(PartitionState state, ArchiveRecord record, Instant now)
            throws IOException {
        ParsedRecord parsed;
        PartitionPath path;
        try {
            parsed = config.parser().parse(record);
            for (RecordTransformer t : config.transformers()) {
                Optional<ParsedRecord> out = t.transform(parsed);
                if (out.isEmpty()) {
                    stats.filtered.incrementAndGet();
                    safely(() -> listener.skipped(state.partition, record.offset(), true));
                    return;
                }
                parsed = out.get();
            }
            path = config.partitioner().partition(parsed);
        } catch (RuntimeException e) {
            badRecord(state, record, e, now);
            return;
        }
        OpenFile file = state.open.get(path);
        if (file == null) {
            file =
                    OpenFile.create(
                            path, newStagingFile(state), now, config.format(), config.codec());
            state.open.put(path, file);
        }
        try {
            file.write(parsed);
        } catch (RecordNotWritableException e) {
            // the writer wrote nothing of it; a file opened for this record alone is dropped
            if (file.records == 0) {
                state.open.remove(path);
                file.discard();
            }
            badRecord(state, record, e, now);
            return;
        }
        state.stagingFailures = 0;
    }

    private void badRecord(
            PartitionState state, ArchiveRecord record, RuntimeException e, Instant now)
            throws IOException {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        switch (config.errorTolerance()) {
            case FAIL ->
                    throw new IllegalStateException(
                            "Bad record at "
                                    + state.partition
                                    + "@"
                                    + record.offset()
                                    + " and errors.tolerance=fail: "
                                    + e.getClass().getSimpleName(),
                            e);
            case SKIP -> {
                stats.skipped.incrementAndGet();
                log.warn(
                        "{}: skipped bad record {}@{}: {}",
                        name,
                        state.partition,
                        record.offset(),
                        e.getClass().getSimpleName());
                safely(() -> listener.skipped(state.partition, record.offset(), false));
            }
            case DEAD_LETTER -> {
                if (state.deadLetter == null) {
                    state.deadLetter =
                            OpenFile.createDeadLetter(newStagingFile(state), now, config.codec());
                }
                state.deadLetter.writeDeadLetter(record, error);
                stats.deadLettered.incrementAndGet();
                safely(() -> listener.deadLettered(state.partition, record.offset(), error));
            }
        }
    }

    /**
     * A staging write failed (typically a full disk). The partition's open files may be incomplete,
     * so they are discarded, the partition is rewound to its committed offset and paused with a
     * growing backoff; in-flight uploads meanwhile free space. Nothing is lost: the records are
     * consumed again.
     */
    private void stagingFailed(TopicPartition tp, PartitionState s, IOException e, Instant now) {
        stats.stagingFailures.incrementAndGet();
        s.stagingFailures++;
        Duration backoff =
                min(
                        config.retryInitialBackoff()
                                .multipliedBy(1L << Math.min(s.stagingFailures - 1, 10)),
                        config.retryMaxBackoff());
        log.warn(
                "{}: writing staging data of {} failed ({}); discarding its open files, pausing it for {} and replaying them",
                name,
                s.partition,
                e.getMessage(),
                backoff);
        s.discardOpenFiles();
        rewind(tp, s);
        consumer.pause(List.of(tp));
        s.pausedUntilMillis = now.toEpochMilli() + backoff.toMillis();
    }

    private void resumeDue(Instant now) {
        List<TopicPartition> due = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : states.entrySet()) {
            PartitionState s = e.getValue();
            if (s.pausedUntilMillis > 0 && now.toEpochMilli() >= s.pausedUntilMillis) {
                s.pausedUntilMillis = 0;
                if (!paused) {
                    due.add(e.getKey());
                }
            }
        }
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    private Path newStagingFile(PartitionState state) throws IOException {
        Files.createDirectories(state.stagingDir);
        return state.stagingDir.resolve(UUID.randomUUID() + ".staging");
    }

    private static ArchiveRecord toArchiveRecord(ConsumerRecord<byte[], byte[]> r) {
        // built as an immutable list once: ArchiveRecord's List.copyOf then keeps it as it is
        Header[] kafkaHeaders = r.headers().toArray();
        List<RecordHeader> headers;
        if (kafkaHeaders.length == 0) {
            headers = List.of();
        } else {
            RecordHeader[] converted = new RecordHeader[kafkaHeaders.length];
            for (int i = 0; i < kafkaHeaders.length; i++) {
                converted[i] = new RecordHeader(kafkaHeaders[i].key(), kafkaHeaders[i].value());
            }
            headers = List.of(converted);
        }
        TimestampType type =
                switch (r.timestampType()) {
                    case CREATE_TIME -> TimestampType.CREATE_TIME;
                    case LOG_APPEND_TIME -> TimestampType.LOG_APPEND_TIME;
                    default -> TimestampType.NO_TIMESTAMP;
                };
        return new ArchiveRecord(
                r.topic(),
                r.partition(),
                r.offset(),
                r.timestamp(),
                type,
                r.key(),
                r.value(),
                headers);
    }

    // ---- sealing ----

    private void sealDue(Instant now) throws IOException {
        for (Map.Entry<TopicPartition, PartitionState> e : states.entrySet()) {
            PartitionState s = e.getValue();
            if (s.inFlight != null) {
                continue;
            }
            if (s.hasData()) {
                if (config.uploadPolicy().shouldSeal(s.stats(), now)) {
                    seal(e.getKey(), s);
                }
            } else {
                commitIdle(e.getKey(), s, now);
            }
        }
    }

    /**
     * Moves the committed offset past records that produced no file (filtered, skipped, transaction
     * markers).
     */
    private void commitIdle(TopicPartition tp, PartitionState s, Instant now) {
        if (now.toEpochMilli() - s.lastIdleCommitMillis < IDLE_COMMIT_INTERVAL.toMillis()) {
            return;
        }
        s.lastIdleCommitMillis = now.toEpochMilli();
        long position = consumer.position(tp, POSITION_TIMEOUT);
        checkPosition(s, position);
        if (position > s.committed) {
            try {
                tracker.commit(Map.of(s.partition, position));
                s.committed = position;
                stats.commits.incrementAndGet();
            } catch (IOException e) {
                log.debug("{}: idle commit of {} failed: {}", name, s.partition, e.getMessage());
            }
        }
    }

    /**
     * Kafka skipped offsets: deleted by retention before they were archived, removed by compaction,
     * or aborted transactions (a single skipped offset is a transaction marker and not reported).
     * Nothing can archive them; they are counted and reported, at most once a minute per partition.
     */
    private void offsetGap(PartitionState s, long from, long to) {
        stats.offsetsSkippedByKafka.addAndGet(to - from + 1);
        long now = System.currentTimeMillis();
        if (now - s.lastGapWarningMillis >= 60_000) {
            s.lastGapWarningMillis = now;
            log.warn(
                    "{}: Kafka did not deliver offsets {}..{} of {} (deleted by retention before they were archived,"
                            + " compacted, or aborted transactions); they are not in the archive",
                    name,
                    from,
                    to,
                    s.partition);
        }
    }

    /**
     * Checks a position about to be committed against the last record handled: a jump of more than
     * one offset (one is a transaction marker) means Kafka skipped records, e.g. retention deleted
     * them while the partition was not being consumed.
     */
    private void checkPosition(PartitionState s, long position) {
        if (s.lastHandled >= -1 && position > s.lastHandled + 2) {
            offsetGap(s, s.lastHandled + 1, position - 1);
        }
        if (position - 1 > s.lastHandled) {
            s.lastHandled = position - 1;
        }
    }

    private void seal(TopicPartition tp, PartitionState s) throws IOException {
        long nextOffset = consumer.position(tp, POSITION_TIMEOUT);
        checkPosition(s, nextOffset);
        String ext = config.format().extension() + config.codec().extension();
        int epoch = consumer.groupMetadata().generationId();
        String ownerId = consumer.groupMetadata().memberId();
        List<Batch.SealedFile> files = new ArrayList<>();
        long first = Long.MAX_VALUE;
        for (OpenFile f : s.files()) {
            f.finish();
            String key =
                    config.keyTemplate()
                            .render(
                                    s.partition.topic(),
                                    f.path,
                                    s.partition.partition(),
                                    f.firstOffset,
                                    f.deadLetter ? ".jsonl" + config.codec().extension() : ext);
            if (f.deadLetter) {
                key = config.deadLetterPrefix() + "/" + key;
            }
            StorageLocation target = config.storageRoot().resolve(key);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("archiver-records", Long.toString(f.records));
            meta.put("archiver-first-offset", Long.toString(f.firstOffset));
            meta.put("archiver-last-offset", Long.toString(f.lastOffset));
            if (f.minTimestamp != Long.MAX_VALUE) {
                meta.put("archiver-min-timestamp", Long.toString(f.minTimestamp));
                meta.put("archiver-max-timestamp", Long.toString(f.maxTimestamp));
            }
            meta.put("archiver-format", f.deadLetter ? "jsonl" : config.format().name());
            meta.put("archiver-owner-epoch", Integer.toString(epoch));
            meta.put("archiver-owner", asciiOnly(ownerId));
            files.add(
                    new Batch.SealedFile(
                            f.localFile,
                            target,
                            new UploadOptions(meta, Precondition.none()),
                            f.records,
                            f.bytes()));
            first = Math.min(first, f.firstOffset);
        }
        s.open.clear();
        s.deadLetter = null;
        Batch batch =
                new Batch(
                        s.partition,
                        files,
                        first,
                        nextOffset,
                        s.committed,
                        epoch,
                        asciiOnly(ownerId));
        s.inFlight = batch;
        batch.future = uploads.submit(() -> upload(batch));
    }

    private static String asciiOnly(String s) {
        return s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "_");
    }

    private void enforceBounds() throws IOException {
        while (totalStagedBytes() > config.maxStagedBytes()
                || totalOpenFiles() > config.maxOpenFiles()) {
            Map.Entry<TopicPartition, PartitionState> oldest = null;
            for (Map.Entry<TopicPartition, PartitionState> e : states.entrySet()) {
                PartitionState s = e.getValue();
                if (s.inFlight == null
                        && s.hasData()
                        && (oldest == null
                                || s.oldestCreatedAt()
                                        .isBefore(oldest.getValue().oldestCreatedAt()))) {
                    oldest = e;
                }
            }
            if (oldest == null) {
                if (!paused) {
                    log.info(
                            "{}: staging is full and every partition has a batch in flight; pausing consumption",
                            name);
                    consumer.pause(consumer.assignment());
                    paused = true;
                }
                return;
            }
            seal(oldest.getKey(), oldest.getValue());
        }
        if (paused) {
            List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : consumer.paused()) {
                PartitionState s = states.get(tp);
                if (s == null || s.pausedUntilMillis == 0) {
                    resume.add(tp); // partitions paused after a staging failure wait for their own
                    // backoff
                }
            }
            consumer.resume(resume);
            paused = false;
        }
    }

    private long totalStagedBytes() {
        long total = 0;
        for (PartitionState s : states.values()) {
            total += s.stagedBytes();
        }
        return total;
    }

    private int totalOpenFiles() {
        int total = 0;
        for (PartitionState s : states.values()) {
            total += s.openFileCount();
        }
        return total;
    }

    private void updateGauges() {
        gaugesUpdatedNanos = System.nanoTime();
        stagedBytes = totalStagedBytes();
        openFiles = totalOpenFiles();
        Instant oldest = null;
        Map<TopicPartitionId, Long> pos = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> e : states.entrySet()) {
            Instant c = e.getValue().oldestCreatedAt();
            if (c != null && (oldest == null || c.isBefore(oldest))) {
                oldest = c;
            }
            try {
                pos.put(e.getValue().partition, consumer.position(e.getKey(), Duration.ZERO));
            } catch (RuntimeException ignored) {
                // no position yet
            }
        }
        oldestStaged = oldest;
        positions = Map.copyOf(pos);
    }

    // ---- uploading (on the upload executor) ----

    private void upload(Batch batch) {
        Duration backoff = config.retryInitialBackoff();
        try {
            hooks.beforeUpload(batch.partition, batch.firstOffset, batch.nextOffset);
            batch.lock = tracker.lock(batch.partition, batch.expectedCommitted);
            Set<Batch.SealedFile> done = new HashSet<>();
            for (int attempt = 1; ; attempt++) {
                StorageLocation current = null;
                try {
                    for (Batch.SealedFile f : batch.files) {
                        if (done.contains(f)) {
                            continue;
                        }
                        if (!batch.owned.get()) {
                            batch.result = Batch.Result.ABANDONED;
                            return;
                        }
                        current = f.target();
                        long start = System.nanoTime();
                        uploadOne(batch, f);
                        done.add(f);
                        Duration latency = Duration.ofNanos(System.nanoTime() - start);
                        stats.objectsUploaded.incrementAndGet();
                        stats.bytesUploaded.addAndGet(f.bytes());
                        safely(
                                () ->
                                        listener.objectUploaded(
                                                batch.partition,
                                                f.target(),
                                                f.records(),
                                                f.bytes(),
                                                latency));
                    }
                    batch.result = Batch.Result.UPLOADED;
                    return;
                } catch (OwnershipLostException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    if (!batch.owned.get() || Thread.currentThread().isInterrupted()) {
                        batch.result = Batch.Result.ABANDONED;
                        return;
                    }
                    stats.uploadFailures.incrementAndGet();
                    boolean retryable = !(e instanceof StorageException se) || se.retryable();
                    Duration wait = retryable ? backoff : config.retryMaxBackoff();
                    StorageLocation failed = current;
                    log.warn(
                            "{}: uploading {} failed (attempt {}, retrying in {}): {}",
                            name,
                            failed,
                            attempt,
                            wait,
                            e.getMessage());
                    safely(() -> listener.uploadFailed(batch.partition, failed, e, 0, wait));
                    if (!sleepInterruptibly(wait)) {
                        batch.result = Batch.Result.ABANDONED;
                        return;
                    }
                    backoff = min(backoff.multipliedBy(2), config.retryMaxBackoff());
                }
            }
        } catch (EngineHooks.SimulatedCrash e) {
            crashed = true;
            failure = e;
            batch.result = Batch.Result.ABANDONED;
            consumer.wakeup();
        } catch (OwnershipLostException e) {
            batch.failure = e;
            batch.result = Batch.Result.OWNERSHIP_LOST;
            log.warn("{}: {} is no longer ours: {}", name, batch.partition, e.getMessage());
        } catch (IOException | RuntimeException e) {
            batch.failure = e;
            batch.result = Batch.Result.ABANDONED;
            log.warn("{}: upload of {} given up: {}", name, batch, e.toString());
        } finally {
            completions.add(batch);
        }
    }

    /**
     * Uploads one file create-only. An existing object at the key is a leftover of an earlier
     * owner's uncommitted batch (committed batches' keys all lie below the committed offset) and is
     * replaced with if-match, unless a newer owner wrote it: then this consumer is a zombie and
     * stops (DESIGN.md, invariant 5).
     */
    private void uploadOne(Batch batch, Batch.SealedFile f) throws IOException {
        if (!storage.supportsConditionalWrites()) {
            storage.upload(f.localFile(), f.target(), f.options());
            return;
        }
        try {
            storage.upload(
                    f.localFile(),
                    f.target(),
                    f.options().withPrecondition(Precondition.ifNoneMatch()));
        } catch (PreconditionFailedException exists) {
            Optional<ObjectInfo> current = storage.stat(f.target());
            if (current.isEmpty()) {
                throw new StorageException(
                        "Object " + f.target() + " vanished during a conditional upload; retrying",
                        true,
                        exists);
            }
            Map<String, String> meta = current.get().metadata();
            String epoch = meta.get("archiver-owner-epoch");
            if (epoch != null) {
                int existingEpoch = parseIntOr(epoch, -1);
                boolean mine =
                        existingEpoch == batch.ownerEpoch
                                && batch.ownerId.equals(meta.get("archiver-owner"));
                if (existingEpoch > batch.ownerEpoch
                        || (existingEpoch == batch.ownerEpoch && !mine)) {
                    throw new OwnershipLostException(
                            f.target()
                                    + " was written by a newer owner of "
                                    + batch.partition
                                    + " (epoch "
                                    + existingEpoch
                                    + " >= "
                                    + batch.ownerEpoch
                                    + ")");
                }
            }
            String etag =
                    current.get()
                            .etag()
                            .orElseThrow(
                                    () ->
                                            new StorageException(
                                                    "No version tag for "
                                                            + f.target()
                                                            + "; cannot replace it safely",
                                                    false));
            storage.upload(
                    f.localFile(),
                    f.target(),
                    f.options().withPrecondition(Precondition.ifMatch(etag)));
        }
    }

    private static int parseIntOr(String s, int def) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    // ---- completions and commits (this thread) ----

    private void processCompletions() {
        if (crashed) {
            throw failure instanceof EngineHooks.SimulatedCrash c
                    ? c
                    : new EngineHooks.SimulatedCrash("upload thread crashed");
        }
        Batch b;
        while ((b = completions.poll()) != null) {
            pendingCommits.add(b);
        }
        for (var it = pendingCommits.iterator(); it.hasNext(); ) {
            Batch batch = it.next();
            TopicPartition tp =
                    new TopicPartition(batch.partition.topic(), batch.partition.partition());
            PartitionState s = states.get(tp);
            if (s == null || s.inFlight != batch) {
                it.remove();
                batch.lock.close();
                batch.deleteLocalFiles();
                continue;
            }
            switch (batch.result) {
                case UPLOADED -> {
                    if (System.currentTimeMillis() < batch.commitRetryAtMillis) {
                        continue;
                    }
                    hooks.beforeCommit(batch.partition, batch.firstOffset, batch.nextOffset);
                    try {
                        tracker.commit(Map.of(batch.partition, batch.nextOffset));
                    } catch (OwnershipLostException e) {
                        it.remove();
                        ownershipLost(tp, s, e);
                        continue;
                    } catch (IOException e) {
                        log.warn(
                                "{}: committing {} failed, retrying: {}",
                                name,
                                batch,
                                e.getMessage());
                        batch.commitRetryAtMillis =
                                System.currentTimeMillis()
                                        + config.retryInitialBackoff().toMillis();
                        continue;
                    }
                    it.remove();
                    batch.lock.close();
                    batch.deleteLocalFiles();
                    s.inFlight = null;
                    s.committed = batch.nextOffset;
                    stats.commits.incrementAndGet();
                    stats.recordsArchived.addAndGet(batch.records());
                    safely(() -> listener.committed(batch.partition, batch.nextOffset));
                }
                case OWNERSHIP_LOST -> {
                    it.remove();
                    ownershipLost(tp, s, batch.failure);
                }
                case ABANDONED -> {
                    it.remove();
                    batch.lock.close();
                    batch.deleteLocalFiles();
                    s.inFlight = null;
                    if (running) {
                        // an upload gave up (e.g. a non-retryable local error): replay from the
                        // last commit
                        rewind(tp, s);
                    }
                }
                case PENDING -> {}
            }
        }
    }

    /**
     * This consumer may have been fenced: drop staged data and replay from the committed offset.
     */
    private void ownershipLost(TopicPartition tp, PartitionState s, Throwable cause) {
        log.warn(
                "{}: lost ownership of {}; replaying from the committed offset: {}",
                name,
                s.partition,
                cause == null ? "" : cause.getMessage());
        if (s.inFlight != null) {
            abandon(s.inFlight);
            s.inFlight = null;
        }
        rewind(tp, s);
    }

    private void rewind(TopicPartition tp, PartitionState s) {
        s.discardOpenFiles();
        if (s.inFlight != null) {
            // the records before the batch's end are sealed and will be committed (or the batch
            // fails
            // and rewinds again): replaying them now would stage them twice
            consumer.seek(tp, s.inFlight.nextOffset);
            s.lastHandled = s.inFlight.nextOffset - 1;
            return;
        }
        try {
            Map<TopicPartitionId, Long> committed = tracker.committed(Set.of(s.partition));
            Long offset = committed.get(s.partition);
            if (offset != null) {
                consumer.seek(tp, offset);
                s.committed = offset;
                s.lastHandled = offset - 1;
            } else if (s.committed >= 0) {
                consumer.seek(tp, s.committed);
                s.lastHandled = s.committed - 1;
            } else {
                consumer.seekToBeginning(List.of(tp));
                s.lastHandled = -1;
            }
        } catch (IOException e) {
            // the next rebalance or the next failure retries; staged data is gone either way
            log.warn(
                    "{}: cannot read the committed offset of {}: {}",
                    name,
                    s.partition,
                    e.getMessage());
            if (s.committed >= 0) {
                consumer.seek(tp, s.committed);
            }
        }
    }

    private void awaitCompletion(long deadlineNanos) {
        long wait = Math.min(deadlineNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(200));
        if (wait <= 0) {
            return;
        }
        try {
            Batch b = completions.poll(wait, TimeUnit.NANOSECONDS);
            if (b != null) {
                completions.add(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On stop: let in-flight uploads finish and commit them, within the shutdown timeout; discard
     * the rest.
     */
    private void drain() {
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (states.values().stream().anyMatch(s -> s.inFlight != null)
                && System.nanoTime() < deadline) {
            awaitCompletion(deadline);
            processCompletions();
        }
        for (PartitionState s : states.values()) {
            if (s.inFlight != null) {
                log.warn(
                        "{}: shutdown timeout: the batch {} was not committed and will be replayed",
                        name,
                        s.inFlight);
                abandon(s.inFlight);
            }
            s.discardOpenFiles();
            deleteRecursively(s.stagingDir);
        }
        states.clear();
    }

    // ---- helpers ----

    private static TopicPartitionId id(TopicPartition tp) {
        return new TopicPartitionId(tp.topic(), tp.partition());
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{}: listener failed: {}", name, e.toString());
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

    private static boolean sleepInterruptibly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort
                                }
                            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: staging is cleaned again on the next assignment
        }
    }
}
