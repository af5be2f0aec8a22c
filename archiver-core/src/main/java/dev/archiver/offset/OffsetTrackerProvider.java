package dev.archiver.offset;

import dev.archiver.config.Settings;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Creates {@link OffsetTracker}s; registered in {@code
 * META-INF/services/dev.archiver.offset.OffsetTrackerProvider}, selected with {@code
 * offsets.tracker=NAME} (default {@code kafka}); receives the settings under {@code offsets.NAME.}.
 * One tracker is created per consumer thread.
 *
 * @since 0.1
 */
public interface OffsetTrackerProvider {

    /** The short name, e.g. {@code kafka}. */
    String name();

    /**
     * @param settings the tracker's settings
     * @param groupId the consumer group of the engine
     * @param consumer the consumer of the thread that will use the tracker; only to be used from
     *     that thread
     */
    OffsetTracker create(Settings settings, String groupId, Consumer<byte[], byte[]> consumer);
}
