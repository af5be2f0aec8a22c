package dev.archiver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverConfigBuilder;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.format.jsonl.JsonlFormatProvider;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.UploadOptions;
import dev.archiver.verify.ArchiveFiles;
import dev.archiver.verify.ArchiveVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop driven by Kafka's {@link MockConsumer}, one {@link ConsumerWorker#pollOnce()} at a time,
 * for orderings a real broker rarely produces: a rewind while the committed offset cannot be read,
 * a position that times out, a disk that fills up while a file is finished, a wall clock that steps
 * back, two threads handed the same partition, and a store that refuses an upload for good. The
 * real-broker suites (archiver-testkit, reliability) remain the proof of exactly-once.
 */
class ConsumerWorkerTest {
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    @TempDir Path staging;
    private final ExecutorService uploads = Executors.newFixedThreadPool(2);
    private final List<Long> log = new ArrayList<>();
    private final String root = "memory://worker-test-" + UUID.randomUUID() + "/archive";

    @AfterEach
    void stopUploads() throws InterruptedException {
        uploads.shutdownNow();
        uploads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A MockConsumer whose committed-offset reads and position lookups can be made to fail. */
    static final class FlakyConsumer extends MockConsumer<byte[], byte[]> {
        final AtomicBoolean committedFails = new AtomicBoolean();
        final AtomicInteger positionTimeouts = new AtomicInteger();
        final AtomicInteger refusedCommits = new AtomicInteger();
        final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger generation = new AtomicInteger(1);

        FlakyConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerGroupMetadata groupMetadata() {
            return new ConsumerGroupMetadata(
                    "worker-test", generation.get(), "member-1", Optional.empty());
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
                Set<TopicPartition> partitions) {
            if (committedFails.get()) {
                throw new KafkaException("group coordinator not available");
            }
            return super.committed(partitions);
        }

        @Override
        public synchronized long position(TopicPartition partition, Duration timeout) {
            if (positionTimeouts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TimeoutException("Timeout of " + timeout + " expired");
            }
            return super.position(partition, timeout);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            if (refusedCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new CommitFailedException("the group has rebalanced");
            }
            super.commitSync(offsets, timeout);
            offsets.forEach((tp, om) -> commits.put(tp, om.offset()));
        }

        /** The last offset committed, whether or not the partition is still assigned. */
        long committedOffset(TopicPartition tp) {
            return commits.getOrDefault(tp, -1L);
        }
    }

    /** A ticker the test moves by hand. */
    static final class ManualTicker implements Ticker {
        final AtomicLong now = new AtomicLong(-5_000_000_000L);

        @Override
        public long nanos() {
            return now.get();
        }

        void advance(Duration d) {
            now.addAndGet(d.toNanos());
        }
    }

    /** jsonl that fails with "No space left on device" while told to, on write or on close. */
    static final class FillingDiskFormat implements FileFormat {
        private final FileFormat jsonl = new JsonlFormatProvider().create(Settings.empty());
        final AtomicLong failWriteAtOffset = new AtomicLong(-1);
        final AtomicInteger failCloses = new AtomicInteger();

        @Override
        public String name() {
            return "jsonl";
        }

        @Override
        public String extension() {
            return jsonl.extension();
        }

        @Override
        public boolean lossless() {
            return true;
        }

        @Override
        public RecordWriter newWriter(OutputStream out) throws IOException {
            RecordWriter w = jsonl.newWriter(out);
            return new RecordWriter() {
                @Override
                public void write(ParsedRecord record) throws IOException {
                    if (record.record().offset() == failWriteAtOffset.get()) {
                        failWriteAtOffset.set(-1);
                        throw new IOException("No space left on device");
                    }
                    w.write(record);
                }

                @Override
                public void close() throws IOException {
                    if (failCloses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IOException("No space left on device");
                    }
                    w.close();
                }
            };
        }

        @Override
        public RecordReader newReader(InputStream in) throws IOException {
            return jsonl.newReader(in);
        }
    }

    private ArchiverConfigBuilder config(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", "localhost:9");
        s.put("kafka.consumer.group.id", "worker-test");
        s.put("topics", TOPIC);
        s.put("storage.uri", root);
        s.put("staging.dir", staging.toString());
        s.put("upload.max-records", "10");
        s.put("upload.max-file-age", "1h");
        s.put("upload.retry.initial-backoff", "200ms");
        s.put("upload.retry.max-backoff", "400ms");
        s.put("consumer.poll-timeout", "1ms");
        s.putAll(overrides);
        return ArchiverConfig.builder().settings(Settings.of(s));
    }

    private ConsumerWorker worker(
            ArchiverConfig config, FlakyConsumer consumer, Ticker ticker, String name) {
        ConsumerWorker w =
                new ConsumerWorker(
                        config,
                        config.storage(),
                        uploads,
                        new EngineStats(),
                        staging,
                        name,
                        0,
                        props -> consumer,
                        ticker);
        w.subscribe();
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        return w;
    }

    private void produce(int count) {
        for (int i = 0; i < count; i++) {
            log.add((long) log.size());
        }
    }

    /** Polls once after handing the consumer the whole log (MockConsumer forgets after a poll). */
    private void poll(FlakyConsumer consumer, ConsumerWorker w) {
        if (consumer.assignment().contains(P0)) {
            for (long offset : log) {
                byte[] value =
                        ("{\"id\":" + offset + ",\"name\":\"n" + offset + "\"}")
                                .getBytes(StandardCharsets.UTF_8);
                consumer.addRecord(
                        new ConsumerRecord<>(TOPIC, 0, offset, ("k" + offset).getBytes(), value));
            }
        }
        w.pollOnce();
    }

    private void pollUntil(FlakyConsumer consumer, ConsumerWorker w, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            poll(consumer, w);
            Thread.sleep(5);
        }
    }

