package dev.archiver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.partition.PartitionPath;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 5 of issue 14, "keys that collide across sources", for sources that restart their offsets or
 * generations under the same name: a topic deleted and re-created (new topic id, offsets from 0)
 * and a consumer group deleted or expired and re-created (generations from 1). Their objects get
 * the keys of the older incarnation's; the engine must neither overwrite those nor replay for ever
 * on "a newer owner", but stop with one clear error. Driven by Kafka's {@code MockConsumer}; the
 * topic case also runs against a real broker in archiver-testkit ({@code TopicRecreationTest}).
 */
class KeysCollidingAcrossIncarnationsTest {
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final String GROUP = "worker-test";
    private static final byte[] OLD_BYTES =
            "{\"older\":\"incarnation\"}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir Path staging;
    private final ExecutorService uploads = Executors.newFixedThreadPool(2);
    private final String root = "memory://incarnations-" + UUID.randomUUID() + "/archive";

    @AfterEach
    void stopUploads() throws InterruptedException {
        uploads.shutdownNow();
        uploads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * A consumer in generation {@code generation} of {@link #GROUP} whose commits the group can be
     * made to refuse.
     */
    static final class GenerationConsumer extends MockConsumer<byte[], byte[]> {
        private final int generation;
        final AtomicInteger refusedCommits = new AtomicInteger();
        final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

        GenerationConsumer(int generation) {
            super("earliest");
            this.generation = generation;
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            if (refusedCommits.get() > 0) {
                refusedCommits.decrementAndGet();
                throw new CommitFailedException("the group has rebalanced");
            }
            super.commitSync(offsets, timeout);
            offsets.forEach((tp, om) -> commits.put(tp, om.offset()));
        }

        long committedOffset(TopicPartition tp) {
            return commits.getOrDefault(tp, -1L);
        }

        @Override
        public synchronized ConsumerGroupMetadata groupMetadata() {
            return new ConsumerGroupMetadata(GROUP, generation, "member-now", Optional.empty());
        }
    }

    private ArchiverConfig config() {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", "localhost:9");
        s.put("kafka.consumer.group.id", GROUP);
        s.put("topics", TOPIC);
        s.put("storage.uri", root);
        s.put("staging.dir", staging.toString());
        s.put("upload.max-records", "10");
        s.put("upload.max-file-age", "1h");
        s.put("upload.retry.initial-backoff", "100ms");
        s.put("upload.retry.max-backoff", "200ms");
        s.put("consumer.poll-timeout", "1ms");
        return ArchiverConfig.from(Settings.of(s));
    }

    private ConsumerWorker worker(
            ArchiverConfig config, GenerationConsumer consumer, String topicId) {
        TopicIds ids = topics -> topicId == null ? Map.of() : Map.of(TOPIC, topicId);
        ConsumerWorker w =
                new ConsumerWorker(
                        config,
                        config.storage(),
                        uploads,
                        new EngineStats(),
                        staging,
                        "w",
                        0,
                        props -> consumer,
                        Ticker.SYSTEM,
                        ids);
        w.subscribe();
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.rebalance(List.of(P0));
        return w;
    }

    /** The object the first batch (offsets 0..9) will be written to. */
    private StorageLocation firstKey(ArchiverConfig config) {
        return config.storageRoot()
                .resolve(config.keyTemplate().render(TOPIC, PartitionPath.empty(), 0, 0, ".jsonl"));
    }

    /** An earlier incarnation's committed object at that key. */
    private void placeOlderObject(ArchiverConfig config, int epoch, String topicId)
            throws Exception {
        Path file = staging.resolve("older.jsonl");
        Files.write(file, OLD_BYTES);
        ArchiveMetadata.Builder meta =
                ArchiveMetadata.builder()
                        .records(10, 0, 9)
                        .format("jsonl")
                        .owner(new ArchiveMetadata.Owner(GROUP, epoch, "member-then", "", 1L));
        if (topicId != null) {
            meta.topicId(topicId);
        }
        config.storage()
                .upload(
                        file,
                        firstKey(config),
                        new UploadOptions(meta.build(), UploadOptions.Precondition.none()));
    }

    private static void poll(GenerationConsumer consumer, ConsumerWorker w) {
        if (consumer.assignment().contains(P0)) {
            for (long offset = 0; offset < 10; offset++) {
                consumer.addRecord(
                        new ConsumerRecord<>(
                                TOPIC,
                                0,
                                offset,
                                ("k" + offset).getBytes(StandardCharsets.UTF_8),
                                ("{\"id\":" + offset + "}").getBytes(StandardCharsets.UTF_8)));
            }
        }
        w.pollOnce();
    }

    /** Polls until the worker throws, at most 20 s; returns what it threw. */
    private static Throwable pollUntilStopped(GenerationConsumer consumer, ConsumerWorker w)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                poll(consumer, w);
            } catch (RuntimeException e) {
                return e;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the worker did not stop within 20 s");
    }

    private byte[] read(ArchiverConfig config) throws Exception {
        try (InputStream in = config.storage().open(firstKey(config))) {
            return in.readAllBytes();
        }
    }

    @Test
    void topicRecreatedNeverOverwritesTheOlderIncarnationAndStopsClearly() throws Exception {
        ArchiverConfig config = config();
        // same group, an older generation: without topic ids this object reads as a leftover
        // of an uncommitted batch and would be replaced
        placeOlderObject(config, 1, "OLD-topic-id");
        GenerationConsumer consumer = new GenerationConsumer(3);
        ConsumerWorker w = worker(config, consumer, "NEW-topic-id");
        long start = System.nanoTime();

        Throwable stopped = pollUntilStopped(consumer, w);

        assertThat(stopped)
                .hasMessageContaining("Not replacing " + firstKey(config))
                .hasMessageContaining("another incarnation of the topic")
                .hasMessageContaining("OLD-topic-id")
                .hasMessageContaining("NEW-topic-id")
                .hasMessageContaining("storage.uri")
                .hasMessageContaining("key.template");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("fails at once, not after retries at the maximum backoff")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(read(config)).isEqualTo(OLD_BYTES);
        assertThat(consumer.committedOffset(P0)).as("nothing committed").isEqualTo(-1L);
    }

    @Test
    void theSameTopicIncarnationStillReplacesItsOwnLeftover() throws Exception {
        ArchiverConfig config = config();
        placeOlderObject(config, 1, "SAME-topic-id");
        GenerationConsumer consumer = new GenerationConsumer(3);
        ConsumerWorker w = worker(config, consumer, "SAME-topic-id");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (consumer.committedOffset(P0) != 10) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            poll(consumer, w);
            Thread.sleep(5);
        }
        assertThat(new String(read(config), StandardCharsets.UTF_8))
                .as("the leftover of an older generation was replaced by this batch")
                .contains("\"k0\"")
                .doesNotContain("older");
        Map<String, String> meta = config.storage().stat(firstKey(config)).orElseThrow().metadata();
        assertThat(ArchiveMetadata.topicId(meta)).contains("SAME-topic-id");
    }

