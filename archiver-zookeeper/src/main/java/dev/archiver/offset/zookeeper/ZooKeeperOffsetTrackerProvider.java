package dev.archiver.offset.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.Settings;
import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OffsetTrackerProvider;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The {@code zookeeper} offset tracker: committed offsets in ZooKeeper, in the layout Secor uses
 * ({@code <kafka-path>/consumers/<group>/offsets/<topic>/<partition>} holding the next offset to
 * read as ASCII decimal), and a per-partition upload lock at {@code
 * <archiver-path>/locks/<topic>/<partition>} taken around upload and commit. Settings: {@link
 * ZooKeeperOffsetTrackerConfig}.
 *
 * <p>Each tracker owns one ZooKeeper session, closed with the tracker.
 *
 * @since 0.1
 */
public final class ZooKeeperOffsetTrackerProvider implements OffsetTrackerProvider {
    public static final String NAME = "zookeeper";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The consumer is not used: offsets are not committed to Kafka.
     *
     * @throws dev.archiver.config.ConfigException when a setting is missing or invalid
     */
    @Override
    public OffsetTracker create(
            Settings settings, String groupId, Consumer<byte[], byte[]> consumer) {
        return create(ZooKeeperOffsetTrackerConfig.from(settings), groupId);
    }

    /** Creates a tracker from a configuration built in code. */
    public OffsetTracker create(ZooKeeperOffsetTrackerConfig config, String groupId) {
        requireNonNull(config, "config is null");
        requireNonNull(groupId, "groupId is null");
        return ZooKeeperOffsetTracker.start(config, groupId);
    }
}