    /** Every archived record's offset, dead letters included, sorted. */
    private List<Long> archivedOffsets(ObjectStorage storage) throws IOException {
        return archivedOffsets(storage, root);
    }

    /**
     * Every record's offset under {@code root}, dead letters included, sorted; the archiver's own
     * objects ({@link ArchiveVerifier#RESERVED_PREFIX}) are not archive data.
     */
    static List<Long> archivedOffsets(ObjectStorage storage, String root) throws IOException {
        List<Long> offsets = new ArrayList<>();
        ArchiveFiles files = ArchiveFiles.load();
        List<ObjectInfo> objects;
        StorageLocation location = StorageLocation.of(root);
        try (Stream<ObjectInfo> s = storage.list(location)) {
            objects =
                    s.filter(
                                    o ->
                                            !o.location()
                                                    .relativeTo(location)
                                                    .startsWith(ArchiveVerifier.RESERVED_PREFIX))
                            .toList();
        }
        for (ObjectInfo o : objects) {
            try (RecordReader r = files.open(storage, o.location())) {
                ArchiveRecord rec;
                while ((rec = r.read()) != null) {
                    offsets.add(rec.offset());
                }
            }
        }
        offsets.sort(null);
        return offsets;
    }

    static List<Long> range(long from, long to) {
        List<Long> r = new ArrayList<>();
        for (long i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    @Test
    void rewindWithoutCommittedOffsetHoldsThePartitionUntilItCanSeek() throws Exception {
        FillingDiskFormat format = new FillingDiskFormat();
        ArchiverConfig config = config(Map.of()).format(format).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(8);
        // the staging disk fills up at offset 5 while the committed offset cannot be read, and
        // nothing was committed yet: the rewind has no known position to go back to
        format.failWriteAtOffset.set(5);
        consumer.committedFails.set(true);
        poll(consumer, w);
        assertThat(consumer.paused()).as("held, not left where it was").contains(P0);
        for (int i = 0; i < 5; i++) {
            Thread.sleep(100);
            poll(consumer, w);
        }
        assertThat(consumer.paused()).as("still held while the offset is unreadable").contains(P0);
        consumer.committedFails.set(false);
        produce(12);
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 20);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 20));
    }

    @Test
    void commitRefusedAfterTheUploadReplaysAndReplacesInsteadOfDuplicating() throws Exception {
        ArchiverConfig config = config(Map.of()).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        consumer.refusedCommits.set(1);
        pollUntil(consumer, w, () -> consumer.refusedCommits.get() == 0);
        // the uploaded object stays behind uncommitted; the replay from the committed offset
        // writes the same key again and replaces it
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 10);
        produce(10);
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 20);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 20));
    }

    @Test
    void revokedWhileABatchIsInFlightCommitsItBeforeLettingGo() throws Exception {
        ArchiverConfig config = config(Map.of()).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        poll(consumer, w); // sealed and submitted; the upload runs on its own thread
        consumer.rebalance(List.of()); // revocation waits for the batch and commits it
        assertThat(consumer.committedOffset(P0)).isEqualTo(10);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 10));
    }

    @Test
    void timeoutFromPositionDoesNotKillTheWorker() throws Exception {
        ArchiverConfig config = config(Map.of()).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        consumer.positionTimeouts.set(2);
        poll(consumer, w); // the seal meets the timeout
        assertThat(consumer.positionTimeouts.get()).isLessThan(2);
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 10);
        assertThat(w.failure()).isNull();
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 10));
    }

    @Test
    void fullDiskWhileFinishingAFileAtSealPausesThePartition() throws Exception {
        FillingDiskFormat format = new FillingDiskFormat();
        ArchiverConfig config = config(Map.of()).format(format).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        format.failCloses.set(1);
        poll(consumer, w); // sealing finishes the file: ENOSPC
        assertThat(format.failCloses.get()).isZero();
        assertThat(consumer.paused()).contains(P0);
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 10);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 10));
    }

    /** A wall clock the test can step back. */
    static final class SteppingClock extends Clock {
        final AtomicLong offsetMillis = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    }

    @Test
    void wallClockSteppingBackDoesNotStallTheFileAgePolicy() throws Exception {
        SteppingClock clock = new SteppingClock();
        ArchiverConfig config =
                config(Map.of("upload.max-records", "1000", "upload.max-file-age", "2s"))
                        .clock(clock)
                        .build();
        FlakyConsumer consumer = new FlakyConsumer();
        ManualTicker ticker = new ManualTicker();
        ConsumerWorker w = worker(config, consumer, ticker, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        poll(consumer, w);
        clock.offsetMillis.set(-Duration.ofHours(1).toMillis()); // NTP steps the clock back
        ticker.advance(Duration.ofSeconds(3));
        pollUntil(consumer, w, () -> consumer.committedOffset(P0) == 10);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 10));
    }

    @Test
    void threadsOfOneProcessDoNotShareStagingDirectories() throws Exception {
        ArchiverConfig config = config(Map.of("upload.max-records", "15")).build();
        FlakyConsumer first = new FlakyConsumer();
        FlakyConsumer second = new FlakyConsumer();
        ConsumerWorker a = worker(config, first, Ticker.SYSTEM, "thread-0");
        ConsumerWorker b = worker(config, second, Ticker.SYSTEM, "thread-1");
        produce(10);
        // thread 0 loses the partition to thread 1 of the same process, and learns of it only
        // after thread 1 has started staging it
        first.rebalance(List.of(P0));
        poll(first, a);
        second.rebalance(List.of(P0));
        poll(second, b);
        first.rebalance(List.of());
        poll(first, a);
        produce(5);
        pollUntil(second, b, () -> second.committedOffset(P0) == 15);
        assertThat(b.failure()).isNull();
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 15));
    }

    @Test
    void staticInstanceIdIsMadeUniquePerConsumerThread() {
        ArchiverConfig config =
                config(
                                Map.of(
                                        "consumer.threads",
                                        "2",
                                        "kafka.consumer.group.instance.id",
                                        "archiver-a"))
                        .build();
        List<Object> ids = new ArrayList<>();
        for (int thread = 0; thread < 2; thread++) {
            new ConsumerWorker(
                    config,
                    config.storage(),
                    uploads,
                    new EngineStats(),
                    staging,
                    "t" + thread,
                    thread,
                    props -> {
                        ids.add(props.get("group.instance.id"));
                        return new FlakyConsumer();
                    },
                    Ticker.SYSTEM);
        }
        assertThat(ids).containsExactly("archiver-a-0", "archiver-a-1");
    }

    /** The memory store, refusing every upload with a non-retryable error. */
    private static ObjectStorage refusing(ObjectStorage inner, AtomicInteger attempts) {
        return new ObjectStorage() {
            @Override
            public void upload(Path localFile, StorageLocation target, UploadOptions options)
                    throws IOException {
                attempts.incrementAndGet();
                throw new StorageException("Failed uploading " + target + ": 403 Forbidden", false);
            }

            @Override
            public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
                return inner.stat(location);
            }

            @Override
            public InputStream open(StorageLocation location) throws IOException {
                return inner.open(location);
            }

            @Override
            public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
                return inner.list(prefix);
            }

            @Override
            public void delete(StorageLocation location) throws IOException {
                inner.delete(location);
            }

            @Override
            public boolean supportsConditionalWrites() {
                return true;
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Test
    void permanentUploadErrorStopsTheWorkerWithAClearErrorInsteadOfRetryingForever()
            throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        StorageLocation location = StorageLocation.of(root);
        ObjectStorage memory = StorageProviders.load().create(location, Settings.empty());
        ArchiverConfig config =
                config(Map.of()).storage(refusing(memory, attempts), location).build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        assertThatThrownBy(
                        () -> {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                            while (System.nanoTime() < deadline) {
                                poll(consumer, w);
                                Thread.sleep(5);
                            }
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("permanent")
                .hasMessageContaining("403 Forbidden");
        assertThat(attempts.get()).isEqualTo(BatchUploader.PERMANENT_ERROR_ATTEMPTS);
        assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
    }

    @Test
    void objectOfAnotherConsumerGroupIsNeverOverwritten() throws Exception {
        ArchiverConfig config = config(Map.of()).build();
        StorageLocation key =
                StorageLocation.of(root).resolve("events/events-0-00000000000000000000.jsonl");
        Path other = staging.resolve("other-job.jsonl");
        java.nio.file.Files.writeString(other, "another job's archive\n");
        Map<String, String> foreign =
                ArchiveMetadata.builder()
                        .records(1, 0, 0)
                        .owner(new ArchiveMetadata.Owner("other-job", 0, "m-1", "", 1))
                        .build();
        config.storage()
                .upload(other, key, new UploadOptions(foreign, UploadOptions.Precondition.none()));
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        produce(10);
        assertThatThrownBy(
                        () -> {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                            while (System.nanoTime() < deadline) {
                                poll(consumer, w);
                                Thread.sleep(5);
                            }
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'other-job'")
                .hasMessageContaining("'worker-test'");
        try (InputStream in = config.storage().open(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("another job's archive\n");
        }
        assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
    }

    @Test
    void fieldValueMakingTheKeyTooLongGoesToTheDeadLetters() throws Exception {
        ArchiverConfig config =
                config(
                                Map.of(
                                        "parser",
                                        "json",
                                        "partitioner",
                                        "field",
                                        "partitioner.field.fields",
                                        "name"))
                        .build();
        FlakyConsumer consumer = new FlakyConsumer();
        ConsumerWorker w = worker(config, consumer, Ticker.SYSTEM, "w");
        consumer.rebalance(List.of(P0));
        for (int i = 0; i < 10; i++) {
            String name = i == 4 ? "x".repeat(300) : "n";
            consumer.addRecord(
                    new ConsumerRecord<>(
                            TOPIC,
                            0,
                            i,
                            ("k" + i).getBytes(),
                            ("{\"id\":" + i + ",\"name\":\"" + name + "\"}")
                                    .getBytes(StandardCharsets.UTF_8)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (consumer.committedOffset(P0) != 10 && System.nanoTime() < deadline) {
            w.pollOnce();
            Thread.sleep(5);
        }
        assertThat(consumer.committedOffset(P0)).isEqualTo(10);
        List<String> deadLetterKeys = new ArrayList<>();
        try (Stream<ObjectInfo> s = config.storage().list(StorageLocation.of(root))) {
            s.map(o -> o.location().relativeTo(StorageLocation.of(root)))
                    .filter(k -> k.startsWith(config.deadLetterPrefix() + "/"))
                    .forEach(deadLetterKeys::add);
        }
        assertThat(deadLetterKeys).hasSize(1);
        assertThat(archivedOffsets(config.storage())).isEqualTo(range(0, 10));
    }
}
