package dev.archiver.examples.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures consumer lag in time: for each partition, how long ago the first record the job has not
 * consumed yet was written (its Kafka timestamp), or 0 when the job is at the end of the partition.
 * This is the age of the oldest data that is not yet on its way to the archive, the figure to alert
 * on; lag in records says nothing about time on a topic whose rate changes.
 *
 * <p>It reads the record at each lagging partition's position with its own consumer (no group, no
 * commits, the job's connection, security and isolation settings), fetching as little as the broker
 * allows (one record batch per partition). Not thread-safe: one thread uses it.
 */
final class LagProbe implements AutoCloseable {
    private static final Set<String> NOT_COPIED =
            Set.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                    ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG,
                    ConsumerConfig.CLIENT_ID_CONFIG,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    private LagProbe(KafkaConsumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = consumer;
        this.timeout = timeout;
    }

    /**
     * A probe with the connection and security settings among the job's {@code consumerProperties}.
     *
     * @param timeout how long one {@link #measure} may wait for the records it reads
     */
    static LagProbe create(Map<String, ?> consumerProperties, String job, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        Set<String> known = ConsumerConfig.configNames();
        consumerProperties.forEach(
                (k, v) -> {
                    if (!NOT_COPIED.contains(k)
                            && (known.contains(k)
                                    || k.startsWith("ssl.")
                                    || k.startsWith("sasl."))) {
                        props.put(k, v);
                    }
                });
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "archiver-lag-probe-" + job);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a position retention has deleted measures the first record still there
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the broker still returns one whole record batch per partition: the least it can send
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        return new LagProbe(
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                timeout);
    }

    /**
     * Seconds of lag per partition at {@code now}, given the job's positions and the partitions'
     * end offsets. A partition the job has caught up with is 0; a lagging partition whose record
     * could not be read within the timeout is left out (unknown), and so is a partition with no end
     * offset. A position before the first record still in Kafka (retention deleted the rest)
     * measures the first record there.
     */
    Map<TopicPartition, Double> measure(
            Map<TopicPartition, Long> positions,
            Map<TopicPartition, Long> endOffsets,
            Instant now) {
        Map<TopicPartition, Double> lag = new HashMap<>();
        Map<TopicPartition, Long> lagging = new HashMap<>();
        positions.forEach(
                (tp, position) -> {
                    Long end = endOffsets.get(tp);
                    if (end == null) {
                        return;
                    }
                    if (position >= end) {
                        lag.put(tp, 0.0);
                    } else {
                        lagging.put(tp, position);
                    }
                });
        if (lagging.isEmpty()) {
            return lag;
        }
        consumer.assign(lagging.keySet());
        lagging.forEach(consumer::seek);
        Set<TopicPartition> pending = new HashSet<>(lagging.keySet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            ConsumerRecords<byte[], byte[]> records =
                    consumer.poll(Duration.ofMillis(Math.min(left, 200)));
            for (TopicPartition tp : List.copyOf(pending)) {
                List<ConsumerRecord<byte[], byte[]>> first = records.records(tp);
                if (!first.isEmpty()) {
                    long ageMs = now.toEpochMilli() - first.get(0).timestamp();
                    lag.put(tp, Math.max(0, ageMs) / 1000.0);
                } else if (consumer.position(tp, Duration.ofMillis(left)) >= endOffsets.get(tp)) {
                    // only transaction markers or aborted records were left: nothing to archive
                    lag.put(tp, 0.0);
                } else {
                    continue;
                }
                pending.remove(tp);
                consumer.pause(List.of(tp));
            }
        }
        consumer.unsubscribe();
        return lag;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
