package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverStats;
import dev.archiver.config.Settings;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end benchmark: one broker in a child JVM, a fixed data set per partition count, a plain
 * {@link KafkaConsumer} draining it as the yardstick, then the archiver draining the same topic to
 * a {@code file://} archive and/or an S3 emulator in another child JVM for every store, format and
 * codec, until every offset is committed. Prints a table and writes {@code results.csv}, {@code
 * results.txt} and {@code results.png} into the output directory.
 */
public final class Benchmark {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

    private final BenchmarkOptions options;
    private final PrintStream log;

    public Benchmark(BenchmarkOptions options, PrintStream log) {
        this.options = requireNonNull(options, "options is null");
        this.log = requireNonNull(log, "log is null");
    }

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new Benchmark(options, System.out).run();
    }

    /** Runs the whole matrix and writes the outputs; returns every result, consumer rows first. */
    public List<BenchmarkResult> run() throws Exception {
        Files.createDirectories(options.out());
        Path work = Files.createTempDirectory("archiver-bench");
        List<BenchmarkResult> results = new ArrayList<>();
        log.printf(
                "benchmark: %,d records of ~%d B, partitions %s, cells %s, verify %s%n",
                options.records(),
                options.recordSize(),
                options.partitions(),
                options.cells(),
                options.verify());
        S3ProxyProcess s3 = null;
        try (BrokerProcess broker =
                        BrokerProcess.start(
                                options.brokerHeap(), options.out().resolve("broker.log"));
                Admin admin = admin(broker.bootstrapServers())) {
            log.printf(
                    "broker pid %d at %s (separate JVM)%n",
                    broker.pid(), broker.bootstrapServers());
            if (options.stores().contains("s3")) {
                s3 =
                        S3ProxyProcess.start(
                                options.s3proxyHeap(), options.out().resolve("s3proxy.log"));
                log.printf("S3Proxy pid %d at %s (separate JVM)%n", s3.pid(), s3.endpoint());
            }
            if (options.warmUpRecords() > 0) {
                warmUp(broker.bootstrapServers(), admin, work, s3);
            }
            for (int partitions : options.partitions()) {
                String topic = "bench-p" + partitions + "-" + shortId();
                createTopic(admin, topic, partitions);
                long bytes =
                        produce(broker.bootstrapServers(), topic, partitions, options.records());
                // the first drain warms up the JIT and the broker's page cache; the second counts
                BenchmarkResult warmUp =
                        measureConsumer(
                                broker.bootstrapServers(),
                                topic,
                                partitions,
                                options.records(),
                                bytes);
                log.printf(
                        "consumer warm-up: %.0f records/s (not reported)%n",
                        warmUp.recordsPerSecond());
                BenchmarkResult yardstick =
                        measureConsumer(
                                broker.bootstrapServers(),
                                topic,
                                partitions,
                                options.records(),
                                bytes);
                results.add(yardstick);
                log.println(Report.row(yardstick));
                for (String store : options.stores()) {
                    for (BenchmarkOptions.Cell cell : options.cells()) {
                        BenchmarkResult r =
                                measureArchiver(
                                        broker.bootstrapServers(),
                                        admin,
                                        topic,
                                        partitions,
                                        options.records(),
                                        cell,
                                        store,
                                        s3,
                                        work,
                                        yardstick);
                        results.add(r);
                        log.println(Report.row(r));
                    }
                }
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
            deleteRecursively(work);
        }
        Report.write(results, options, log);
        return List.copyOf(results);
    }

    /**
     * Drains a small separate topic once with every archiver configuration, untimed, so that the
     * measured runs do not pay for the JIT compiling each format's and codec's code.
     */
    private void warmUp(String bootstrap, Admin admin, Path work, S3ProxyProcess s3)
            throws Exception {
        int partitions = Math.min(16, options.partitions().get(0));
        String topic = "bench-warm-up-" + shortId();
        createTopic(admin, topic, partitions);
        long records = options.warmUpRecords();
        long bytes = produce(bootstrap, topic, partitions, records);
        BenchmarkResult yardstick = measureConsumer(bootstrap, topic, partitions, records, bytes);
        long start = System.nanoTime();
        for (String store : options.stores()) {
            for (BenchmarkOptions.Cell cell : options.cells()) {
                measureArchiver(
                        bootstrap,
                        admin,
                        topic,
                        partitions,
                        records,
                        cell,
                        store,
                        s3,
                        work,
                        yardstick);
            }
        }
        log.printf(
                "archiver warm-up: every configuration drained %,d records once in %.1f s (not"
                        + " reported)%n",
                records, (System.nanoTime() - start) / 1e9);
    }

    private long produce(String bootstrap, String topic, int partitions, long count)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        // one request in flight: with more, a first batch refused while a new partition's leader
        // settles is overtaken and the idempotent producer is stuck on OUT_OF_ORDER_SEQUENCE
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        Random random = new Random(42);
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long i = 0; i < count; i++) {
                byte[] key = ("user-" + (i % 10_000)).getBytes(StandardCharsets.UTF_8);
                byte[] value = DataSet.jsonRecord(i, options.recordSize(), random);
                bytes += key.length + value.length;
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                (int) (i % partitions),
                                System.currentTimeMillis(),
                                key,
                                value));
            }
            producer.flush();
        }
        double s = (System.nanoTime() - start) / 1e9;
        log.printf(
                "produced %,d records (%.1f MB) to %s in %.1f s%n", count, bytes / 1e6, topic, s);
        return bytes;
    }

    private BenchmarkResult measureConsumer(
            String bootstrap, String topic, int partitions, long expected, long expectedBytes) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-consumer-" + shortId());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Sample sample = Sample.begin();
        long records = 0;
        long bytes = 0;
        long firstRecordAt = 0;
        long drainedAt;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            while (records < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "plain consumer drained only " + records + " records");
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (records == 0 && !batch.isEmpty()) {
                    firstRecordAt = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + r.value().length;
                }
            }
            drainedAt = System.nanoTime();
            consumer.commitSync();
        }
        Sample.Delta d = sample.end();
        if (bytes != expectedBytes) {
            throw new IllegalStateException(
                    "plain consumer read " + bytes + " bytes, produced " + expectedBytes);
        }
        return new BenchmarkResult(
                "consumer",
                "-",
                "-",
                partitions,
                records,
                bytes,
                d.seconds(),
                1.0,
                d.cpuSeconds(),
                d.peakHeapBytes(),
                d.rssBytes(),
                0,
                0,
                "-",
                (drainedAt - sample.startNanos()) / 1e9,
                "-",
                d.liveHeapBytes(),
                "-",
                (firstRecordAt - sample.startNanos()) / 1e9,
                d.seconds() - (drainedAt - sample.startNanos()) / 1e9,
                drainedAt > firstRecordAt ? 1.0 : Double.NaN);
    }

    private BenchmarkResult measureArchiver(
            String bootstrap,
            Admin admin,
            String topic,
            int partitions,
            long records,
            BenchmarkOptions.Cell cell,
            String store,
            S3ProxyProcess s3,
            Path work,
            BenchmarkResult yardstick)
            throws Exception {
        String codec = cell.codec();
        String id =
                cell.format()
                        + "-"
                        + codec.replace(':', 'l')
                        + "-"
                        + store
                        + "-p"
                        + partitions
                        + "-"
                        + shortId();
        Path archive = Files.createDirectories(work.resolve("archive-" + id));
        Path staging = Files.createDirectories(work.resolve("staging-" + id));
        String group = "bench-archiver-" + id;
        Map<String, String> s = new HashMap<>();
        StorageLocation root;
        String bucket = null;
        if (store.equals("s3")) {
            bucket = ("bench-" + shortId()).toLowerCase(java.util.Locale.ROOT);
            s.put("storage.s3.endpoint", s3.endpoint().toString());
            s.put("storage.s3.path-style-access", "true");
            s.put("storage.s3.region", "us-east-1");
            s.put("storage.s3.access-key", S3ProxyProcess.ACCESS_KEY);
            s.put("storage.s3.secret-key", S3ProxyProcess.SECRET_KEY);
            root = StorageLocation.of("s3://" + bucket + "/archive");
            try (S3Client client = s3Client(s3)) {
                String b = bucket;
                client.createBucket(r -> r.bucket(b));
            }
        } else {
            root = StorageLocation.of(archive.toUri().toString());
        }
        Map<String, String> storageSettings = Map.copyOf(s);
        s.put("kafka.consumer.bootstrap.servers", bootstrap);
        s.put("kafka.consumer.group.id", group);
        s.put("topics", topic);
        s.put("storage.uri", root.toString());
        s.put("staging.dir", staging.toString());
        s.put("format", cell.formatName());
        if (cell.parquet()) {
            // parquet compresses its pages itself; an outer codec would be a configuration error
            s.put("codec", "none");
            s.put("format.parquet.compression", codec);
            s.put(
                    "format.parquet.value-columns",
                    cell.mode().equals("raw") ? "raw" : "typed-and-raw");
            if (!cell.mode().equals("raw")) {
                s.put("format.parquet.value-schema", DataSet.AVRO_SCHEMA);
            }
        } else {
            String[] codecAndLevel = codec.split(":", 2);
            s.put("codec", codecAndLevel[0]);
            if (codecAndLevel.length == 2) {
                s.put("codec." + codecAndLevel[0] + ".level", codecAndLevel[1]);
            }
        }
        s.put("upload.max-file-size", options.maxFileSize());
        s.put("upload.max-file-age", options.maxFileAge());
        s.put("consumer.poll-timeout", "200ms");
        Map<TopicPartition, Long> end = endOffsets(admin, topic, partitions);
        Map<TopicPartitionId, Long> endById = new HashMap<>();
        end.forEach(
                (tp, offset) ->
                        endById.put(new TopicPartitionId(tp.topic(), tp.partition()), offset));
        ArchiverProgress progress = new ArchiverProgress(records, endById);
        ArchiverStats stats;
        Sample sample = Sample.begin();
        ArchiverConfig config =
                ArchiverConfig.builder().settings(Settings.of(s)).listener(progress).build();
        Archiver archiver = Archiver.create(config);
        try {
            archiver.start();
            awaitCommitted(id, progress, archiver);
            stats = archiver.stats();
        } finally {
            archiver.close();
        }
        Sample.Delta d = sample.end();
        // the engine reported every end offset committed after counting the batches: these are
        // facts now, not a race with the consumer thread
        if (stats.recordsArchived() != records) {
            throw new IllegalStateException(
                    id + ": archived " + stats.recordsArchived() + " of " + records);
        }
        checkGroupOffsets(id, admin, group, end);
        if (stats.deadLettered() != 0 || stats.skipped() != 0 || stats.filtered() != 0) {
            // e.g. events that do not fit the value schema: not the cell it claims to measure
            throw new IllegalStateException(
                    id
                            + ": "
                            + stats.deadLettered()
                            + " records dead-lettered, "
                            + (stats.skipped() + stats.filtered())
                            + " skipped; every record must be archived as data");
        }
        String verified = "skipped";
        if (options.verify() && !config.format().lossless()) {
            // a lossy format (text) keeps no offsets, so there is nothing to verify
            verified = "lossy";
        } else if (options.verify()) {
            try (ObjectStorage storage =
                    StorageProviders.load().create(root, Settings.of(storageSettings))) {
                VerificationReport report =
                        ArchiveVerifier.builder(storage, root)
                                .compareWithKafka(bootstrap)
                                .build()
                                .verify();
                verified = report.ok() && report.records() == records ? "yes" : "NO";
                if (!verified.equals("yes")) {
                    log.println(id + ": verification failed: " + report.summary());
                }
            }
        }
        deleteRecursively(archive);
        deleteRecursively(staging);
        if (bucket != null) {
            emptyAndDelete(s3, bucket); // S3Proxy keeps objects in its heap
        }
        long start = sample.startNanos();
        double seconds = (progress.committedNanos() - start) / 1e9;
        double joinSeconds = (progress.firstRecordNanos() - start) / 1e9;
        double drainSeconds = (progress.drainedNanos() - start) / 1e9;
        double ratio = (records / seconds) / yardstick.recordsPerSecond();
        double steadyWindow = drainSeconds - joinSeconds;
        double steadyRatio =
                steadyWindow > 0
                        ? (records / steadyWindow) / yardstick.steadyRecordsPerSecond()
                        : Double.NaN;
        return new BenchmarkResult(
                "archiver",
                cell.formatName(),
                codec,
                partitions,
                records,
                yardstick.bytes(),
                seconds,
                ratio,
                d.cpuSeconds(),
                d.peakHeapBytes(),
                d.rssBytes(),
                stats.objectsUploaded(),
                stats.bytesUploaded(),
                verified,
                drainSeconds,
                store,
                d.liveHeapBytes(),
                cell.mode(),
                joinSeconds,
                seconds - drainSeconds,
                steadyRatio);
    }

    private static S3Client s3Client(S3ProxyProcess s3) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)))
                .build();
    }

    private static void emptyAndDelete(S3ProxyProcess s3, String bucket) {
        try (S3Client client = s3Client(s3)) {
            for (var page : client.listObjectsV2Paginator(r -> r.bucket(bucket))) {
                for (var o : page.contents()) {
                    client.deleteObject(r -> r.bucket(bucket).key(o.key()));
                }
            }
            client.deleteBucket(r -> r.bucket(bucket));
        }
    }

    /**
     * Waits until the engine has reported every partition's end offset committed (see {@link
     * ArchiverProgress}), or fails when the archiver fails or the run times out.
     */
    private static void awaitCommitted(String id, ArchiverProgress progress, Archiver archiver)
            throws InterruptedException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (!progress.awaitCommitted(Duration.ofMillis(50))) {
            if (archiver.failure().isPresent()) {
                throw new IllegalStateException(id + ": archiver failed", archiver.failure().get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        id + ": not committed within " + RUN_TIMEOUT + ": " + progress.pending());
            }
        }
    }

    /**
     * Checks through the admin client that the group's committed offsets are the end offsets: the
     * engine reported them committed, so the broker must have them.
     */
    private static void checkGroupOffsets(
            String id, Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
        for (var e : end.entrySet()) {
            OffsetAndMetadata om = committed.get(e.getKey());
            long offset = om == null ? (e.getValue() == 0 ? 0 : -1) : om.offset();
            if (offset != e.getValue()) {
                throw new IllegalStateException(
                        id
                                + ": the engine reported "
                                + e.getKey()
                                + " committed up to "
                                + e.getValue()
                                + ", the broker has "
                                + (om == null ? "no offset" : om.offset()));
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            request.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        for (var e : admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).entrySet()) {
            ListOffsetsResult.ListOffsetsResultInfo info = e.getValue();
            result.put(e.getKey(), info.offset());
        }
        return Map.copyOf(result);
    }

    private static void createTopic(Admin admin, String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                .all()
                .get(120, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            var description =
                    admin.describeTopics(Set.of(topic))
                            .allTopicNames()
                            .get(60, TimeUnit.SECONDS)
                            .get(topic);
            if (description.partitions().size() == partitions
                    && description.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions of " + topic + " have no leader");
            }
            Thread.sleep(100);
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Process CPU, wall time, heap and RSS around one run of this JVM. Heap: the peak of the whole
     * heap's used bytes, sampled every 5 ms (one instant, unlike the sum of the pools' separate
     * peaks), and the largest heap left after any GC during the run (an upper bound of the live
     * set).
     */
    record Sample(long startNanos, long startCpuNanos, HeapWatch heap) {
        record Delta(
                double seconds,
                double cpuSeconds,
                long peakHeapBytes,
                long rssBytes,
                long liveHeapBytes) {}

        static Sample begin() {
            System.gc();
            HeapWatch heap = new HeapWatch();
            return new Sample(System.nanoTime(), processCpuNanos(), heap);
        }

        Delta end() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double cpu = (processCpuNanos() - startCpuNanos) / 1e9;
            heap.close();
            return new Delta(seconds, cpu, heap.peakUsed(), rssBytes(), heap.maxAfterGc());
        }

        private static long processCpuNanos() {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return -1;
        }

        /** VmRSS of this process in bytes, or 0 where /proc is not available. */
        static long rssBytes() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        String kb = line.substring(6).trim().split("\\s+")[0];
                        return Long.parseLong(kb) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return 0;
        }
    }
}
