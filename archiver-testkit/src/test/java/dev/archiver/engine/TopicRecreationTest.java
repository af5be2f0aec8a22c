package dev.archiver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.verify.ArchiveVerifier;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 5 of issue 14 against a real broker and a {@code file://} archive: a topic archived, then
 * deleted and re-created under the same name (a new topic id, offsets from 0 again) and produced to
 * again, then the archiver restarted with the same group and root. The new incarnation's first
 * batch gets the key of the older incarnation's first object; the engine must leave every object of
 * the older incarnation byte for byte as it was, and stop with one error naming the key and both
 * topic ids rather than overwrite or replay for ever.
 */
class TopicRecreationTest {
    private static final Duration AWAIT = Duration.ofMinutes(3);

    @TempDir Path staging;
    @TempDir Path archive;

    private final EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "recreated-" + id;
    private final String group = "archiver-" + id;

    private Archiver start(StorageLocation root) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("kafka.consumer.session.timeout.ms", "6000");
        s.put("kafka.consumer.heartbeat.interval.ms", "500");
        s.put("topics", topic);
        s.put("storage.uri", root.toString());
        s.put("staging.dir", staging.toString());
        s.put("upload.max-records", "10");
        s.put("upload.max-file-age", "1s");
        s.put("upload.retry.initial-backoff", "200ms");
        s.put("upload.retry.max-backoff", "1s");
        s.put("consumer.poll-timeout", "200ms");
        Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
        a.start();
        return a;
    }

    private void produce(String incarnation, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            0,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("{\"incarnation\":\"" + incarnation + "\",\"i\":" + i + "}")
                                    .getBytes(StandardCharsets.UTF_8)));
        }
        kafka.produce(records);
    }

    private long committed() throws Exception {
        var offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group)
                        .get(30, TimeUnit.SECONDS);
        var om = offsets.get(new TopicPartition(topic, 0));
        return om == null ? -1 : om.offset();
    }

    private String topicId() throws Exception {
        return kafka.admin()
                .describeTopics(Set.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .topicId()
                .toString();
    }

    private static Map<String, byte[]> contents(ObjectStorage storage, StorageLocation root)
            throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> s = storage.list(root)) {
            // the archiver's own objects (intents) are not archive data
            objects =
                    s.filter(
                                    o ->
                                            !o.location()
                                                    .relativeTo(root)
                                                    .startsWith(ArchiveVerifier.RESERVED_PREFIX))
                            .toList();
        }
        for (ObjectInfo o : objects) {
            try (InputStream in = storage.open(o.location())) {
                out.put(o.location().toString(), in.readAllBytes());
            }
        }
        return out;
    }

    private void deleteAndRecreateTopic() throws Exception {
        kafka.admin().deleteTopics(Set.of(topic)).all().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                kafka.createTopic(topic, 1);
                return;
            } catch (IllegalStateException e) {
                // the deletion is still under way on the broker
                Throwable c = e.getCause() instanceof ExecutionException ee ? ee.getCause() : null;
                boolean retry =
                        c instanceof TopicExistsException
                                || c instanceof UnknownTopicOrPartitionException;
                if (!retry || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void recreatedTopicNeverOverwritesTheOlderIncarnationAndStopsClearly() throws Exception {
        kafka.createTopic(topic, 1);
        String firstId = topicId();
        StorageLocation root = StorageLocation.of(archive.toUri().toString()).resolve("run");
        try (ObjectStorage storage = StorageProviders.load().create(root, Settings.empty())) {
            produce("first", 20);
            try (Archiver first = start(root)) {
                long deadline = System.nanoTime() + AWAIT.toNanos();
                while (committed() < 20) {
                    assertThat(first.failure()).isEmpty();
                    assertThat(System.nanoTime())
                            .as("first incarnation archived")
                            .isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            Map<String, byte[]> before = contents(storage, root);
            assertThat(before.keySet()).isNotEmpty();
            for (String key : before.keySet()) {
                Map<String, String> meta =
                        storage.stat(StorageLocation.of(key)).orElseThrow().metadata();
                assertThat(ArchiveMetadata.topicId(meta)).as(key).contains(firstId);
            }

            deleteAndRecreateTopic();
            String secondId = topicId();
            assertThat(secondId).isNotEqualTo(firstId);
            produce("second", 20);

            try (Archiver second = start(root)) {
                long deadline = System.nanoTime() + AWAIT.toNanos();
                while (second.failure().isEmpty()) {
                    assertThat(System.nanoTime())
                            .as("the engine reports the conflict")
                            .isLessThan(deadline);
                    Thread.sleep(200);
                }
                String firstKey = before.keySet().iterator().next();
                assertThat(second.failure().get())
                        .hasMessageContaining("Not replacing " + firstKey)
                        .hasMessageContaining(firstId)
                        .hasMessageContaining(secondId)
                        .hasMessageContaining("deleted and re-created");
                assertThat(second.stats().uploadFailures()).isPositive();
            }

            Map<String, byte[]> after = contents(storage, root);
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            for (var e : before.entrySet()) {
                assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(new String(e.getValue(), StandardCharsets.UTF_8))
                        .contains("\"first\"")
                        .doesNotContain("\"second\"");
            }
        }
        kafka.admin().deleteTopics(Set.of(topic)).all().get(60, TimeUnit.SECONDS);
    }
}
