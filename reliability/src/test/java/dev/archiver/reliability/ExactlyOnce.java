package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.PartitionReport;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What every scenario ends with: catching up, and the verifier's proof against Kafka. */
final class ExactlyOnce {
    private ExactlyOnce() {}

    /** The group's committed offsets of the topic (absent partitions are missing). */
    static Map<TopicPartition, Long> committed(
            EmbeddedKafka.Broker kafka, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result =
                new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        offsets.forEach(
                (tp, om) -> {
                    if (om != null && tp.topic().equals(topic)) {
                        result.put(tp, om.offset());
                    }
                });
        return result;
    }

    /** The sum of committed offsets: how far the group got. */
    static long committedTotal(EmbeddedKafka.Broker kafka, String group, String topic)
            throws Exception {
        return committed(kafka, group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until the group's committed offsets reach {@code end} on every partition, failing with
     * {@code context} (seed, logs) if any of {@code daemons} dies or the deadline passes.
     */
    static void awaitCommitted(
            EmbeddedKafka.Broker kafka,
            String group,
            Map<TopicPartition, Long> end,
            Collection<DaemonProcess> daemons,
            Duration timeout,
            String context)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> committed = Map.of();
        String topic = end.keySet().iterator().next().topic();
        while (System.nanoTime() < deadline) {
            for (DaemonProcess d : daemons) {
                if (!d.isAlive()) {
                    throw new AssertionError(
                            context
                                    + ": daemon died while catching up, exit "
                                    + d.process().exitValue()
                                    + "; log "
                                    + d.log()
                                    + ":\n"
                                    + tail(d.output()));
                }
            }
            committed = committed(kafka, group, topic);
            Map<TopicPartition, Long> c = committed;
            if (end.entrySet().stream()
                    .allMatch(e -> c.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                context
                        + ": committed offsets "
                        + committed
                        + " did not reach the end offsets "
                        + end
                        + " in "
                        + timeout);
    }

    /** Waits until the group has committed {@code topic}'s current end offsets. */
    static void awaitCaughtUp(
            EmbeddedKafka.Broker kafka,
            String topic,
            String group,
            DaemonProcess daemon,
            Duration timeout)
            throws Exception {
        awaitCommitted(
                kafka, group, kafka.endOffsets(topic), List.of(daemon), timeout, "not caught up");
    }

    /** Runs the verifier over the archive, compared with what Kafka holds. */
    static VerificationReport verify(
            EmbeddedKafka.Broker kafka, String uri, Map<String, String> settings, String topic)
            throws IOException, InterruptedException {
        StorageLocation root = StorageLocation.of(uri);
        try (ObjectStorage store = StorageProviders.load().create(root, Settings.of(settings))) {
            return verify(kafka, store, root, topic);
        }
    }

    /** Runs the verifier over the archive in {@code store}, compared with what Kafka holds. */
    static VerificationReport verify(
            EmbeddedKafka.Broker kafka, ObjectStorage store, StorageLocation root, String topic)
            throws IOException, InterruptedException {
        return ArchiveVerifier.builder(store, root)
                .topics(Set.of(topic))
                .compareWithKafka(kafka.bootstrapServers())
                .build()
                .verify();
    }

    /** Verifies against Kafka and asserts every produced record is archived exactly once. */
    static VerificationReport verifyExactlyOnce(
            EmbeddedKafka.Broker kafka,
            String topic,
            ObjectStorage store,
            StorageLocation root,
            long produced)
            throws IOException, InterruptedException {
        VerificationReport report = verify(kafka, store, root, topic);
        assertExactlyOnce(report, produced, topic);
        return report;
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
        Map<TopicPartition, Long> committed = committed(kafka, group, topic);
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

    /** Asserts every produced record is in the archive exactly once. */
    static void assertExactlyOnce(VerificationReport report, long produced, String context) {
        String why = context + "\n" + report.summary();
        assertThat(report.unreadable()).as(why).isEmpty();
        assertThat(report.duplicates()).as(why).isZero();
        assertThat(report.gaps()).as(why).isZero();
        assertThat(report.missingFromArchive()).as(why).isZero();
        assertThat(report.ok()).as(why).isTrue();
        assertThat(report.records()).as(why).isEqualTo(produced);
    }

    /** Where a scenario's daemon logs go: kept after the run, for a failure's post-mortem. */
    static java.nio.file.Path logDir(String name) throws IOException {
        return java.nio.file.Files.createDirectories(
                java.nio.file.Path.of("target", "reliability", "logs", name));
    }

    /** The last lines of a log, for assertion messages. */
    static String tail(String log) {
        return log.length() <= 8000 ? log : "..." + log.substring(log.length() - 8000);
    }

    /** The seed of a run: {@code -Dreliability.seed}, else a random one. */
    static long seed() {
        String s = System.getProperty("reliability.seed", "");
        return s.isBlank() ? new java.security.SecureRandom().nextLong() : Long.parseLong(s.trim());
    }
}
