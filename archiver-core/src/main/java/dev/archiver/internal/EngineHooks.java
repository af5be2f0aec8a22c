package dev.archiver.internal;

import dev.archiver.record.TopicPartitionId;

/**
 * Fault-injection points inside the engine, for tests that prove exactly-once by crashing the
 * engine at the worst moments. Not for production use. A hook that throws {@link SimulatedCrash}
 * stops the consumer thread on the spot: nothing more is uploaded or committed and staging files
 * are left behind, as after a kill.
 *
 * <p>A test seam, not API: it lives in the internal package (no Javadoc, no compatibility promise)
 * and is public only because the end-to-end suites of {@code archiver-testkit}, another module,
 * install it through {@code ArchiverConfigBuilder.hooks}.
 */
public interface EngineHooks {
    EngineHooks NONE = new EngineHooks() {};

    /** After a batch was sealed, before its first upload starts (upload thread). */
    default void beforeUpload(TopicPartitionId partition, long firstOffset, long nextOffset) {}

    /** After every object of a batch was uploaded, before the commit (consumer thread). */
    default void beforeCommit(TopicPartitionId partition, long firstOffset, long nextOffset) {}

    /** Thrown by a hook to simulate a crash of the engine. */
    final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        public SimulatedCrash(String message) {
            super(message);
        }
    }
}
