package dev.archiver.offset;

import dev.archiver.config.Settings;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The default tracker ({@code kafka}): offsets are committed to the consumer group, synchronously,
 * through the consumer that read the records, so a commit from a consumer that lost its partitions
 * is refused by the group coordinator. Settings under {@code offsets.kafka.}: {@code
 * commit-timeout} (default 30s).
 *
 * @since 0.1
 */
public final class KafkaOffsetTrackerProvider implements OffsetTrackerProvider {
    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public OffsetTracker create(
            Settings settings, String groupId, Consumer<byte[], byte[]> consumer) {
        return new KafkaOffsetTracker(
                consumer, settings.getDuration("commit-timeout", java.time.Duration.ofSeconds(30)));
    }
}
