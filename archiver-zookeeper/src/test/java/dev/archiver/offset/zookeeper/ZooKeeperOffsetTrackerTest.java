package dev.archiver.offset.zookeeper;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OffsetTracker.PartitionLock;
import dev.archiver.offset.OffsetTrackerProvider;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.KillSession;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// the locks are held for their scope
@SuppressWarnings("try")
class ZooKeeperOffsetTrackerTest {
    private static final TopicPartitionId P0 = new TopicPartitionId("events", 0);
    private static final TopicPartitionId P1 = new TopicPartitionId("events", 1);

    private final String group = SharedZooKeeper.uniqueGroup();
    private final String archiverPath = "/archiver-test/" + group;
    private final List<OffsetTracker> trackers = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws IOException {
        for (OffsetTracker tracker : trackers) {
            tracker.close();
        }
        executor.shutdownNow();
    }

    @Test
    void providerIsFoundByServiceLoader() {
        assertThat(ServiceLoader.load(OffsetTrackerProvider.class))
                .anySatisfy(
                        p -> {
                            assertThat(p.name()).isEqualTo("zookeeper");
                            assertThat(p).isInstanceOf(ZooKeeperOffsetTrackerProvider.class);
                        });
    }

    @Test
    void offsetsRoundTrip() throws IOException {
        ZooKeeperOffsetTracker first = tracker(Map.of());
        assertThat(first.committed(Set.of(P0, P1))).isEmpty();

        first.commit(Map.of(P0, 42L, P1, 7L));
        try (PartitionLock lock = first.lock(P0, 42)) {
            first.commit(Map.of(P0, 100L));
            first.commit(Map.of(P0, 150L));
        }

        ZooKeeperOffsetTracker second = tracker(Map.of());
        assertThat(second.committed(Set.of(P0, P1, new TopicPartitionId("events", 2))))
                .isEqualTo(Map.of(P0, 150L, P1, 7L));
    }

    @Test
    void idleCommitNoteRoundTripsAndABatchCommitClearsIt() throws Exception {
        ZooKeeperOffsetTracker first = tracker(Map.of());
        first.commit(Map.of(P0, 10L, P1, 3L));
        assertThat(first.archivedEnds(Set.of(P0, P1))).isEmpty();

        // without a lock (as the engine's idle commits) and under one
        first.commitIdle(Map.of(P0, 12L), Map.of(P0, 10L));
        try (PartitionLock lock = first.lock(P1, 3)) {
            first.commitIdle(Map.of(P1, 5L), Map.of(P1, 3L));
        }
        ZooKeeperOffsetTracker second = tracker(Map.of());
        assertThat(second.committed(Set.of(P0, P1))).isEqualTo(Map.of(P0, 12L, P1, 5L));
        assertThat(second.archivedEnds(Set.of(P0, P1))).isEqualTo(Map.of(P0, 10L, P1, 3L));
        try (CuratorFramework raw = SharedZooKeeper.rawClient()) {
            // the offset node stays what Secor reads
            assertThat(raw.getData().forPath(second.offsetPath(P0)))
                    .isEqualTo("12".getBytes(US_ASCII));
        }

        // a second idle commit keeps the end of the archived range it is given
        second.commitIdle(Map.of(P0, 14L), Map.of(P0, 10L));
        try (PartitionLock lock = second.lock(P1, 5)) {
            second.commit(Map.of(P1, 9L));
        }
        ZooKeeperOffsetTracker third = tracker(Map.of());
        assertThat(third.committed(Set.of(P0, P1))).isEqualTo(Map.of(P0, 14L, P1, 9L));
        assertThat(third.archivedEnds(Set.of(P0, P1))).isEqualTo(Map.of(P0, 10L));
        try (CuratorFramework raw = SharedZooKeeper.rawClient()) {
            assertThat(raw.checkExists().forPath(third.notePath(P1))).isNull();
        }
    }

