package dev.archiver.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Topics whose offsets have gaps Kafka makes itself: transactions (commit and abort markers take
 * offsets, aborted records are not delivered to {@code read_committed} consumers) and compaction
 * (older versions of a key removed). An archive of them holds fewer offsets than the partitions
 * span, which only the consumed ranges of the batches explain when Kafka is not compared.
 */
public final class KafkaGaps {
    private KafkaGaps() {}

    /**
     * Produces {@code rounds} rounds to every partition of an existing topic, each round: plain
     * (non-transactional) records, a committed transaction, an aborted transaction, and every other
     * round a second aborted transaction in a row. Ends with an aborted transaction, so the
     * partitions end on offsets no record is delivered from.
     *
     * @return how many records a {@code read_committed} consumer gets (plain and committed)
     */
    public static long produceTransactional(
            EmbeddedKafka.Broker kafka, String topic, int partitions, int rounds) {
        long delivered = 0;
        try (KafkaProducer<byte[], byte[]> plain = kafka.producer(Map.of());
                KafkaProducer<byte[], byte[]> tx =
                        kafka.producer(Map.of("transactional.id", "tx-" + topic))) {
            tx.initTransactions();
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < partitions; p++) {
                    for (int i = 0; i < 3; i++) {
                        plain.send(record(topic, p, "plain", round, i)).get(60, TimeUnit.SECONDS);
                        delivered++;
                    }
                }
                transaction(tx, topic, partitions, "committed", round, 4, true);
                delivered += 4L * partitions;
                transaction(tx, topic, partitions, "aborted", round, 5, false);
                if (round % 2 == 1) {
                    transaction(tx, topic, partitions, "aborted-again", round, 2, false);
                }
            }
            transaction(tx, topic, partitions, "aborted-last", rounds, 3, false);
        } catch (Exception e) {
            throw new IllegalStateException("Producing transactions to " + topic + " failed", e);
        }
        return delivered;
    }

    private static void transaction(
            KafkaProducer<byte[], byte[]> tx,
            String topic,
            int partitions,
            String kind,
            int round,
            int records,
            boolean commit) {
        tx.beginTransaction();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < records; i++) {
                tx.send(record(topic, p, kind, round, i));
            }
        }
        if (commit) {
            tx.commitTransaction();
        } else {
            tx.flush();
            tx.abortTransaction();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, String kind, int round, int i) {
        return new ProducerRecord<>(
                topic,
                partition,
                (kind + "-" + round + "-" + i).getBytes(StandardCharsets.UTF_8),
                ("{\"kind\":\"" + kind + "\",\"round\":" + round + ",\"i\":" + i + "}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates a one-partition compacted topic, produces {@code rounds} rounds in their own log
     * segments (keys unique to the round interleaved with keys every round overwrites), and waits
     * until the log cleaner has removed every older version it can from the middle of the log.
     *
     * @return the records the topic delivers after compaction
     */
    public static long produceCompacted(EmbeddedKafka.Broker kafka, String topic, int rounds)
            throws Exception {
        kafka.createTopic(topic, 1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        for (String[] c :
                new String[][] {
                    {"cleanup.policy", "compact"},
                    {"segment.ms", "100"},
                    {"min.cleanable.dirty.ratio", "0.001"},
                    {"min.compaction.lag.ms", "0"},
                    {"delete.retention.ms", "86400000"}
                }) {
            ops.add(new AlterConfigOp(new ConfigEntry(c[0], c[1]), AlterConfigOp.OpType.SET));
        }
        kafka.admin()
                .incrementalAlterConfigs(Map.of(resource, ops))
                .all()
                .get(30, TimeUnit.SECONDS);
        long produced = 0;
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
            for (int round = 0; round <= rounds; round++) {
                // a record appended after segment.ms rolls a new segment: each round is its own
                Thread.sleep(250);
                int shared = round == rounds ? 1 : 4;
                for (int i = 0; i < shared; i++) {
                    producer.send(record(topic, 0, "shared", 0, i)).get(60, TimeUnit.SECONDS);
                    producer.send(record(topic, 0, "unique", round, i)).get(60, TimeUnit.SECONDS);
                    produced += 2;
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            List<Long> offsets = deliveredOffsets(kafka, topic);
            // compacted for good: every overwritten version of the shared keys removed, except
            // that the last round's own versions stay, superseded only in the active segment
            if (offsets.size() == produced - 4L * (rounds - 1)) {
                return offsets.size();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "The log cleaner did not compact " + topic + " in 90 s: " + offsets);
            }
            Thread.sleep(500);
        }
    }

    /** The offsets a {@code read_committed} consumer gets from partition 0 of a topic. */
    public static List<Long> deliveredOffsets(EmbeddedKafka.Broker kafka, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        List<Long> offsets = new ArrayList<>();
        TopicPartition tp = new TopicPartition(topic, 0);
        Collection<TopicPartition> tps = List.of(tp);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.assign(tps);
            c.seekToBeginning(tps);
            long end = c.endOffsets(tps).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    offsets.add(r.offset());
                }
            }
        }
        return offsets;
    }
}
