package dev.archiver.offset.zookeeper;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.offset.OffsetTracker.PartitionLock;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.KafkaGaps;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.PartitionReport;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared end-to-end suite with offsets in ZooKeeper ({@code offsets.tracker=zookeeper}), plus
 * the migration from Secor, lock contention and a ZooKeeper restart while archiving.
 */
class ZooKeeperArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private Path dir;
    private CuratorFramework raw;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("archive-zk-e2e");
        }
        return StorageLocation.of(dir.toUri().toString());
    }

    @Override
    protected Map<String, String> trackerSettings() {
        return Map.of(
                "offsets.tracker", "zookeeper",
                "offsets.zookeeper.connect", SharedZooKeeper.connect(),
                "offsets.zookeeper.session-timeout", "30s",
                "offsets.zookeeper.connection-timeout", "2s",
                "offsets.zookeeper.retry.base-sleep", "100ms",
                "offsets.zookeeper.retry.max-retries", "1",
                "offsets.zookeeper.lock-timeout", "10s");
    }

    @BeforeAll
    void connectRawClient() {
        raw = SharedZooKeeper.rawClient();
    }

    @AfterAll
    void closeRawClient() {
        raw.close();
    }

    @AfterEach
    void zooKeeperBackUp() {
        SharedZooKeeper.ensureRunning();
    }

    /** The committed offsets, read from ZooKeeper the way Secor reads them. */
    @Override
    protected Map<TopicPartition, Long> committed() throws Exception {
        SecorLayout secor = new SecorLayout(raw, "/", group);
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition tp : kafka.endOffsets(topic).keySet()) {
            long offset = secor.getCommittedOffsetCount(tp.topic(), tp.partition());
            if (offset >= 0) {
                result.put(tp, offset);
            }
        }
        return result;
    }

    @Test
    void resumesWhereSecorStopped() throws Exception {
        kafka.createTopic(topic, 2);
        List<ProducerRecord<byte[], byte[]>> produced = TestData.mixed(topic, 2, 6000, 11);
        List<RecordMetadata> metadata = kafka.produce(produced);
        // Secor archived partition 0 up to 1000 and partition 1 up to 2500 and committed that
        SecorLayout secor = new SecorLayout(raw, "/", group);
        secor.setCommittedOffsetCount(topic, 0, 1000);
        secor.setCommittedOffsetCount(topic, 1, 2500);
        Map<Integer, Long> secorOffsets = Map.of(0, 1000L, 1, 2500L);

        Archiver a =
                start(
                        Map.of(
                                "key.template", ArchiverConfig.SECOR_KEY_TEMPLATE,
                                "key.generation", "1",
                                "upload.max-records", "700"));
        awaitCommitted(produced.size(), AWAIT);
        a.close();

        List<ArchiveRecord> expected =
                ArchiveContents.expected(produced, metadata).stream()
                        .filter(r -> r.offset() >= secorOffsets.get(r.partition()))
                        .toList();
        assertThat(ArchiveContents.readAll(storage(), root, null)).isEqualTo(expected);
        VerificationReport report = ArchiveVerifier.builder(storage(), root).build().verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.partitions())
                .extracting(PartitionReport::partition, PartitionReport::firstOffset)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(new TopicPartitionId(topic, 0), 1000L),
                        org.assertj.core.groups.Tuple.tuple(new TopicPartitionId(topic, 1), 2500L));
        // Secor's naming; the first objects are exactly those Secor would have written next
        assertThat(ArchiveContents.keys(storage(), root))
                .allMatch(k -> k.matches(topic + "/1_[01]_\\d{20}\\.jsonl"))
                .contains(
                        topic + "/1_0_00000000000000001000.jsonl",
                        topic + "/1_1_00000000000000002500.jsonl");
        // and Secor would resume where the archiver stopped
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        assertThat(secor.getCommittedOffsetCount(topic, 0))
                .isEqualTo(end.get(new TopicPartition(topic, 0)));
        assertThat(secor.getCommittedOffsetCount(topic, 1))
                .isEqualTo(end.get(new TopicPartition(topic, 1)));
    }

    @Test
    void partitionLockedByAnotherArchiverIsNeitherUploadedNorCommittedUntilReleased()
            throws Exception {
        int partitions = 4;
        kafka.createTopic(topic, partitions);
        kafka.produce(TestData.json(topic, partitions, 8000, 0));
        Map<String, String> s =
                Map.of("upload.max-records", "500", "offsets.zookeeper.lock-timeout", "1s");

        try (ZooKeeperOffsetTracker other =
                (ZooKeeperOffsetTracker)
                        new ZooKeeperOffsetTrackerProvider()
                                .create(SharedZooKeeper.settings(Map.of()), group, null)) {
            PartitionLock held = other.lock(new TopicPartitionId(topic, 0), -1);
            Archiver a = start(s);
            Archiver b = start(s);
            awaitCommittedExcept(0);
            assertThat(committed()).doesNotContainKey(new TopicPartition(topic, 0));
            assertThat(ArchiveContents.keys(storage(), root))
                    .isNotEmpty()
                    .noneMatch(k -> k.contains("/" + topic + "-0-"));
            assertThat(a.failure()).isEmpty();
            assertThat(b.failure()).isEmpty();

            held.close();
            awaitCommitted(8000, AWAIT);
        }
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(8000);
    }

    @Test
    void zooKeeperOutageShorterThanTheSessionKeepsExactlyOnce() throws Exception {
        archiveThroughZooKeeperRestart("30s", TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void sessionExpiryDuringAZooKeeperOutageKeepsExactlyOnce() throws Exception {
        // 6s is the smallest session the test server grants (2 ticks); the outage outlasts it
        archiveThroughZooKeeperRestart("6s", TimeUnit.SECONDS.toNanos(12));
    }

    /**
     * Stops ZooKeeper in the middle of archiving, produces more records while it is down (so
     * batches come due and their locks and commits fail), restarts it, and proves the archive holds
     * every record exactly once.
     */
    private void archiveThroughZooKeeperRestart(String sessionTimeout, long outageNanos)
            throws Exception {
        int partitions = 3;
        kafka.createTopic(topic, partitions);
        List<ProducerRecord<byte[], byte[]>> records = TestData.json(topic, partitions, 24_000, 0);
        kafka.produce(records.subList(0, 6000));
        Archiver a =
                start(
                        Map.of(
                                "upload.max-records", "1000",
                                "upload.max-file-age", "1s",
                                "offsets.zookeeper.session-timeout", sessionTimeout));
        awaitArchived(a, 3000);

        SharedZooKeeper.stop();
        long outageEnd = System.nanoTime() + outageNanos;
        long commitsAtStop = a.stats().commits();
        kafka.produce(records.subList(6000, 15_000));
        while (System.nanoTime() < outageEnd) {
            Thread.sleep(100);
        }
        assertThat(a.stats().commits())
                .as("commits while ZooKeeper is down")
                .isEqualTo(commitsAtStop);
        SharedZooKeeper.ensureRunning();
        kafka.produce(records.subList(15_000, records.size()));

        awaitCommitted(records.size(), AWAIT);
        a.close();
        assertThat(a.failure()).isEmpty();
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(records.size());
    }

    private void awaitCommittedExcept(int partition) throws Exception {
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        Map<TopicPartition, Long> committed = Map.of();
        while (System.nanoTime() < deadline) {
            committed = committed();
            boolean done = true;
            for (var e : end.entrySet()) {
                if (e.getKey().partition() != partition
                        && committed.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                    done = false;
                }
            }
            if (done) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Not committed in time: end " + end + ", committed " + committed);
    }

    private static void awaitArchived(Archiver a, long records) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (a.stats().recordsArchived() < records) {
            assertThat(a.failure()).isEmpty();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + records + " records archived in time");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Hole 12, idle commits, with offsets in ZooKeeper: an engine moves the committed offset past
     * an aborted transaction with no record to write, stops, and the next engine's first batch
     * starts its consumed range where the last archived range ended (the note the idle commit left
     * next to the offset node), so the archive alone verifies with nothing lost.
     */
    @Test
    void archiveOnlyVerificationSpansAnIdleCommitAcrossARestart() throws Exception {
        kafka.createTopic(topic, 1);
        long first = KafkaGaps.produceTransactional(kafka, topic, 1, 3);
        Map<String, String> settings =
                Map.of("upload.max-records", "5", "kafka.consumer.max.poll.records", "5");
        Archiver a = start(settings);
        awaitCommitted(first, AWAIT);
        // an aborted transaction alone: only an idle commit can move past it
        KafkaGaps.produceTransactional(kafka, topic, 1, 0);
        awaitCommitted(first, AWAIT);
        a.close();
        long archivedEnd = 0;
        for (String key : ArchiveContents.keys(storage(), root)) {
            Map<String, String> meta = storage().stat(root.resolve(key)).orElseThrow().metadata();
            archivedEnd = Math.max(archivedEnd, ArchiveMetadata.range(meta).orElseThrow().end());
        }
        long idle = new SecorLayout(raw, "/", group).getCommittedOffsetCount(topic, 0);
        assertThat(idle).isGreaterThan(archivedEnd);
        String note = "/archiver/archived-ends/" + group + "/" + topic + "/0";
        assertThat(new String(raw.getData().forPath(note), US_ASCII))
                .isEqualTo(Long.toString(archivedEnd));

        long second = KafkaGaps.produceTransactional(kafka, topic, 1, 2);
        Archiver b = start(settings);
        awaitCommitted(first + second, AWAIT);
        b.close();
        VerificationReport report = verifyArchiveOnly();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).isEqualTo(first + second);
        assertThat(report.gaps()).as(report.summary()).isZero();
        assertThat(report.kafkaGaps()).as(report.summary()).isPositive();
        assertExactlyOnce();
    }
}
