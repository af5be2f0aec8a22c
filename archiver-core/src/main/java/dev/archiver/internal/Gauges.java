package dev.archiver.internal;

import dev.archiver.record.TopicPartitionId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * What one consumer thread shows to monitoring: staged bytes, open files, the oldest staged file
 * and the consumer positions. Written by the consumer thread, read by any thread.
 */
final class Gauges {
    private volatile long stagedBytes;
    private volatile int openFiles;
    private volatile Instant oldestStaged;
    private volatile Map<TopicPartitionId, Long> positions = Map.of();

    long stagedBytes() {
        return stagedBytes;
    }

    int openFiles() {
        return openFiles;
    }

    Optional<Instant> oldestStaged() {
        return Optional.ofNullable(oldestStaged);
    }

    Map<TopicPartitionId, Long> positions() {
        return positions;
    }

    /** Recomputes every gauge; consumer thread. */
    void update(Collection<PartitionWriter> writers, Consumer<?, ?> consumer) {
        stagedBytes = stagedBytes(writers);
        openFiles = openFiles(writers);
        Instant oldest = null;
        Map<TopicPartitionId, Long> pos = new HashMap<>();
        for (PartitionWriter w : writers) {
            Instant c = w.oldestCreatedAt();
            if (c != null && (oldest == null || c.isBefore(oldest))) {
                oldest = c;
            }
            try {
                pos.put(w.partition, consumer.position(w.topicPartition, Duration.ZERO));
            } catch (RuntimeException ignored) {
                // no position yet
            }
        }
        oldestStaged = oldest;
        positions = Map.copyOf(pos);
    }

    static long stagedBytes(Collection<PartitionWriter> writers) {
        long total = 0;
        for (PartitionWriter w : writers) {
            total += w.stagedBytes();
        }
        return total;
    }

    static int openFiles(Collection<PartitionWriter> writers) {
        int total = 0;
        for (PartitionWriter w : writers) {
            total += w.openFileCount();
        }
        return total;
    }
}