    @Test
    void groupRecreatedWithLowerGenerationsFailsClearlyInsteadOfReplayingForEver()
            throws Exception {
        ArchiverConfig config = config();
        // the group was deleted and re-created: its generations started again below the
        // object's, and the coordinator takes this member's commits in generation 1
        placeOlderObject(config, 7, null);
        GenerationConsumer consumer = new GenerationConsumer(1);
        ConsumerWorker w = worker(config, consumer, null);

        Throwable stopped = pollUntilStopped(consumer, w);

        assertThat(stopped)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Not replacing " + firstKey(config))
                .hasMessageContaining("generation 7 of consumer group '" + GROUP + "'")
                .hasMessageContaining("commits in generation 1")
                .hasMessageContaining("deleted or expired and re-created")
                .hasMessageContaining("storage.uri");
        assertThat(read(config)).isEqualTo(OLD_BYTES);
    }

    @Test
    void aZombieWhoseCommitsTheGroupRefusesStillReplays() throws Exception {
        ArchiverConfig config = config();
        placeOlderObject(config, 7, null);
        GenerationConsumer consumer = new GenerationConsumer(1);
        // the coordinator refuses this member's commits: the group moved on to a newer
        // generation, whose member wrote the object; this member must replay, not stop
        consumer.refusedCommits.set(Integer.MAX_VALUE);
        ConsumerWorker w = worker(config, consumer, null);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int polls = 0;
        while (System.nanoTime() < until) {
            poll(consumer, w);
            polls++;
            Thread.sleep(5);
        }
        assertThat(polls).isPositive();
        assertThat(w.failure()).isNull();
        assertThat(read(config)).isEqualTo(OLD_BYTES);
        assertThat(consumer.committedOffset(P0)).as("nothing committed").isEqualTo(-1L);
    }
}
