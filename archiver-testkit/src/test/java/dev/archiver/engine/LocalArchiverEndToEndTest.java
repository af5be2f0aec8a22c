package dev.archiver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.format.jsonl.JsonlFormatProvider;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.KafkaGaps;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The engine end to end with a {@code file://} archive, plus what only a local test can do: a
 * staging disk that fills up.
 */
class LocalArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private Path dir;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("archive-e2e");
        }
        return StorageLocation.of(dir.toUri().toString());
    }

    /** jsonl, except that writes fail with "No space left on device" while {@code full} is set. */
    private static final class FullDiskFormat implements FileFormat {
        private final FileFormat jsonl = new JsonlFormatProvider().create(Settings.empty());
        final AtomicBoolean full = new AtomicBoolean(true);
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public String name() {
            return "jsonl";
        }

        @Override
        public String extension() {
            return jsonl.extension();
        }

        @Override
        public boolean lossless() {
            return true;
        }

        @Override
        public RecordWriter newWriter(OutputStream out) throws IOException {
            RecordWriter w = jsonl.newWriter(out);
            return new RecordWriter() {
                @Override
                public void write(ParsedRecord record) throws IOException {
                    if (full.get()) {
                        failures.incrementAndGet();
                        throw new IOException("No space left on device");
                    }
                    w.write(record);
                }

                @Override
                public void close() throws IOException {
                    w.close();
                }
            };
        }

        @Override
        public RecordReader newReader(InputStream in) throws IOException {
            return jsonl.newReader(in);
        }
    }

    @Test
    void fullStagingDiskPausesAndReplaysWithoutLossOrDuplicates() throws Exception {
        kafka.createTopic(topic, 2);
        int count = 5_000;
        kafka.produce(dev.archiver.testing.TestData.json(topic, 2, count, 0));
        FullDiskFormat format = new FullDiskFormat();
        Archiver a =
                Archiver.create(
                        ArchiverConfig.builder()
                                .settings(
                                        Settings.of(settings(Map.of("upload.max-records", "1000"))))
                                .format(format)
                                .build());
        try {
            a.start();
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (format.failures.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(a.isRunning()).isTrue();
            assertThat(a.stats().recordsArchived()).isZero();
            format.full.set(false);
            awaitCommitted(count, AWAIT);
            assertThat(a.failure()).isEmpty();
            assertThat(a.stats().stagingFailures()).isGreaterThanOrEqualTo(3);
        } finally {
            a.close();
        }
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(count);
    }

    /** Counts, per partition, what one engine consumed and which partitions it lost. */
    private static final class Counting implements ArchiverListener {
        final Map<TopicPartitionId, AtomicLong> consumed = new ConcurrentHashMap<>();
        final Set<TopicPartitionId> assigned = ConcurrentHashMap.newKeySet();
        final Set<TopicPartitionId> revoked = ConcurrentHashMap.newKeySet();

        @Override
        public void recordsConsumed(TopicPartitionId partition, int records, long bytes) {
            consumed.computeIfAbsent(partition, p -> new AtomicLong()).addAndGet(records);
        }

        @Override
        public void rebalanced(
                Collection<TopicPartitionId> assigned, Collection<TopicPartitionId> revoked) {
            this.assigned.addAll(assigned);
            this.revoked.addAll(revoked);
        }

        long total() {
            return consumed.values().stream().mapToLong(AtomicLong::get).sum();
        }
    }

    private Archiver startWith(ArchiverListener listener, Map<String, String> overrides) {
        Archiver a =
                Archiver.create(
                        ArchiverConfig.builder()
                                .settings(Settings.of(settings(overrides)))
                                .listener(listener)
                                .build());
        a.start();
        return a;
    }

    /**
     * Issue 14, hole 10. A member joining the group takes some partitions; the partitions the first
     * member keeps are not revoked (cooperative rebalancing by default), so their staged, unsealed
     * records are neither thrown away nor consumed a second time.
     */
    @Test
    void rebalanceKeepsTheStagedDataOfPartitionsThisMemberKeeps() throws Exception {
        kafka.createTopic(topic, 4);
        int perPartition = 200;
        kafka.produce(dev.archiver.testing.TestData.json(topic, 4, 4 * perPartition, 0));
        Map<String, String> overrides =
                Map.of(
                        "upload.max-records",
                        Integer.toString(2 * perPartition),
                        "upload.max-file-age",
                        "10m");
        Counting first = new Counting();
        Counting second = new Counting();
        Archiver a = startWith(first, overrides);
        Archiver b = null;
        try {
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (first.total() < 4L * perPartition && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(first.total()).isEqualTo(4L * perPartition);
            b = startWith(second, overrides);
            while (second.assigned.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(second.assigned).isNotEmpty();
            kafka.produce(dev.archiver.testing.TestData.json(topic, 4, 4 * perPartition, 0));
            awaitCommitted(8L * perPartition, AWAIT);
            Set<TopicPartitionId> kept = new HashSet<>(first.assigned);
            kept.removeAll(second.assigned);
            assertThat(kept).hasSize(2);
            for (TopicPartitionId p : kept) {
                assertThat(first.consumed.get(p).get())
                        .as("records of kept partition %s consumed once", p)
                        .isEqualTo(2L * perPartition);
            }
            assertThat(a.failure()).isEmpty();
            assertThat(b.failure()).isEmpty();
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(8L * perPartition);
    }

    @Test
    void offsetsDeletedByRetentionBeforeArchivingAreCountedAndReported() throws Exception {
        kafka.createTopic(topic, 1);
        kafka.produce(dev.archiver.testing.TestData.json(topic, 1, 100, 0));
        Archiver first = start(Map.of("upload.max-file-age", "1s"));
        awaitCommitted(100, AWAIT);
        first.close();
        kafka.produce(dev.archiver.testing.TestData.json(topic, 1, 100, 0));
        // retention deletes offsets 100..149 before the archiver gets to them
        org.apache.kafka.common.TopicPartition tp =
                new org.apache.kafka.common.TopicPartition(topic, 0);
        kafka.admin()
                .deleteRecords(
                        Map.of(
                                tp,
                                org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(150)))
                .all()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        Archiver second = start(Map.of("upload.max-file-age", "1s"));
        awaitCommitted(200, AWAIT);
        second.close();
        assertThat(second.stats().offsetsSkippedByKafka()).isEqualTo(50);
        assertThat(second.stats().recordsArchived()).isEqualTo(50);
        dev.archiver.verify.VerificationReport report = verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).isEqualTo(150);
    }

    @Test
    void skipToleranceDropsAndCountsBadRecords() throws Exception {
        kafka.createTopic(topic, 1);
        int count = 300;
        kafka.produce(dev.archiver.testing.TestData.json(topic, 1, count, 10));
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "errors.tolerance",
                                "skip",
                                "upload.max-file-age",
                                "1s"));
        awaitCommitted(count, AWAIT);
        a.close();
        assertThat(a.stats().skipped()).isEqualTo(30);
        assertThat(a.stats().deadLettered()).isZero();
        assertThat(dev.archiver.testing.ArchiveContents.readAll(storage(), root, null))
                .hasSize(count - 30);
    }

    @Test
    void failToleranceStopsTheEngineWithoutCommittingPastTheBadRecord() throws Exception {
        kafka.createTopic(topic, 1);
        kafka.produce(
                dev.archiver.testing.TestData.json(topic, 1, 100, 50)); // offsets 0 and 50 are bad
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "errors.tolerance",
                                "fail",
                                "upload.max-file-age",
                                "1s"));
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (a.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(a.failure()).get().asString().contains("errors.tolerance=fail").contains("@0");
        a.close();
        assertThat(committed().values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    @Test
    void aSmallStagingLimitUploadsEarlyAndKeepsStagingBounded() throws Exception {
        kafka.createTopic(topic, 4);
        int count = 20_000;
        kafka.produce(dev.archiver.testing.TestData.json(topic, 4, count, 0));
        long limit = 64 * 1024;
        // no record, size or age limit would seal before the end: only the staging bound can
        Archiver a =
                start(
                        Map.of(
                                "upload.max-file-age", "1h",
                                "upload.max-records", "1000000",
                                "upload.max-file-size", "1GB",
                                "staging.max-bytes", Long.toString(limit)));
        // what the staging directory really holds on disk, watched from outside the engine
        AtomicLong maxOnDisk = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher =
                new Thread(
                        () -> {
                            while (watching.get()) {
                                maxOnDisk.accumulateAndGet(bytesUnder(staging), Math::max);
                                samples.incrementAndGet();
                            }
                        });
        watcher.start();
        try {
            awaitCommitted(count, AWAIT);
        } finally {
            watching.set(false);
            watcher.join();
        }
        a.close();
        long archivedBytes = a.stats().bytesUploaded();
        // nothing else could seal, so every commit came from the bound: several rounds of small
        // batches (the bound counts bytes on disk; writers' buffers make objects a few times it)
        // ...
        assertThat(a.stats().objectsUploaded()).isGreaterThanOrEqualTo(8);
        // ... and the staging directory stayed near the limit, far below what an unbounded engine
        // would have staged
        assertThat(samples.get()).isPositive();
        assertThat(maxOnDisk.get()).isLessThan(archivedBytes / 4);
        assertExactlyOnce();
    }

    /**
     * Hole 12, idle commits: an engine moves the committed offset past an aborted transaction with
     * no record to write, stops, and the next engine's first batch still starts its consumed range
     * where the last archived range ended (the note the idle commit left in the group's commit), so
     * the archive alone verifies with nothing lost.
     */
    @Test
    void archiveOnlyVerificationSpansAnIdleCommitAcrossARestart() throws Exception {
        kafka.createTopic(topic, 1);
        long first = KafkaGaps.produceTransactional(kafka, topic, 1, 3);
        Map<String, String> settings =
                Map.of("upload.max-records", "5", "kafka.consumer.max.poll.records", "5");
        Archiver a = start(settings);
        awaitCommitted(first, AWAIT);
        // an aborted transaction alone: only an idle commit can move past it
        KafkaGaps.produceTransactional(kafka, topic, 1, 0);
        awaitCommitted(first, AWAIT);
        a.close();
        long archivedEnd = 0;
        for (String key : ArchiveContents.keys(storage(), root)) {
            Map<String, String> meta = storage().stat(root.resolve(key)).orElseThrow().metadata();
            archivedEnd = Math.max(archivedEnd, ArchiveMetadata.range(meta).orElseThrow().end());
        }
        OffsetAndMetadata idle =
                kafka.admin()
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)
                        .get(new TopicPartition(topic, 0));
        assertThat(idle.offset()).isGreaterThan(archivedEnd);
        assertThat(idle.metadata()).isEqualTo("archived-end=" + archivedEnd);

        long second = KafkaGaps.produceTransactional(kafka, topic, 1, 2);
        Archiver b = start(settings);
        awaitCommitted(first + second, AWAIT);
        b.close();
        VerificationReport report = verifyArchiveOnly();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).isEqualTo(first + second);
        assertThat(report.gaps()).as(report.summary()).isZero();
        assertThat(report.kafkaGaps()).as(report.summary()).isPositive();
        assertExactlyOnce();
    }

    /** The bytes of the regular files under {@code dir} now; files vanishing meanwhile count 0. */
    private static long bytesUnder(Path dir) {
        long total = 0;
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    total += Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException gone) {
                    // uploaded and deleted while walking
                }
            }
        } catch (IOException | java.io.UncheckedIOException gone) {
            // a directory vanished while walking: count what was seen
        }
        return total;
    }
}
