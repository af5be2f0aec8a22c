package dev.archiver.policy;

import java.time.Instant;

/**
 * Decides when the open files of a topic-partition are sealed and uploaded.
 *
 * <p>The engine asks after each poll and on a timer (at least once a second), so a partition that
 * receives nothing more is still sealed when its time comes. Implementations must be cheap,
 * side-effect free and thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface UploadPolicy {

    /**
     * @param stats what is staged for one topic-partition; {@code records} is at least 1
     * @param now the engine clock's current time
     * @return whether to seal and upload now
     */
    boolean shouldSeal(FileStats stats, Instant now);
}
