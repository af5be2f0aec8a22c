package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.config.Settings;
import dev.archiver.internal.EngineHooks;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine end to end against a real broker and a real store: what is produced is archived
 * exactly once, through crashes between seal and upload and between upload and commit, and through
 * rebalances. A backend binds it by naming a fresh archive root and the settings its store needs.
 *
 * <p>Every test uses its own topic, consumer group and archive prefix.
 */
@ExtendWith(EmbeddedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractArchiverEndToEndTest {
    protected static final Duration AWAIT = Duration.ofMinutes(3);

    protected EmbeddedKafka.Broker kafka;
    private ObjectStorage storage;
    private final List<Archiver> engines = new ArrayList<>();
    protected StorageLocation root;
    protected String topic;
    protected String group;

    @TempDir protected Path staging;

    /**
     * The base location of the archives of this test class; each test writes below a fresh prefix
     * of it.
     */
    protected abstract StorageLocation archiveRoot() throws Exception;

    /**
     * Settings the store needs (endpoint, credentials) under {@code storage.NAME.}; none for file
     * and memory.
     */
    protected Map<String, String> storageSettings() {
        return Map.of();
    }

    /** Records in the large end-to-end tests. */
    protected int recordCount() {
        return 100_000;
    }

    /**
     * Settings for the engine's offset tracker ({@code offsets.*}); the default Kafka tracker needs
     * none.
     */
    protected Map<String, String> trackerSettings() {
        return Map.of();
    }

    @BeforeAll
    final void startKafkaAndStorage() throws Exception {
        kafka = EmbeddedKafka.shared();
        StorageLocation base = archiveRoot();
        storage = StorageProviders.load().create(base, Settings.of(storageSettings()));
    }

    @AfterAll
    final void closeStorage() throws IOException {
        if (storage != null) {
            storage.close();
        }
    }

    @BeforeEach
    final void freshNames() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "e2e-" + id;
        group = "archiver-" + id;
        root = archiveRoot().resolve("run-" + id);
    }

    @AfterEach
    final void closeEngines() {
        engines.forEach(Archiver::close);
        engines.clear();
    }

    protected final ObjectStorage storage() {
        return storage;
    }

    /**
     * Engine settings: this test's topic, group, root and staging, the store's settings, then
     * {@code overrides}.
     */
    protected Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(storageSettings());
        s.putAll(trackerSettings());
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("kafka.consumer.session.timeout.ms", "6000");
        s.put("kafka.consumer.heartbeat.interval.ms", "500");
        s.put("topics", topic);
        s.put("storage.uri", root.toString());
        s.put("staging.dir", staging.toString());
        s.put("upload.max-file-age", "2s");
        s.put("upload.retry.initial-backoff", "200ms");
        s.put("upload.retry.max-backoff", "2s");
        s.put("consumer.poll-timeout", "200ms");
        s.putAll(overrides);
        return s;
    }

    protected final Archiver start(Map<String, String> overrides) {
        return start(overrides, EngineHooks.NONE);
    }

    protected final Archiver start(Map<String, String> overrides, EngineHooks hooks) {
        Archiver a =
                Archiver.create(
                        dev.archiver.ArchiverConfig.builder()
                                .settings(Settings.of(settings(overrides)))
                                .hooks(hooks)
                                .build());
        engines.add(a);
        a.start();
        return a;
    }

    /**
     * Waits until the group has committed the end offset of every partition of the topic, and the
     * end offsets account for at least {@code produced} records (end offsets read right after
     * producing can lag on a loaded machine).
     */
    protected final void awaitCommitted(long produced, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = Map.of();
        Map<TopicPartition, Long> committed = Map.of();
        while (System.nanoTime() < deadline) {
            end = kafka.endOffsets(topic);
            committed = committed();
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            boolean done = total >= produced && !end.isEmpty();
            for (var e : end.entrySet()) {
                if (committed.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                    done = false;
                    break;
                }
            }
            if (done) {
                return;
            }
            for (Archiver a : engines) {
                assertThat(a.failure()).as("engine failure").isEmpty();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "Not all offsets committed within "
                        + timeout
                        + " ("
                        + produced
                        + " records produced): end "
                        + end
                        + ", committed "
                        + committed);
    }

    /**
     * The committed next offsets of this test's group. Reads the Kafka consumer group; a binding
     * whose offset tracker keeps offsets elsewhere (ZooKeeper) overrides it.
     */
    protected Map<TopicPartition, Long> committed() throws Exception {
        Map<TopicPartition, Long> result = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group)
                        .get(30, TimeUnit.SECONDS);
        offsets.forEach(
                (tp, om) -> {
                    if (om != null) {
                        result.put(tp, om.offset());
                    }
                });
        return result;
    }

    protected final VerificationReport verify() throws Exception {
        return ArchiveVerifier.builder(storage, root)
                .compareWithKafka(kafka.bootstrapServers())
                .build()
                .verify();
    }

    protected final void assertExactlyOnce() throws Exception {
        VerificationReport report = verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).as(report.summary()).isPositive();
    }

    private void endToEnd(String format, String codec, int consumerThreads) throws Exception {
        int partitions = 4;
        kafka.createTopic(topic, partitions);
        List<ProducerRecord<byte[], byte[]>> produced =
                TestData.mixed(topic, partitions, recordCount(), 42);
        List<RecordMetadata> metadata = kafka.produce(produced);
        Archiver a =
                start(
                        Map.of(
                                "format",
                                format,
                                "codec",
                                codec,
                                "partitioner",
                                "time",
                                "partitioner.time.pattern",
                                "'dt='yyyy-MM-dd/'hr='HH",
                                "upload.max-records",
                                "20000",
                                "consumer.threads",
                                Integer.toString(consumerThreads)));
        awaitCommitted(recordCount(), AWAIT);
        a.close();
        List<ArchiveRecord> archived = ArchiveContents.readAll(storage, root, null);
        List<ArchiveRecord> expected = ArchiveContents.expected(produced, metadata);
        assertThat(archived).hasSize(expected.size());
        assertThat(archived).isEqualTo(expected);
        assertExactlyOnce();
        List<String> keys = ArchiveContents.keys(storage, root);
        assertThat(keys)
                .allSatisfy(
                        k ->
                                assertThat(k)
                                        .matches(
                                                topic
                                                        + "/dt=2026-11-0[12]/hr=\\d\\d/"
                                                        + topic
                                                        + "-[0-3]-\\d{20}\\.[a-z]+(\\.[a-z0-9]+)?"));
        assertThat(a.stats().recordsArchived()).isEqualTo(recordCount());
    }

    @Test
    void archivesEveryRecordExactlyOnceAsJsonlZstd() throws Exception {
        endToEnd("jsonl", "zstd", 1);
    }

    @Test
    void archivesEveryRecordExactlyOnceAsAvro() throws Exception {
        endToEnd("avro", "none", 2);
    }

    /** Runs where archiver-parquet is on the test class path (its own and the S3 binding). */
    @Test
    void archivesEveryRecordExactlyOnceAsParquet() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.archiver.plugin.Plugins.all(
                                dev.archiver.format.FileFormatProvider.class,
                                dev.archiver.plugin.Plugins.defaultClassLoader())
                        .containsKey("parquet"),
                "archiver-parquet is not on the class path");
        endToEnd("parquet", "none", 2);
    }

    /**
     * Kills the engine at a hook; a new engine resumes; the archive holds every record exactly
     * once.
     */
    private void crashAndResume(boolean beforeUpload) throws Exception {
        kafka.createTopic(topic, 2);
        int count = 20_000;
        kafka.produce(TestData.mixed(topic, 2, count, 7));
        AtomicInteger batches = new AtomicInteger();
        EngineHooks crash =
                new EngineHooks() {
                    @Override
                    public void beforeUpload(
                            TopicPartitionId partition, long firstOffset, long nextOffset) {
                        if (beforeUpload && batches.incrementAndGet() == 3) {
                            throw new SimulatedCrash(
                                    "killed between seal and upload of "
                                            + partition
                                            + "@"
                                            + firstOffset);
                        }
                    }

                    @Override
                    public void beforeCommit(
                            TopicPartitionId partition, long firstOffset, long nextOffset) {
                        if (!beforeUpload && batches.incrementAndGet() == 3) {
                            throw new SimulatedCrash(
                                    "killed between upload and commit of "
                                            + partition
                                            + "@"
                                            + firstOffset);
                        }
                    }
                };
        Archiver first = start(Map.of("upload.max-records", "3000", "codec", "gzip"), crash);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (first.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(first.failure()).get().isInstanceOf(EngineHooks.SimulatedCrash.class);
        first.close();
        engines.remove(first);
        Path groupStaging = staging.resolve(group);
        assertThat(stagedFiles(groupStaging))
                .as("a killed engine leaves staged data behind")
                .isNotEmpty();
        Map<TopicPartition, Long> committedAtCrash = committed();
        assertThat(committedAtCrash.values().stream().mapToLong(Long::longValue).sum())
                .isLessThan(count);

        Archiver second = start(Map.of("upload.max-records", "3000", "codec", "gzip"));
        awaitCommitted(count, AWAIT);
        second.close();
        assertThat(stagedFiles(groupStaging))
                .as("stray staged data is removed, never uploaded")
                .isEmpty();
        assertExactlyOnce();
        assertThat(ArchiveContents.readAll(storage, root, null)).hasSize(count);
    }

    /**
     * Issue 14, hole 1. A static member ({@code group.instance.id}) killed between upload and
     * commit and restarted within the session timeout gets the same generation with a new member
     * id, and no rebalance. Its replay meets its own leftovers: they are an older incarnation's,
     * replaced, not taken for a newer owner's (which stopped the partition for good).
     */
    @Test
    void staticMemberRestartedWithinTheSessionTimeoutResumesExactlyOnce() throws Exception {
        kafka.createTopic(topic, 2);
        int count = 20_000;
        kafka.produce(TestData.mixed(topic, 2, count, 7));
        AtomicInteger batches = new AtomicInteger();
        EngineHooks crash =
                new EngineHooks() {
                    @Override
                    public void beforeCommit(
                            TopicPartitionId partition, long firstOffset, long nextOffset) {
                        if (batches.incrementAndGet() == 3) {
                            throw new SimulatedCrash(
                                    "killed between upload and commit of "
                                            + partition
                                            + "@"
                                            + firstOffset);
                        }
                    }
                };
        Map<String, String> staticMember =
                Map.of(
                        "upload.max-records", "3000",
                        "kafka.consumer.group.instance.id", "static-" + group,
                        "kafka.consumer.session.timeout.ms", "45000");
        Archiver first = start(staticMember, crash);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (first.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(first.failure()).get().isInstanceOf(EngineHooks.SimulatedCrash.class);
        first.close();
        engines.remove(first);

        Archiver second = start(staticMember); // well within the 45 s session timeout
        awaitCommitted(count, Duration.ofSeconds(40));
        second.close();
        assertExactlyOnce();
        assertThat(ArchiveContents.readAll(storage, root, null)).hasSize(count);
    }

    private static List<Path> stagedFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".staging")).toList();
        }
    }

    @Test
    void crashBetweenUploadAndCommitIsReplayedWithoutDuplicates() throws Exception {
        crashAndResume(false);
    }

    @Test
    void crashBetweenSealAndUploadIsReplayedWithoutLoss() throws Exception {
        crashAndResume(true);
    }

    /**
     * Issue 14, hole 7. Killed between upload and commit, then restarted with {@code after} instead
     * of {@code before}: the replay writes other keys, so it overwrites none of the uncommitted
     * batches' objects. They are removed before the replay's first upload (through the partitions'
     * intents), not left beside it as duplicates.
     */
    private void crashThenRestartWith(Map<String, String> before, Map<String, String> after)
            throws Exception {
        kafka.createTopic(topic, 2);
        int count = 20_000;
        kafka.produce(TestData.mixed(topic, 2, count, 11));
        AtomicInteger batches = new AtomicInteger();
        EngineHooks crash =
                new EngineHooks() {
                    @Override
                    public void beforeCommit(
                            TopicPartitionId partition, long firstOffset, long nextOffset) {
                        if (batches.incrementAndGet() == 3) {
                            throw new SimulatedCrash(
                                    "killed between upload and commit of "
                                            + partition
                                            + "@"
                                            + firstOffset);
                        }
                    }
                };
        Map<String, String> first = new HashMap<>(before);
        first.put("upload.max-records", "3000");
        Archiver killed = start(first, crash);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (killed.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(killed.failure()).get().isInstanceOf(EngineHooks.SimulatedCrash.class);
        killed.close();
        engines.remove(killed);
        long committedAtCrash = committed().values().stream().mapToLong(Long::longValue).sum();
        assertThat(committedAtCrash).isLessThan(count);
        assertThat(ArchiveContents.readAll(storage, root, null).size())
                .as("the killed engine left uploaded, uncommitted records behind")
                .isGreaterThan((int) committedAtCrash);

        Map<String, String> second = new HashMap<>(after);
        second.put("upload.max-records", "3000");
        Archiver restarted = start(second);
        awaitCommitted(count, AWAIT);
        restarted.close();
        VerificationReport report = verify();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(ArchiveContents.readAll(storage, root, null)).hasSize(count);
    }

    @Test
    void hole7LeftoversOfAnUncommittedBatchAreRemovedAfterCodecChange() throws Exception {
        crashThenRestartWith(Map.of("codec", "zstd"), Map.of("codec", "gzip"));
    }

    @Test
    void hole7LeftoversOfAnUncommittedBatchAreRemovedAfterPartitionerPatternChange()
            throws Exception {
        crashThenRestartWith(
                Map.of(
                        "partitioner",
                        "time",
                        "partitioner.time.pattern",
                        "'dt='yyyy-MM-dd/'hr='HH"),
                Map.of("partitioner", "time", "partitioner.time.pattern", "'day='yyyyMMdd"));
    }

    @Test
    void rebalancesKeepExactlyOnce() throws Exception {
        int partitions = 6;
        kafka.createTopic(topic, partitions);
        Map<String, String> s = Map.of("upload.max-records", "1500", "upload.max-file-age", "1s");
        Archiver a = start(s);
        Archiver b = start(s);
        int total = 30_000;
        Thread producer =
                new Thread(
                        () -> {
                            try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of())) {
                                List<ProducerRecord<byte[], byte[]>> records =
                                        TestData.json(topic, partitions, total, 0);
                                for (int i = 0; i < records.size(); i++) {
                                    p.send(records.get(i));
                                    if (i % 1000 == 999) {
                                        p.flush();
                                        Thread.sleep(100);
                                    }
                                }
                                p.flush();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        producer.start();
        awaitArchived(a, b, 5_000);
        Archiver c = start(s);
        awaitArchived(a, b, c, 12_000);
        a.close();
        engines.remove(a);
        producer.join(TimeUnit.MINUTES.toMillis(3));
        awaitCommitted(total, AWAIT);
        assertThat(b.stats().rebalances() + c.stats().rebalances()).isPositive();
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(total);
    }

    private static void awaitArchived(Archiver a, Archiver b, long records)
            throws InterruptedException {
        awaitArchived(a, b, null, records);
    }

    private static void awaitArchived(Archiver a, Archiver b, Archiver c, long records)
            throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long n =
                    a.stats().recordsArchived()
                            + b.stats().recordsArchived()
                            + (c == null ? 0 : c.stats().recordsArchived());
            if (n >= records) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + records + " records archived within " + AWAIT);
    }

    @Test
    void idlePartitionIsUploadedWhenItsAgeIsReached() throws Exception {
        kafka.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> produced =
                new ArrayList<>(TestData.json(topic, 1, 10, 0));
        Archiver a = start(Map.of("upload.max-file-age", "2s", "upload.max-file-size", "1GB"));
        kafka.produce(produced);
        // nothing else arrives: only the age policy, checked on the engine's timer, can seal this
        // file
        awaitCommitted(produced.size(), Duration.ofSeconds(60));
        assertThat(a.stats().objectsUploaded()).isEqualTo(1);
        List<ArchiveRecord> archived = ArchiveContents.readAll(storage, root, null);
        assertThat(archived).hasSize(10);
        assertThat(archived).allSatisfy(r -> assertThat(r.partition()).isZero());
        assertExactlyOnce();
    }

    @Test
    void unparsableRecordsGoToTheDeadLetterPrefix() throws Exception {
        kafka.createTopic(topic, 2);
        int count = 1000;
        int badEvery = 10;
        kafka.produce(TestData.json(topic, 2, count, badEvery));
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "parser.json.timestamp-field",
                                "ts",
                                "partitioner",
                                "time"));
        awaitCommitted(count, AWAIT);
        a.close();
        int bad = count / badEvery;
        assertThat(a.stats().deadLettered()).isEqualTo(bad);
        List<ArchiveRecord> deadLetters =
                ArchiveContents.readAll(storage, root.resolve("_dead-letter"), null);
        assertThat(deadLetters).hasSize(bad);
        assertThat(deadLetters)
                .allSatisfy(
                        r ->
                                assertThat(
                                                new String(
                                                        r.value(),
                                                        java.nio.charset.StandardCharsets.UTF_8))
                                        .startsWith("not json"));
        assertThat(ArchiveContents.readAll(storage, root, "_dead-letter/")).hasSize(count - bad);
        VerificationReport report = verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.deadLetters()).isEqualTo(bad);
    }

    /** Whether the store returns user metadata from {@code stat}. */
    protected boolean supportsMetadata() {
        return true;
    }

    @Test
    void everyObjectCarriesRecordCountOffsetsAndTimestamps() throws Exception {
        if (!supportsMetadata()) {
            return;
        }
        kafka.createTopic(topic, 2);
        int count = 2_000;
        kafka.produce(TestData.json(topic, 2, count, 0));
        Archiver a = start(Map.of("partitioner", "time", "upload.max-records", "500"));
        awaitCommitted(count, AWAIT);
        a.close();
        long records = 0;
        for (String key : ArchiveContents.keys(storage, root)) {
            StorageLocation loc = root.resolve(key);
            Map<String, String> meta = storage.stat(loc).orElseThrow().metadata();
            assertThat(meta)
                    .containsKeys(
                            ArchiveMetadata.RECORDS,
                            ArchiveMetadata.FIRST_OFFSET,
                            ArchiveMetadata.LAST_OFFSET,
                            ArchiveMetadata.MIN_TIMESTAMP,
                            ArchiveMetadata.MAX_TIMESTAMP);
            List<ArchiveRecord> inObject = new ArrayList<>();
            try (var reader = dev.archiver.verify.ArchiveFiles.load().open(storage, loc)) {
                ArchiveRecord r;
                while ((r = reader.read()) != null) {
                    inObject.add(r);
                }
            }
            assertThat(Long.parseLong(meta.get(ArchiveMetadata.RECORDS)))
                    .isEqualTo(inObject.size());
            assertThat(Long.parseLong(meta.get(ArchiveMetadata.FIRST_OFFSET)))
                    .isEqualTo(inObject.get(0).offset());
            assertThat(Long.parseLong(meta.get(ArchiveMetadata.LAST_OFFSET)))
                    .isEqualTo(inObject.get(inObject.size() - 1).offset());
            assertThat(Long.parseLong(meta.get(ArchiveMetadata.MIN_TIMESTAMP)))
                    .isEqualTo(
                            inObject.stream()
                                    .mapToLong(ArchiveRecord::timestamp)
                                    .min()
                                    .orElseThrow());
            records += inObject.size();
        }
        assertThat(records).isEqualTo(count);
    }

    @Test
    void reachingTheOpenFileBoundSealsTheOldestBatch() throws Exception {
        kafka.createTopic(topic, 2);
        int count = 600;
        kafka.produce(TestData.json(topic, 2, count, 0));
        // every record gets its own output partition, and no size or age limit would ever seal:
        // only the bound on open files can make progress
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "partitioner",
                                "field",
                                "partitioner.field.fields",
                                "id",
                                "upload.max-file-age",
                                "1h",
                                "staging.max-open-files",
                                "25"));
        awaitCommitted(count, AWAIT);
        a.close();
        assertThat(a.stats().objectsUploaded()).isEqualTo(count);
        assertExactlyOnce();
    }

    /** Verification from the archive alone, as {@code archiver verify} without Kafka does it. */
    protected final VerificationReport verifyArchiveOnly() throws Exception {
        return ArchiveVerifier.builder(storage, root).build().verify();
    }

    /**
     * Hole 12: a topic with committed and aborted transactions between plain records verifies
     * exactly once from the archive alone (markers and aborted records are Kafka gaps inside the
     * batches' consumed ranges), and a deleted object is still reported as lost.
     */
    @Test
    void archiveOnlyVerificationHasNoFalseGapsOnTransactionalTopics() throws Exception {
        kafka.createTopic(topic, 2);
        long delivered = KafkaGaps.produceTransactional(kafka, topic, 2, 8);
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "partitioner",
                                "field",
                                "partitioner.field.fields",
                                "i",
                                "upload.max-records",
                                "5",
                                "kafka.consumer.max.poll.records",
                                "5"));
        awaitCommitted(delivered, AWAIT);
        a.close();
        assertExactlyOnce();
        assertArchiveOnlyExactlyOnce(delivered, 2);
    }

    /**
     * Hole 12: a compacted topic, compacted before it is archived, verifies exactly once from the
     * archive alone, and a deleted object is still reported as lost. Records are routed to several
     * objects per batch, so the deleted object leaves its batch incomplete: its range then covers
     * nothing.
     */
    @Test
    void archiveOnlyVerificationHasNoFalseGapsOnCompactedTopics() throws Exception {
        long delivered = KafkaGaps.produceCompacted(kafka, topic, 6);
        Archiver a =
                start(
                        Map.of(
                                "parser",
                                "json",
                                "partitioner",
                                "field",
                                "partitioner.field.fields",
                                "i",
                                "upload.max-records",
                                "3",
                                "kafka.consumer.max.poll.records",
                                "3"));
        awaitCommitted(delivered, AWAIT);
        a.close();
        assertArchiveOnlyExactlyOnce(delivered, 1);
    }

    private void assertArchiveOnlyExactlyOnce(long delivered, int minRanges) throws Exception {
        if (!supportsMetadata()) {
            return;
        }
        VerificationReport report = verifyArchiveOnly();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).as(report.summary()).isEqualTo(delivered);
        assertThat(report.duplicates()).isZero();
        assertThat(report.gaps()).as("lost offsets").isZero();
        assertThat(report.incompleteRanges()).isZero();
        assertThat(report.kafkaGaps()).as(report.summary()).isPositive();
        assertThat(report.ranges()).as(report.summary()).isGreaterThanOrEqualTo(minRanges);

        // an object whose loss the archive alone can show: one of a batch of several objects
        // (the batch is then incomplete), or one neither first nor last of its partition
        List<String> partition0 =
                ArchiveContents.keys(storage, root).stream()
                        .filter(k -> k.contains(topic + "-0-"))
                        .sorted()
                        .toList();
        StorageLocation victim = null;
        for (int i = 0; i < partition0.size() && victim == null; i++) {
            StorageLocation candidate = root.resolve(partition0.get(i));
            Map<String, String> meta = storage.stat(candidate).orElseThrow().metadata();
            if (ArchiveMetadata.range(meta).orElseThrow().objects() > 1
                    || (i > 0 && i < partition0.size() - 1)) {
                victim = candidate;
            }
        }
        assertThat(victim).as("an object whose loss shows, in %s", partition0).isNotNull();
        List<Long> held = new ArrayList<>();
        try (var reader = dev.archiver.verify.ArchiveFiles.load().open(storage, victim)) {
            ArchiveRecord r;
            while ((r = reader.read()) != null) {
                held.add(r.offset());
            }
        }
        storage.delete(victim);
        VerificationReport broken = verifyArchiveOnly();
        assertThat(broken.ok()).as(broken.summary()).isFalse();
        assertThat(broken.gaps()).as(broken.summary()).isGreaterThanOrEqualTo(held.size());
        assertThat(broken.records()).isEqualTo(delivered - held.size());
        var lost =
                broken.partitions().stream()
                        .filter(p -> p.partition().partition() == 0)
                        .findFirst()
                        .orElseThrow()
                        .gaps();
        assertThat(held)
                .as(broken.summary())
                .allSatisfy(
                        o ->
                                assertThat(lost)
                                        .anySatisfy(
                                                r -> {
                                                    assertThat(r.from()).isLessThanOrEqualTo(o);
                                                    assertThat(r.to()).isGreaterThanOrEqualTo(o);
                                                }));
    }
}