    @Test
    void offsetNodesWithoutANoteHaveNoArchivedEnd() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        SecorLayout secor = new SecorLayout(tracker.client(), "/", group);
        secor.setCommittedOffsetCount("events", 0, 500);
        assertThat(tracker.committed(Set.of(P0))).isEqualTo(Map.of(P0, 500L));
        assertThat(tracker.archivedEnds(Set.of(P0, P1))).isEmpty();
    }

    @Test
    void idleCommitKeepsNothingWhenAnotherConsumerMovedTheOffset() throws Exception {
        ZooKeeperOffsetTracker zombie = tracker(Map.of());
        ZooKeeperOffsetTracker owner = tracker(Map.of());
        zombie.commit(Map.of(P0, 5L));
        owner.committed(Set.of(P0));
        try (PartitionLock lock = owner.lock(P0, 5)) {
            owner.commit(Map.of(P0, 9L));
        }

        assertThatThrownBy(() -> zombie.commitIdle(Map.of(P0, 7L), Map.of(P0, 5L)))
                .isInstanceOf(OwnershipLostException.class);
        assertThat(owner.committed(Set.of(P0))).isEqualTo(Map.of(P0, 9L));
        assertThat(owner.archivedEnds(Set.of(P0))).isEmpty();
    }

    @Test
    void lockIsNotBoundToTheThreadThatTookIt() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        PartitionLock lock = executor.submit(() -> tracker.lock(P0, -1)).get();
        executor.submit(
                        () -> {
                            tracker.commit(Map.of(P0, 10L));
                            lock.close();
                            return null;
                        })
                .get();
        lock.close(); // idempotent

        ZooKeeperOffsetTracker other = tracker(Map.of("lock-timeout", "30s"));
        try (PartitionLock again = other.lock(P0, 10)) {
            other.commit(Map.of(P0, 20L));
        }
        assertThat(tracker(Map.of()).committed(Set.of(P0))).isEqualTo(Map.of(P0, 20L));
    }

    @Test
    void secondLockTimesOutWhileTheFirstIsHeld() throws IOException {
        ZooKeeperOffsetTracker owner = tracker(Map.of());
        ZooKeeperOffsetTracker contender = tracker(Map.of("lock-timeout", "200ms"));
        try (PartitionLock lock = owner.lock(P0, -1)) {
            assertThatThrownBy(() -> contender.lock(P0, -1))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("Timed out")
                    .hasMessageContaining(archiverPath + "/locks/events/0");
            // other partitions are independent
            contender.lock(P1, -1).close();
        }
    }

    @Test
    void waitingContenderSeesTheOffsetTheOwnerCommitted() throws Exception {
        ZooKeeperOffsetTracker owner = tracker(Map.of());
        ZooKeeperOffsetTracker contender = tracker(Map.of());
        PartitionLock lock = owner.lock(P0, -1);
        Future<PartitionLock> waiting = executor.submit(() -> contender.lock(P0, -1));

        owner.commit(Map.of(P0, 500L));
        assertThat(waiting.isDone()).isFalse();
        lock.close();

        // the contender got the lock only after the owner released it, and re-read the offset
        assertThatThrownBy(waiting::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(OwnershipLostException.class)
                .hasMessageContaining("500");
        try (PartitionLock l = contender.lock(P0, 500)) {
            contender.commit(Map.of(P0, 600L));
        }
        assertThat(owner.committed(Set.of(P0))).isEqualTo(Map.of(P0, 600L));
    }

    @Test
    void expectedCommittedMismatchThrowsOwnershipLostAndReleasesTheLock() throws IOException {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        tracker.commit(Map.of(P0, 30L));

        assertThatThrownBy(() -> tracker.lock(P0, 20))
                .isInstanceOf(OwnershipLostException.class)
                .hasMessageContaining("30")
                .hasMessageContaining("20");
        assertThatThrownBy(() -> tracker.lock(P0, -1)).isInstanceOf(OwnershipLostException.class);

        ZooKeeperOffsetTracker other = tracker(Map.of("lock-timeout", "200ms"));
        other.lock(P0, 30).close();
    }

    @Test
    void commitWithoutLockFailsWhenAnotherConsumerMovedTheOffset() throws IOException {
        ZooKeeperOffsetTracker zombie = tracker(Map.of());
        ZooKeeperOffsetTracker owner = tracker(Map.of());
        owner.commit(Map.of(P0, 5L));
        assertThat(zombie.committed(Set.of(P0))).isEqualTo(Map.of(P0, 5L));

        owner.commit(Map.of(P0, 9L));

        assertThatThrownBy(() -> zombie.commit(Map.of(P0, 20L, P1, 3L)))
                .isInstanceOf(OwnershipLostException.class)
                .hasMessageContaining("events-0");
        // the other partition of the same commit went through
        assertThat(owner.committed(Set.of(P0, P1))).isEqualTo(Map.of(P0, 9L, P1, 3L));
    }

    @Test
    void commitWithoutLockFailsRetriablyWhileAnotherArchiverHoldsTheLock() throws IOException {
        ZooKeeperOffsetTracker owner = tracker(Map.of());
        ZooKeeperOffsetTracker idle = tracker(Map.of());
        owner.commit(Map.of(P0, 5L));
        assertThat(idle.committed(Set.of(P0))).isEqualTo(Map.of(P0, 5L));
        try (PartitionLock lock = owner.lock(P0, 5)) {
            assertThatThrownBy(() -> idle.commit(Map.of(P0, 8L)))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("Timed out");
        }
        idle.commit(Map.of(P0, 8L));
        assertThat(owner.committed(Set.of(P0))).isEqualTo(Map.of(P0, 8L));
    }

    @Test
    void commitUnderLockFailsWhenTheOffsetWasWrittenBehindTheLocksBack() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        tracker.commit(Map.of(P0, 5L));
        try (PartitionLock lock = tracker.lock(P0, 5);
                CuratorFramework raw = SharedZooKeeper.rawClient()) {
            raw.setData().forPath(tracker.offsetPath(P0), "77".getBytes(US_ASCII));

            assertThatThrownBy(() -> tracker.commit(Map.of(P0, 10L)))
                    .isInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("77");
        }
        assertThat(tracker.committed(Set.of(P0))).isEqualTo(Map.of(P0, 77L));
    }

    @Test
    void commitFailsWhenTheLeaseVanished() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        try (PartitionLock lock = tracker.lock(P0, -1);
                CuratorFramework raw = SharedZooKeeper.rawClient()) {
            // what the server does when the session that holds the lock expires
            String leases = ZKPaths.makePath(tracker.lockPath(P0), "leases");
            List<String> children = raw.getChildren().forPath(leases);
            assertThat(children).hasSize(1);
            raw.delete().forPath(ZKPaths.makePath(leases, children.get(0)));

            assertThatThrownBy(() -> tracker.commit(Map.of(P0, 10L)))
                    .isInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("lock");
        }
        assertThat(tracker.committed(Set.of(P0))).isEmpty();
    }

    @Test
    void commitFailsAfterTheSessionWasLostWhileHoldingTheLock() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of());
        CompletableFuture<Void> lost = new CompletableFuture<>();
        tracker.client()
                .getConnectionStateListenable()
                .addListener(
                        (c, state) -> {
                            if (state == ConnectionState.LOST) {
                                lost.complete(null);
                            }
                        });
        try (PartitionLock lock = tracker.lock(P0, -1)) {
            KillSession.kill(tracker.client().getZookeeperClient().getZooKeeper());
            lost.get(30, TimeUnit.SECONDS);

            assertThatThrownBy(() -> tracker.commit(Map.of(P0, 10L)))
                    .isInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("lock");
        }
        assertThat(tracker.committed(Set.of(P0))).isEmpty();
    }

    @Test
    void leftoversOfItsOwnSessionDoNotBlockTheLock() throws Exception {
        // What an acquisition or a release cut short by a connection loss can leave behind when
        // the session survives: a lease (and a node of the recipe's mutex) of this very session
        // that no lock of this tracker refers to. Curator does not always clean them up; before
        // the fix such a lease blocked the partition for as long as the session lived.
        ZooKeeperOffsetTracker tracker = tracker(Map.of("lock-timeout", "1s"));
        tracker.commit(Map.of(P0, 5L));
        String lease =
                tracker.client()
                        .create()
                        .creatingParentContainersIfNeeded()
                        .withProtection()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .forPath(ZKPaths.makePath(tracker.lockPath(P0), "leases", "lease-"));
        String mutex =
                tracker.client()
                        .create()
                        .creatingParentContainersIfNeeded()
                        .withProtection()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .forPath(ZKPaths.makePath(tracker.lockPath(P0), "locks", "lock-"));

        try (PartitionLock lock = tracker.lock(P0, 5)) {
            tracker.commit(Map.of(P0, 10L));
        }
        assertThat(tracker.client().checkExists().forPath(lease)).isNull();
        assertThat(tracker.client().checkExists().forPath(mutex)).isNull();
        assertThat(tracker.committed(Set.of(P0))).isEqualTo(Map.of(P0, 10L));
        // and the same holds for the unlocked (idle) commit, which takes the lock briefly
        tracker.client()
                .create()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(ZKPaths.makePath(tracker.lockPath(P0), "leases", "lease-"));
        tracker.commit(Map.of(P0, 12L));
        assertThat(tracker.committed(Set.of(P0))).isEqualTo(Map.of(P0, 12L));
    }

    @Test
    void aLeaseOfAnotherSessionIsNeverTakenForALeftover() throws Exception {
        ZooKeeperOffsetTracker tracker = tracker(Map.of("lock-timeout", "300ms"));
        try (CuratorFramework other = SharedZooKeeper.rawClient()) {
            String lease =
                    other.create()
                            .creatingParentContainersIfNeeded()
                            .withProtection()
                            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                            .forPath(ZKPaths.makePath(tracker.lockPath(P0), "leases", "lease-"));

            assertThatThrownBy(() -> tracker.lock(P0, -1))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(OwnershipLostException.class)
                    .hasMessageContaining("Timed out");
            assertThat(other.checkExists().forPath(lease)).isNotNull();
        }
        // the other session is gone, and with it its lease
        tracker.lock(P0, -1).close();
    }

    @Test
    void closingTheTrackerReleasesItsLocks() throws IOException {
        ZooKeeperOffsetTracker first = tracker(Map.of());
        first.lock(P0, -1);
        first.close();

        ZooKeeperOffsetTracker second = tracker(Map.of());
        second.lock(P0, -1).close();
        assertThatThrownBy(() -> first.committed(Set.of(P0)))
                .isInstanceOf(IllegalStateException.class);
    }

    private ZooKeeperOffsetTracker tracker(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(extra);
        settings.putIfAbsent("archiver-path", archiverPath);
        OffsetTracker tracker =
                new ZooKeeperOffsetTrackerProvider()
                        .create(SharedZooKeeper.settings(settings), group, null);
        trackers.add(tracker);
        return (ZooKeeperOffsetTracker) tracker;
    }
}
