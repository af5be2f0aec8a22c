package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.PartitionReport;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Helpers of the storage-fault and hostile-input scenarios: continuous production, committed
 * offsets read from the group, the "nothing committed before it is durable" check and the final
 * exactly-once verdict.
 */
final class FaultRun {
    private FaultRun() {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A thread producing batches of the test kit's mixed records, stamped now, until stopped. */
    static final class Producer implements AutoCloseable {
        private final AtomicBoolean producing = new AtomicBoolean(true);
        private final AtomicLong produced = new AtomicLong();
        private final Thread thread;
        private volatile Throwable failure;

        Producer(
                EmbeddedKafka.Broker kafka,
                String topic,
                int partitions,
                int perBatch,
                int pauseMs) {
            thread =
                    new Thread(
                            () -> {
                                try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of())) {
                                    long batch = 0;
                                    while (producing.get()) {
                                        for (ProducerRecord<byte[], byte[]> r :
                                                records(topic, partitions, perBatch, batch++)) {
                                            p.send(r);
                                        }
                                        p.flush();
                                        produced.addAndGet(perBatch);
                                        Thread.sleep(pauseMs);
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (RuntimeException e) {
                                    failure = e;
                                }
                            },
                            "producer-" + topic);
            thread.start();
        }

        long produced() {
            return produced.get();
        }

        /** Stops producing and returns the number of records produced (all acknowledged). */
        long stop() throws InterruptedException {
            producing.set(false);
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(thread.isAlive()).as("producer stopped").isFalse();
            assertThat(failure).as("producer failure").isNull();
            return produced.get();
        }

        @Override
        public void close() throws InterruptedException {
            producing.set(false);
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
    }

    /**
     * The test kit's mixed records, stamped now: their own timestamps are weeks old, and the
     * broker's retention would delete them while the test runs.
     */
    static List<ProducerRecord<byte[], byte[]>> records(
            String topic, int partitions, int n, long seed) {
        return TestData.stampedNow(TestData.mixed(topic, partitions, n, seed));
    }

    /** The group's committed offsets (partitions without a commit are absent). */
    static Map<TopicPartition, Long> committed(EmbeddedKafka.Broker kafka, String group)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group)
                        .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach(
                (tp, o) -> {
                    if (o != null) {
                        result.put(tp, o.offset());
                    }
                });
        return result;
    }

    /**
     * Waits until the group has committed every partition's current end offset; fails with the
     * daemon's log if it dies or the deadline passes.
     */
    static void awaitCaughtUp(
            EmbeddedKafka.Broker kafka,
            String topic,
            String group,
            DaemonProcess daemon,
            Duration timeout)
            throws Exception {
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> committed = Map.of();
        while (System.nanoTime() < deadline) {
            assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", daemon.output()).isTrue();
            committed = committed(kafka, group);
            Map<TopicPartition, Long> c = committed;
            if (end.entrySet().stream()
                    .allMatch(e -> c.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "not caught up in "
                        + timeout
                        + ": end "
                        + end
                        + ", committed "
                        + committed
                        + "; log tail:\n"
                        + tail(daemon.output(), 4000));
    }

    /**
     * Nothing is committed before it is durable: reads the committed offsets first, then the
     * archive straight from the store (not through the faulty proxy), and checks that every
     * committed offset is in it, without gaps or duplicates below the commit.
     */
    static void assertCommittedIsDurable(
            EmbeddedKafka.Broker kafka,
            String topic,
            String group,
            ObjectStorage direct,
            StorageLocation root)
            throws Exception {
        Map<TopicPartition, Long> committed = committed(kafka, group);
        VerificationReport report =
                ArchiveVerifier.builder(direct, root).topics(Set.of(topic)).build().verify();
        assertThat(report.unreadable()).as(report.summary()).isEmpty();
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            long c = e.getValue();
            if (c == 0) {
                continue;
            }
            PartitionReport p =
                    report.partitions().stream()
                            .filter(r -> r.partition().partition() == e.getKey().partition())
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    e.getKey()
                                                            + " committed at "
                                                            + c
                                                            + " but nothing archived:\n"
                                                            + report.summary()));
            assertThat(p.firstOffset()).as("%s first offset", e.getKey()).isZero();
            assertThat(p.lastOffset())
                    .as("%s committed at %d: archived up to", e.getKey(), c)
                    .isGreaterThanOrEqualTo(c - 1);
            assertThat(p.gapCount()).as(report.summary()).isZero();
            assertThat(p.duplicateCount()).as(report.summary()).isZero();
        }
    }

    /** The final verdict: every record Kafka holds archived exactly once. */
    static VerificationReport verifyExactlyOnce(
            EmbeddedKafka.Broker kafka,
            String topic,
            ObjectStorage direct,
            StorageLocation root,
            long expectedRecords)
            throws Exception {
        VerificationReport report =
                ArchiveVerifier.builder(direct, root)
                        .topics(Set.of(topic))
                        .compareWithKafka(kafka.bootstrapServers())
                        .build()
                        .verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.gaps()).as(report.summary()).isZero();
        assertThat(report.missingFromArchive()).as(report.summary()).isZero();
        assertThat(report.records()).as(report.summary()).isEqualTo(expectedRecords);
        return report;
    }

    static String tail(String s, int chars) {
        return s.length() <= chars ? s : s.substring(s.length() - chars);
    }
}
