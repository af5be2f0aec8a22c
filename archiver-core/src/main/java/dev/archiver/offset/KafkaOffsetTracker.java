package dev.archiver.offset;

import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

final class KafkaOffsetTracker implements OffsetTracker {
    /** The commit metadata of an idle commit: where the partition's archived range ended. */
    static final String ARCHIVED_END = "archived-end=";

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    KafkaOffsetTracker(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = consumer;
        this.timeout = timeout;
    }

    @Override
    public Map<TopicPartitionId, Long> committed(Set<TopicPartitionId> partitions)
            throws IOException {
        Set<TopicPartition> tps = new java.util.HashSet<>();
        partitions.forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
        try {
            Map<TopicPartitionId, Long> result = new HashMap<>();
            consumer.committed(tps, timeout)
                    .forEach(
                            (tp, om) -> {
                                if (om != null) {
                                    result.put(
                                            new TopicPartitionId(tp.topic(), tp.partition()),
                                            om.offset());
                                }
                            });
            return result;
        } catch (KafkaException e) {
            throw new IOException(
                    "Failed reading committed offsets of " + partitions + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<TopicPartitionId, Long> archivedEnds(Set<TopicPartitionId> partitions)
            throws IOException {
        Set<TopicPartition> tps = new java.util.HashSet<>();
        partitions.forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
        try {
            Map<TopicPartitionId, Long> result = new HashMap<>();
            consumer.committed(tps, timeout)
                    .forEach(
                            (tp, om) -> {
                                String note = om == null ? null : om.metadata();
                                if (note != null && note.startsWith(ARCHIVED_END)) {
                                    try {
                                        result.put(
                                                new TopicPartitionId(tp.topic(), tp.partition()),
                                                Long.parseLong(
                                                        note.substring(ARCHIVED_END.length())));
                                    } catch (NumberFormatException ignored) {
                                        // not our note: no archived end known
                                    }
                                }
                            });
            return result;
        } catch (KafkaException e) {
            throw new IOException(
                    "Failed reading committed offsets of " + partitions + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commit(Map<TopicPartitionId, Long> nextOffsets) throws IOException {
        commit(nextOffsets, Map.of());
    }

    @Override
    public void commitIdle(
            Map<TopicPartitionId, Long> nextOffsets, Map<TopicPartitionId, Long> archivedEnds)
            throws IOException {
        commit(nextOffsets, archivedEnds);
    }

    private void commit(
            Map<TopicPartitionId, Long> nextOffsets, Map<TopicPartitionId, Long> archivedEnds)
            throws IOException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach(
                (p, o) -> {
                    Long end = archivedEnds.get(p);
                    offsets.put(
                            new TopicPartition(p.topic(), p.partition()),
                            new OffsetAndMetadata(o, end == null ? "" : ARCHIVED_END + end));
                });
        try {
            consumer.commitSync(offsets, timeout);
        } catch (CommitFailedException
                | RebalanceInProgressException
                | FencedInstanceIdException
                | UnknownMemberIdException
                | StaleMemberEpochException e) {
            throw new OwnershipLostException(
                    "Commit of " + nextOffsets + " refused: " + e.getMessage(), e);
        } catch (KafkaException e) {
            throw new IOException("Failed committing " + nextOffsets + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the consumer belongs to the engine
    }
}
