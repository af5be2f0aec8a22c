package dev.archiver.offset.zookeeper;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OffsetTracker.PartitionLock;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// the locks are held for their scope
@SuppressWarnings("try")
class SecorLayoutCompatibilityTest {
    private final String group = SharedZooKeeper.uniqueGroup();
    private CuratorFramework raw;

    @BeforeEach
    void setUp() {
        raw = SharedZooKeeper.rawClient();
    }

    @AfterEach
    void tearDown() {
        raw.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/kafka", "kafka/cluster1/"})
    void trackerReadsWhatSecorWrote(String kafkaPath) throws Exception {
        SecorLayout secor = new SecorLayout(raw, kafkaPath, group);
        secor.setCommittedOffsetCount("events", 0, 12345);
        secor.setCommittedOffsetCount("events", 3, 0);
        secor.setCommittedOffsetCount("clicks", 1, 9_000_000_000L);
        secor.setCommittedOffsetCount("clicks", 1, 9_000_000_001L);

        try (OffsetTracker tracker = tracker(kafkaPath)) {
            assertThat(
                            tracker.committed(
                                    Set.of(
                                            tp("events", 0),
                                            tp("events", 1),
                                            tp("events", 3),
                                            tp("clicks", 1))))
                    .isEqualTo(
                            Map.of(
                                    tp("events", 0), 12345L,
                                    tp("events", 3), 0L,
                                    tp("clicks", 1), 9_000_000_001L));

            // and carries on from there, under its lock, where Secor reads it
            try (PartitionLock lock = tracker.lock(tp("events", 0), 12345)) {
                tracker.commit(Map.of(tp("events", 0), 20000L));
            }
        }
        assertThat(secor.getCommittedOffsetCount("events", 0)).isEqualTo(20000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/kafka"})
    void secorReadsWhatTheTrackerWrote(String kafkaPath) throws Exception {
        SecorLayout secor = new SecorLayout(raw, kafkaPath, group);
        try (OffsetTracker tracker = tracker(kafkaPath)) {
            tracker.commit(Map.of(tp("events", 3), 12345L, tp("events", 4), 0L));
            try (PartitionLock lock = tracker.lock(tp("events", 3), 12345)) {
                tracker.commit(Map.of(tp("events", 3), 67890L));
            }
        }

        String path = secor.path("events", 3);
        assertThat(raw.getData().forPath(path)).isEqualTo("67890".getBytes(US_ASCII));
        assertThat(raw.getData().forPath(secor.path("events", 4)))
                .isEqualTo("0".getBytes(US_ASCII));
        assertThat(secor.getCommittedOffsetCount("events", 3)).isEqualTo(67890L);
        assertThat(secor.getCommittedOffsetCount("events", 4)).isZero();
        assertThat(secor.getCommittedOffsetCount("events", 5)).isEqualTo(-1L);

        // persistent nodes all the way, as Secor creates them, so Secor can write to them too
        for (String node = path; !node.isEmpty(); node = node.substring(0, node.lastIndexOf('/'))) {
            Stat stat = raw.checkExists().forPath(node);
            assertThat(stat).as(node).isNotNull();
            assertThat(stat.getEphemeralOwner()).as(node).isZero();
        }
        secor.setCommittedOffsetCount("events", 3, 70000);
        try (OffsetTracker tracker = tracker(kafkaPath)) {
            assertThat(tracker.committed(Set.of(tp("events", 3))))
                    .isEqualTo(Map.of(tp("events", 3), 70000L));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/archiver", "/secor-migration/archiver"})
    void locksLiveUnderTheArchiverPath(String archiverPath) throws Exception {
        String root = archiverPath + "-" + group;
        ZooKeeperOffsetTracker tracker =
                (ZooKeeperOffsetTracker)
                        new ZooKeeperOffsetTrackerProvider()
                                .create(
                                        SharedZooKeeper.settings(Map.of("archiver-path", root)),
                                        group,
                                        null);
        try (tracker;
                PartitionLock lock = tracker.lock(tp("events", 7), -1)) {
            assertThat(tracker.lockPath(tp("events", 7))).isEqualTo(root + "/locks/events/7");
            assertThat(raw.getChildren().forPath(root + "/locks/events/7/leases")).hasSize(1);
        }
    }

    private OffsetTracker tracker(String kafkaPath) throws IOException {
        return new ZooKeeperOffsetTrackerProvider()
                .create(SharedZooKeeper.settings(Map.of("kafka-path", kafkaPath)), group, null);
    }

    private static TopicPartitionId tp(String topic, int partition) {
        return new TopicPartitionId(topic, partition);
    }
}
