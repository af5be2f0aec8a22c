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
    public void commit(Map<TopicPartitionId, Long> nextOffsets) throws IOException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach(
                (p, o) ->
                        offsets.put(
                                new TopicPartition(p.topic(), p.partition()),
                                new OffsetAndMetadata(o)));
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
