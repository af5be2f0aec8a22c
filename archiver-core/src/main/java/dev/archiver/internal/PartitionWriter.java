package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.partition.PartitionPath;
import dev.archiver.policy.FileStats;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import dev.archiver.transform.RecordTransformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one consumer thread holds for one assigned topic-partition, and the partition's state
 * machine: records are routed to one open staging file per output partition (routing depends on the
 * record alone), and {@link #seal} finishes all open files together into one {@link Batch}. At most
 * one batch is in flight; records consumed meanwhile go to fresh open files.
 *
 * <p>Confined to the consumer thread. It never talks to the consumer: the loop passes in the
 * position and the group membership it needs.
 */
final class PartitionWriter {
    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);
    private static final long GAP_WARNING_INTERVAL_NANOS = 60_000_000_000L;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_SEGMENT_BYTES = 255;

    final TopicPartition topicPartition;
    final TopicPartitionId partition;
    final Path stagingDir;
    final BatchIntents.PartitionIntents intents;
    private final ArchiverConfig config;
    private final EngineStats stats;
    private final ArchiverListener listener;
    private final Ticker ticker;
    private final String name;

    /**
     * The committed next offset (resumed from or last committed); -1 when nothing was committed
     * yet.
     */
    long committed;

    /**
     * The id of the topic incarnation being read ({@code archiver-topic-id}); null while unknown.
     */
    String topicId;

    /** Ticker time of the last attempt to read {@link #topicId}. */
    long topicIdReadNanos;

    /**
     * Where the last archived range of this partition ended: the end of the last batch committed,
     * or, after an assignment, the committed offset (or the earlier end an idle commit noted). Idle
     * commits do not move it: the next batch's consumed range starts here (docs/engine.md). -1 when
     * unknown.
     */
    long archivedEnd;

    /** Open files by output partition; the dead-letter file is kept apart. */
    private final Map<PartitionPath, OpenFile> open = new LinkedHashMap<>();

    private OpenFile deadLetter;

    /** The sealed batch being uploaded or waiting for its commit; null when none. */
    Batch inFlight;

    /** The offset of the last record taken from a poll; -1 before the first. */
    long lastHandled;

    /** Ticker time of the last idle commit attempt. */
    long lastIdleCommitNanos;

    private long lastGapWarningNanos;
    private boolean gapWarned;

    /** Consecutive staging write failures, for the backoff. */
    int stagingFailures;

    /** Paused after a staging failure until this ticker time; {@link #paused} tells whether. */
    long pausedUntilNanos;

    boolean paused;

    /**
     * Held because a rewind found no known committed position; the rewind is retried before the
     * partition resumes.
     */
    boolean rewindPending;

    PartitionWriter(
            TopicPartition topicPartition,
            Path stagingDir,
            long committed,
            ArchiverConfig config,
            EngineStats stats,
            Ticker ticker,
            String name) {
        this.topicPartition = topicPartition;
        this.partition = new TopicPartitionId(topicPartition.topic(), topicPartition.partition());
        this.stagingDir = stagingDir;
        this.intents = new BatchIntents.PartitionIntents(stagingDir);
        this.committed = committed;
        this.archivedEnd = committed;
        this.lastHandled = committed - 1;
        this.config = config;
        this.stats = stats;
        this.listener = config.listener();
        this.ticker = ticker;
        this.name = name;
    }

    // ---- records ----

    /**
     * Stages the records of one poll. Statistics count the whole list even when staging fails part
     * way: the rest of the list is replayed after the loop rewinds the partition.
     *
     * @throws IOException when a staging write failed; the open files may then be incomplete
     */
    void stage(List<ConsumerRecord<byte[], byte[]>> records, Instant now) throws IOException {
        long bytes = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (lastHandled >= -1 && r.offset() > lastHandled + 2) {
                    offsetGap(lastHandled + 1, r.offset() - 1);
                }
                lastHandled = r.offset();
                ArchiveRecord record = toArchiveRecord(r);
                bytes += record.payloadSize();
                write(record, now);
            }
        } finally {
            stats.recordsConsumed.addAndGet(records.size());
            stats.bytesConsumed.addAndGet(bytes);
            long b = bytes;
            Listeners.safely(name, () -> listener.recordsConsumed(partition, records.size(), b));
        }
    }

    private void write(ArchiveRecord record, Instant now) throws IOException {
        ParsedRecord parsed;
        PartitionPath path;
        try {
            parsed = config.parser().parse(record);
            for (RecordTransformer t : config.transformers()) {
                Optional<ParsedRecord> out = t.transform(parsed);
                if (out.isEmpty()) {
                    stats.filtered.incrementAndGet();
                    Listeners.safely(
                            name, () -> listener.skipped(partition, record.offset(), true));
                    return;
                }
                parsed = out.get();
            }
            path = config.partitioner().partition(parsed);
        } catch (RuntimeException e) {
            badRecord(record, e, now);
            return;
        }
        OpenFile file = open.get(path);
        if (file == null) {
            String tooLong = keyTooLong(path, record.offset());
            if (tooLong != null) {
                badRecord(record, new IllegalArgumentException(tooLong), now);
                return;
            }
            file = OpenFile.create(path, newStagingFile(), now, config.format(), config.codec());
            open.put(path, file);
        }
        try {
            file.write(parsed);
        } catch (RecordNotWritableException e) {
            // the writer wrote nothing of it; a file opened for this record alone is dropped
            if (file.records == 0) {
                open.remove(path);
                file.discard();
            }
            badRecord(record, e, now);
            return;
        }
        stagingFailures = 0;
    }

    private void badRecord(ArchiveRecord record, RuntimeException e, Instant now)
            throws IOException {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        switch (config.errorTolerance()) {
            case FAIL ->
                    throw new IllegalStateException(
                            "Bad record at "
                                    + partition
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
                        partition,
                        record.offset(),
                        e.getClass().getSimpleName());
                Listeners.safely(name, () -> listener.skipped(partition, record.offset(), false));
            }
            case DEAD_LETTER -> {
                if (deadLetter == null) {
                    deadLetter = OpenFile.createDeadLetter(newStagingFile(), now, config.codec());
                }
                deadLetter.writeDeadLetter(record, error);
                stats.deadLettered.incrementAndGet();
                Listeners.safely(
                        name, () -> listener.deadLettered(partition, record.offset(), error));
            }
        }
    }

    /**
     * Checks the key a new file would get against what every supported store accepts: at most
     * {@value #MAX_KEY_BYTES} bytes of UTF-8 and {@value #MAX_SEGMENT_BYTES} per path segment (a
     * file name on local file systems). Checked once per new output partition, so a field value
     * that makes a key too long sends its record to the bad-record handling instead of blocking the
     * partition with an upload that can never succeed.
     *
     * @return why the key is too long, or null when it fits
     */
    private String keyTooLong(PartitionPath path, long offset) {
        String key =
                config.storageRoot()
                        .resolve(
                                config.keyTemplate()
                                        .render(
                                                partition.topic(),
                                                path,
                                                partition.partition(),
                                                offset,
                                                config.format().extension()
                                                        + config.codec().extension()))
                        .key();
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return "object key of " + bytes + " bytes is longer than " + MAX_KEY_BYTES;
        }
        for (String segment : key.split("/")) {
            int b = segment.getBytes(StandardCharsets.UTF_8).length;
            if (b > MAX_SEGMENT_BYTES) {
                return "object key segment of " + b + " bytes is longer than " + MAX_SEGMENT_BYTES;
            }
        }
        return null;
    }

    private Path newStagingFile() throws IOException {
        Files.createDirectories(stagingDir);
        return stagingDir.resolve(UUID.randomUUID() + ".staging");
    }

    static ArchiveRecord toArchiveRecord(ConsumerRecord<byte[], byte[]> r) {
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

    // ---- offsets ----

    /**
     * Kafka skipped offsets: deleted by retention before they were archived, removed by compaction,
     * or aborted transactions (a single skipped offset is a transaction marker and not reported).
     * Nothing can archive them; they are counted and reported, at most once a minute per partition.
     */
    private void offsetGap(long from, long to) {
        stats.offsetsSkippedByKafka.addAndGet(to - from + 1);
        long now = ticker.nanos();
        if (!gapWarned || now - lastGapWarningNanos >= GAP_WARNING_INTERVAL_NANOS) {
            gapWarned = true;
            lastGapWarningNanos = now;
            log.warn(
                    "{}: Kafka did not deliver offsets {}..{} of {} (deleted by retention before they were archived,"
                            + " compacted, or aborted transactions); they are not in the archive",
                    name,
                    from,
                    to,
                    partition);
        }
    }

    /**
     * Checks a position about to be committed against the last record handled: a jump of more than
     * one offset (one is a transaction marker) means Kafka skipped records, e.g. retention deleted
     * them while the partition was not being consumed.
     */
    void checkPosition(long position) {
        if (lastHandled >= -1 && position > lastHandled + 2) {
            offsetGap(lastHandled + 1, position - 1);
        }
        if (position - 1 > lastHandled) {
            lastHandled = position - 1;
        }
    }

    // ---- sealing ----

    boolean hasData() {
        return !open.isEmpty() || deadLetter != null;
    }

    /** Whether the upload policy wants the open files sealed now. */
    boolean sealDue(Instant now) {
        return inFlight == null && hasData() && config.uploadPolicy().shouldSeal(stats(), now);
    }

    /**
     * Finishes every open file and returns them as one batch ending at {@code nextOffset} (the
     * consumer position), which becomes {@link #inFlight}. Object keys and metadata are fixed here.
     *
     * @throws IOException when finishing a file failed; the open files are then left as they were
     */
    Batch seal(long nextOffset, ArchiveMetadata.Owner owner) throws IOException {
        checkPosition(nextOffset);
        String ext = config.format().extension() + config.codec().extension();
        List<OpenFile> files = files();
        for (OpenFile f : files) {
            f.finish();
        }
        List<Batch.SealedFile> sealed = new ArrayList<>(files.size());
        long first = Long.MAX_VALUE;
        for (OpenFile f : files) {
            first = Math.min(first, f.firstOffset);
        }
        ArchiveMetadata.Range range =
                new ArchiveMetadata.Range(
                        archivedEnd < 0 ? first : Math.min(archivedEnd, first),
                        nextOffset,
                        files.size());
        for (OpenFile f : files) {
            String key =
                    config.keyTemplate()
                            .render(
                                    partition.topic(),
                                    f.path,
                                    partition.partition(),
                                    f.firstOffset,
                                    f.deadLetter ? ".jsonl" + config.codec().extension() : ext);
            if (f.deadLetter) {
                key = config.deadLetterPrefix() + "/" + key;
            }
            StorageLocation target = config.storageRoot().resolve(key);
            ArchiveMetadata.Builder meta =
                    ArchiveMetadata.builder().records(f.records, f.firstOffset, f.lastOffset);
            if (f.minTimestamp != Long.MAX_VALUE) {
                meta.timestamps(f.minTimestamp, f.maxTimestamp);
            }
            meta.format(f.deadLetter ? "jsonl" : config.format().name()).owner(owner).range(range);
            if (topicId != null) {
                meta.topicId(topicId);
            }
            sealed.add(
                    new Batch.SealedFile(
                            f.localFile,
                            target,
                            new UploadOptions(meta.build(), Precondition.none()),
                            f.records,
                            f.bytes()));
        }
        open.clear();
        deadLetter = null;
        inFlight = new Batch(partition, sealed, first, nextOffset, committed, owner, intents);
        return inFlight;
    }

    // ---- bookkeeping for the loop's bounds and gauges ----

    private List<OpenFile> files() {
        List<OpenFile> files = new ArrayList<>(open.values());
        if (deadLetter != null) {
            files.add(deadLetter);
        }
        return files;
    }

    int openFileCount() {
        return open.size() + (deadLetter == null ? 0 : 1);
    }

    long stagedBytes() {
        long bytes = 0;
        for (OpenFile f : open.values()) {
            bytes += f.bytes();
        }
        return deadLetter == null ? bytes : bytes + deadLetter.bytes();
    }

    /** The combined stats of the open files; only meaningful when {@link #hasData()}. */
    FileStats stats() {
        long records = 0;
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = -1;
        Instant created = null;
        for (OpenFile f : files()) {
            records += f.records;
            bytes += f.bytes();
            first = Math.min(first, f.firstOffset);
            last = Math.max(last, f.lastOffset);
            if (created == null || f.createdAt.isBefore(created)) {
                created = f.createdAt;
            }
        }
        return new FileStats(records, bytes, openFileCount(), created, first, last);
    }

    Instant oldestCreatedAt() {
        Instant created = null;
        for (OpenFile f : files()) {
            if (created == null || f.createdAt.isBefore(created)) {
                created = f.createdAt;
            }
        }
        return created;
    }

    /** Drops the open (unsealed) files; the batch in flight, if any, is not touched. */
    void discardOpenFiles() {
        for (OpenFile f : files()) {
            f.discard();
        }
        open.clear();
        deadLetter = null;
    }

    @Override
    public String toString() {
        return partition.toString();
    }
}
