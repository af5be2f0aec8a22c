package dev.archiver.internal;

import static dev.archiver.internal.ConsumerWorkerTest.archivedOffsets;
import static dev.archiver.internal.ConsumerWorkerTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.internal.ConsumerWorkerTest.FlakyConsumer;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.UploadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, hole 7: objects of a batch uploaded but never committed, which the replay does not
 * overwrite (another codec, another partitioner, another starting point), are removed before the
 * replay's first upload, through the partition's intent. Driven one poll at a time with Kafka's
 * MockConsumer on the memory store; the real-broker proof is in archiver-testkit.
 */
class Hole7LeftoversTest {
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    @TempDir Path staging;
    private final ExecutorService uploads = Executors.newFixedThreadPool(2);
    private final String root = "memory://hole7-" + UUID.randomUUID() + "/archive";
    private final ObjectStorage storage =
            StorageProviders.load().create(StorageLocation.of(root), Settings.empty());
    private long produced;

    @AfterEach
    void stopUploads() throws InterruptedException {
        uploads.shutdownNow();
        uploads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Crashes before the commit of the batch that starts at {@link #crashAt}, once. */
    private static final class CrashBeforeCommit implements EngineHooks {
        final AtomicLong crashAt = new AtomicLong(-1);

        @Override
        public void beforeCommit(TopicPartitionId partition, long firstOffset, long nextOffset) {
            if (crashAt.compareAndSet(firstOffset, -1)) {
                throw new SimulatedCrash("killed between upload and commit of " + firstOffset);
            }
        }
    }

    private ArchiverConfig config(EngineHooks hooks, String... overrides) {
        return config(storage, hooks, overrides);
    }

    private ArchiverConfig config(ObjectStorage store, EngineHooks hooks, String... overrides) {
        Map<String, String> s = new HashMap<>();
        s.put("storage.uri", root);
        s.put("kafka.consumer.bootstrap.servers", "localhost:9");
        s.put("kafka.consumer.group.id", "worker-test");
        s.put("topics", TOPIC);
        s.put("staging.dir", staging.toString());
        s.put("parser", "json");
        s.put("upload.max-records", "10");
        s.put("upload.max-file-age", "1h");
        s.put("upload.retry.initial-backoff", "100ms");
        s.put("upload.retry.max-backoff", "200ms");
        s.put("consumer.poll-timeout", "1ms");
        for (int i = 0; i < overrides.length; i += 2) {
            s.put(overrides[i], overrides[i + 1]);
        }
        return ArchiverConfig.builder()
                .settings(Settings.of(s))
                .storage(store, StorageLocation.of(root))
                .hooks(hooks)
                .build();
    }

    /** A worker assigned P0. */
    private ConsumerWorker start(ArchiverConfig config, FlakyConsumer consumer, String name) {
        return start(config, consumer, name, -1);
    }

    /** A worker assigned P0, whose group committed {@code committed} before (when not -1). */
    private ConsumerWorker start(
            ArchiverConfig config, FlakyConsumer consumer, String name, long committed) {
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
                        Ticker.SYSTEM);
        w.subscribe();
        if (committed >= 0) {
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(committed))); // after subscribing
        }
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.rebalance(List.of(P0));
        return w;
    }

    /** Hands the consumer records up to {@code count} (from the committed offset on). */
    private void feed(FlakyConsumer consumer, long from, long count) {
        for (long offset = from; offset < count; offset++) {
            byte[] value =
                    ("{\"id\":" + offset + ",\"name\":\"n" + (offset % 3) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
            consumer.addRecord(
                    new ConsumerRecord<>(TOPIC, 0, offset, ("k" + offset).getBytes(), value));
        }
        produced = Math.max(produced, count);
    }

    private static void pollUntil(ConsumerWorker w, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            w.pollOnce();
            Thread.sleep(5);
        }
    }

    /** Polls until the worker is killed by a simulated crash, as a SIGKILL would stop it. */
    private static void pollUntilCrash(ConsumerWorker w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                w.pollOnce();
            } catch (EngineHooks.SimulatedCrash expected) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no crash");
    }

    /**
     * The first owner commits [0, 10), uploads [10, 20) and is killed before committing it; the
     * second resumes from 10 with {@code changed} settings and archives up to 30.
     */
    private void crashThenRestartWith(String... changed) throws Exception {
        CrashBeforeCommit hooks = new CrashBeforeCommit();
        hooks.crashAt.set(10);
        FlakyConsumer first = new FlakyConsumer();
        ConsumerWorker a = start(config(hooks), first, "a");
        feed(first, 0, 10);
        pollUntil(a, () -> first.committedOffset(P0) == 10);
        feed(first, 10, 20);
        pollUntilCrash(a);
        assertThat(keys())
                .as("the committed and the uncommitted batch's objects")
                .filteredOn(k -> k.startsWith("events/"))
                .hasSize(2);

        FlakyConsumer second = new FlakyConsumer();
        second.generation.set(2);
        ConsumerWorker b = start(config(EngineHooks.NONE, changed), second, "b", 10);
        feed(second, 10, 30);
        pollUntil(b, () -> second.committedOffset(P0) == 30);
        assertThat(b.failure()).isNull();
        assertThat(archivedOffsets(storage, root)).isEqualTo(range(0, 30));
    }

    private List<String> keys() throws IOException {
        StorageLocation location = StorageLocation.of(root);
        try (Stream<ObjectInfo> s = storage.list(location)) {
            return s.map(o -> o.location().relativeTo(location)).toList();
        }
    }

    @Test
    void hole7LeftoversOfAnUncommittedBatchAreRemovedAfterCodecChange() throws Exception {
        crashThenRestartWith("codec", "gzip");
        assertThat(keys())
                .filteredOn(k -> k.startsWith("events/"))
                .containsExactlyInAnyOrder(
                        "events/events-0-00000000000000000000.jsonl",
                        "events/events-0-00000000000000000010.jsonl.gz");
    }

    @Test
    void hole7LeftoversOfAnUncommittedBatchAreRemovedAfterPartitionerChange() throws Exception {
        crashThenRestartWith("partitioner", "field", "partitioner.field.fields", "name");
        assertThat(archivedOffsets(storage, root)).doesNotHaveDuplicates();
    }

    @Test
    void hole7CrashBetweenIntentAndUploadLeavesNothingToRemove() throws Exception {
        // the intent lists objects the killed owner never uploaded: the next owner carries on
        AtomicBoolean crashNextUpload = new AtomicBoolean();
        ObjectStorage crashing = crashingDataUploads(storage, crashNextUpload);
        FlakyConsumer first = new FlakyConsumer();
        ArchiverConfig config = config(crashing, EngineHooks.NONE);
        ConsumerWorker a = start(config, first, "a");
        feed(first, 0, 10);
        crashNextUpload.set(true);
        pollUntilCrash(a);
        assertThat(keys()).allMatch(k -> k.startsWith("_archiver/intents/"));

        FlakyConsumer second = new FlakyConsumer();
        second.generation.set(2);
        ConsumerWorker b = start(config(EngineHooks.NONE, "codec", "gzip"), second, "b");
        feed(second, 0, 20);
        pollUntil(b, () -> second.committedOffset(P0) == 20);
        assertThat(archivedOffsets(storage, root)).isEqualTo(range(0, 20));
    }

    @Test
    void hole7CommittedBatchOfAStaleIntentIsKept() throws Exception {
        // killed after committing [0, 10): the intent still lists that batch, which is committed
        FlakyConsumer first = new FlakyConsumer();
        ConsumerWorker a = start(config(EngineHooks.NONE), first, "a");
        feed(first, 0, 10);
        pollUntil(a, () -> first.committedOffset(P0) == 10);

        FlakyConsumer second = new FlakyConsumer();
        second.generation.set(2);
        ConsumerWorker b = start(config(EngineHooks.NONE, "codec", "gzip"), second, "b", 10);
        feed(second, 10, 20);
        pollUntil(b, () -> second.committedOffset(P0) == 20);
        assertThat(archivedOffsets(storage, root)).isEqualTo(range(0, 20));
    }

    @Test
    void hole7IntentSealedAfterACommitIsKeptWhenTheCommittedOffsetsWereLost() throws Exception {
        // [0, 10) committed, [10, 20) uploaded and not; then the group's offsets are gone (an
        // expired or deleted group): the intent cannot tell committed data from leftovers
        CrashBeforeCommit hooks = new CrashBeforeCommit();
        hooks.crashAt.set(10);
        FlakyConsumer first = new FlakyConsumer();
        ConsumerWorker a = start(config(hooks), first, "a");
        feed(first, 0, 10);
        pollUntil(a, () -> first.committedOffset(P0) == 10);
        feed(first, 10, 20);
        pollUntilCrash(a);

        FlakyConsumer second = new FlakyConsumer();
        second.generation.set(2);
        ConsumerWorker b = start(config(EngineHooks.NONE, "codec", "gzip"), second, "b");
        feed(second, 0, 20);
        pollUntil(b, () -> second.committedOffset(P0) == 20);
        assertThat(keys())
                .as("nothing of the earlier history is deleted")
                .contains(
                        "events/events-0-00000000000000000000.jsonl",
                        "events/events-0-00000000000000000010.jsonl");
    }

    @Test
    void hole7IntentOfANewerOwnerMakesTheUploadAZombiesAndDeletesNothing() throws Exception {
        // the partition's newer owner (generation 3) announced a batch; this owner (2) is a zombie
        CrashBeforeCommit hooks = new CrashBeforeCommit();
        hooks.crashAt.set(0);
        FlakyConsumer newer = new FlakyConsumer();
        newer.generation.set(3);
        ConsumerWorker n = start(config(hooks), newer, "newer");
        feed(newer, 0, 10);
        pollUntilCrash(n);
        List<String> before = keys();

        FlakyConsumer zombie = new FlakyConsumer();
        zombie.generation.set(2);
        ConsumerWorker z = start(config(EngineHooks.NONE, "codec", "gzip"), zombie, "zombie");
        feed(zombie, 0, 10);
        for (int i = 0; i < 50; i++) {
            z.pollOnce();
            Thread.sleep(5);
        }
        assertThat(zombie.committedOffset(P0))
                .as("nothing archived, nothing committed")
                .isLessThanOrEqualTo(0);
        assertThat(keys()).isEqualTo(before);
    }

    /** The store, throwing a simulated crash on the next data upload while asked to. */
    private static ObjectStorage crashingDataUploads(ObjectStorage inner, AtomicBoolean crash) {
        return new ObjectStorage() {
            @Override
            public void upload(Path localFile, StorageLocation target, UploadOptions options)
                    throws IOException {
                if (!target.key().contains("/_archiver/") && crash.compareAndSet(true, false)) {
                    throw new EngineHooks.SimulatedCrash("killed before uploading " + target);
                }
                inner.upload(localFile, target, options);
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
                return inner.supportsConditionalWrites();
            }

            @Override
            public void close() {}
        };
    }
}
