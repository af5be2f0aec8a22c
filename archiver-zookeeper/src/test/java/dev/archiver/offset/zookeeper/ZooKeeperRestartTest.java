package dev.archiver.offset.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.offset.OffsetTracker.PartitionLock;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stops and restarts the shared ZooKeeper server (same port, same data, sessions kept). */
// the locks are held for their scope
@SuppressWarnings("try")
class ZooKeeperRestartTest {
    private static final TopicPartitionId P0 = new TopicPartitionId("events", 0);

    private final String group = SharedZooKeeper.uniqueGroup();
    private ZooKeeperOffsetTracker tracker;

    @AfterEach
    void tearDown() {
        SharedZooKeeper.ensureRunning();
        if (tracker != null) {
            tracker.close();
        }
    }

    @Test
    void operationsFailWhileZooKeeperIsDownAndWorkAfterwards() throws Exception {
        tracker = tracker();
        tracker.commit(Map.of(P0, 5L));

        SharedZooKeeper.stop();
        assertThatThrownBy(() -> tracker.committed(Set.of(P0))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> tracker.commit(Map.of(P0, 9L)))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(OwnershipLostException.class);
        assertThatThrownBy(() -> tracker.lock(P0, 5))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(OwnershipLostException.class);

        SharedZooKeeper.ensureRunning();
        assertThat(eventually(() -> tracker.committed(Set.of(P0)))).isEqualTo(Map.of(P0, 5L));
        try (PartitionLock lock = tracker.lock(P0, 5)) {
            tracker.commit(Map.of(P0, 9L));
        }
        assertThat(tracker().committed(Set.of(P0))).isEqualTo(Map.of(P0, 9L));
    }

    @Test
    void commitUnderALockThatOutlivedTheOutageIsRetriedAndSucceeds() throws Exception {
        tracker = tracker();
        try (PartitionLock lock = tracker.lock(P0, -1)) {
            SharedZooKeeper.stop();
            assertThatThrownBy(() -> tracker.commit(Map.of(P0, 100L)))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(OwnershipLostException.class);
            SharedZooKeeper.ensureRunning();

            // the session (and with it the lease) survived: the engine's retry commits
            eventually(
                    () -> {
                        tracker.commit(Map.of(P0, 100L));
                        return null;
                    });
        }
        assertThat(tracker().committed(Set.of(P0))).isEqualTo(Map.of(P0, 100L));
    }

    private ZooKeeperOffsetTracker tracker() {
        return (ZooKeeperOffsetTracker)
                new ZooKeeperOffsetTrackerProvider()
                        .create(
                                SharedZooKeeper.settings(Map.of("session-timeout", "40s")),
                                group,
                                null);
    }

    /** Retries while the client reconnects; the engine does the same on IOException. */
    private static <T> T eventually(Callable<T> action) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                return action.call();
            } catch (IOException e) {
                if (e instanceof OwnershipLostException || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
