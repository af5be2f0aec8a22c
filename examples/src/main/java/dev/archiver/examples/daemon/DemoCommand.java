package dev.archiver.examples.daemon;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverConfigBuilder;
import dev.archiver.ArchiverListener;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code archiver demo}: an in-process Kafka broker, a stream of page-view events, the archiver
 * with the {@code time} partitioner on the events' own timestamps, a tree of what it wrote and the
 * verifier's verdict.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts an in-process Kafka broker, produces page-view events over several partitions,"
                    + " archives them partitioned by event hour into the directory archive-demo, then prints what"
                    + " it wrote and the verifier's verdict.",
            "Exit code 0 when the verifier proves every record archived exactly once."
        })
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_DIR = "archive-demo";

    @Spec CommandSpec spec;

    @Option(
            names = "--records",
            defaultValue = "50000",
            description = "Events to produce (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of the topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--topic",
            defaultValue = "page-views",
            description = "Topic name (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--format",
            defaultValue = "jsonl",
            description =
                    "File format: jsonl, avro (typed values of the page views, raw bytes kept),"
                            + " text, parquet (typed columns of the page views)"
                            + " or a plug-in (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--codec",
            defaultValue = "none",
            description =
                    "Compression: none, gzip, zstd, snappy, lz4; with parquet its page codec: none,"
                            + " snappy, gzip, zstd (default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(
            names = "--storage",
            paramLabel = "URI",
            description =
                    "Where to archive: a directory or any store URI such as s3://bucket/demo"
                            + " (default: ./"
                            + DEFAULT_DIR
                            + ").")
    String storage;

    @Option(
            names = "--clean",
            description =
                    "Delete what the storage location holds first (always done for the default"
                            + " ./"
                            + DEFAULT_DIR
                            + ").")
    boolean clean;

    @Option(
            names = "--bootstrap-servers",
            description = "Use this Kafka cluster instead of starting one in-process.")
    String bootstrapServers;

    @Option(
            names = "--keep-running",
            description =
                    "After the first batch, keep producing (--rate events/s) and archiving until"
                            + " Ctrl-C, serving metrics on --metrics-port; then verify.")
    boolean keepRunning;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "Events per second with --keep-running (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--metrics-port",
            defaultValue = "9400",
            description =
                    "Prometheus /metrics port with --keep-running; 0 = off (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--timeout",
            defaultValue = "5m",
            description =
                    "How long to wait for the archive to catch up (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Mixin StorageOptions storageOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration wait = Settings.parseDuration("--timeout", timeout);
        boolean defaultStorage = storage == null;
        StorageLocation root = StorageOptions.location(defaultStorage ? DEFAULT_DIR : storage);
        DemoBroker broker = null;
        String servers = bootstrapServers;
        if (servers == null) {
            out.println("Starting an in-process Kafka broker ...");
            out.flush();
            broker = DemoBroker.start();
            servers = broker.bootstrapServers();
        }
        try {
            return run(out, servers, root, defaultStorage, wait);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private int run(
            PrintWriter out,
            String servers,
            StorageLocation root,
            boolean defaultStorage,
            Duration wait)
            throws Exception {
        out.println("Kafka:    " + servers);
        out.println("Archive:  " + root + "  (format " + format + ", codec " + codec + ")");
        Path staging = Files.createTempDirectory("archiver-demo-staging");
        String group = "archiver-demo-" + UUID.randomUUID().toString().substring(0, 8);
        try (ObjectStorage store = storageOptions.open(root);
                KafkaAdmin admin = KafkaAdmin.create(servers)) {
            prepare(out, store, root, defaultStorage || clean);
            createTopic(admin);
            Instant start = Instant.now().minus(Duration.ofHours(4)).truncatedTo(ChronoUnit.HOURS);
            DemoEvents events =
                    new DemoEvents(topic, start, Duration.ofHours(4), records, 20261124L);
            out.printf(
                    "Producing %,d page-view events to '%s' (%d partitions), event time %s .. %s%n",
                    records, topic, partitions, start, start.plus(Duration.ofHours(4)));
            out.flush();
            DemoProducer.Result first;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(DemoProducer.settings(servers))) {
                DemoProducer sends = DemoProducer.of(producer);
                for (long i = 0; i < records; i++) {
                    sends.send(events.event(i));
                }
                first = sends.finish();
            }
            long produced = reportProduced(out, first);
            ArchiverMetrics metrics = keepRunning ? new ArchiverMetrics(Map.of()) : null;
            MetricsServer server = null;
            Map<String, String> settings = settings(servers, group, root, staging);
            ArchiverConfigBuilder cb = ArchiverConfig.builder().settings(Settings.of(settings));
            ArchiverListener listener =
                    metrics == null ? ArchiverListener.NONE : metrics.listenerFor("demo");
            cb.listener(listener);
            try (Archiver archiver = Archiver.create(cb.build())) {
                if (metrics != null) {
                    metrics.bind("demo", archiver, archiver.config().consumerProperties());
                    if (metricsPort > 0) {
                        server = MetricsServer.start("0.0.0.0", metricsPort, metrics);
                        out.println("Metrics:  http://localhost:" + server.port() + "/metrics");
                    }
                }
                out.println("Archiving (group " + group + ") ...");
                out.flush();
                archiver.start();
                awaitArchived(out, admin, archiver, group, wait);
                if (keepRunning) {
                    produced +=
                            reportProduced(
                                    out, keepProducing(out, servers, admin, archiver, group));
                    awaitArchived(out, admin, archiver, group, wait);
                }
            } finally {
                if (server != null) {
                    server.close();
                }
                if (metrics != null) {
                    metrics.close();
                }
            }
            out.println();
            new ArchiveTree(4).print(out, root.toString(), ArchiveTree.list(store, root));
            out.println();
            out.println("Verifying the archive against Kafka ...");
            out.flush();
            VerificationReport report =
                    ArchiveVerifier.builder(store, root)
                            .topics(Set.of(topic))
                            .compareWithKafka(servers)
                            .build()
                            .verify();
            out.println(report.summary());
            out.println();
            long inKafka = recordsInKafka(admin);
            if (report.ok() && report.records() == inKafka && inKafka >= produced) {
                out.printf("Verified: all %,d records archived exactly once.", inKafka);
                if (inKafka > produced) {
                    out.printf(
                            " (Kafka holds %,d more than it acknowledged: sends reported as failed"
                                    + " above that landed after all.)",
                            inKafka - produced);
                }
                out.printf(
                        " Try:%n  java -jar examples/target/archiver.jar cat %s --limit 3%n",
                        firstObject(store, root));
                return 0;
            }
            out.printf(
                    "NOT verified: Kafka acknowledged %,d records and holds %,d; the archive"
                            + " holds %,d%n",
                    produced, inKafka, report.records());
            return 1;
        } finally {
            deleteRecursively(staging);
        }
    }

    private Map<String, String> settings(
            String servers, String group, StorageLocation root, Path staging) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.consumer.bootstrap.servers", servers);
        s.put("kafka.consumer.group.id", group);
        s.put("topics", topic);
        s.put("storage.uri", root.toString());
        s.putAll(storageOptions.settings);
        s.put("format", format);
        s.put("codec", codec);
        if (format.equals("avro")) {
            // the value as a record of the events' schema, raw bytes kept (lossless)
            s.put("format.avro.value-schema", PageViewSchema.AVRO);
        }
        if (format.equals("parquet")) {
            // typed columns from the events' schema, raw bytes kept (lossless); parquet
            // compresses its pages itself
            s.put("format.parquet.value-schema", PageViewSchema.AVRO);
            s.put("format.parquet.compression", codec);
            s.put("codec", "none");
        }
        s.put("parser", "json");
        s.put("parser.json.timestamp-field", "event_time");
        s.put("parser.json.timestamp-format", "iso-8601");
        s.put("partitioner", "time");
        s.put("partitioner.time.pattern", "'dt='yyyy-MM-dd'/hr='HH");
        s.put("upload.max-records", "5000");
        // a short age so the first batch lands quickly; longer when running on, for fewer objects
        s.put("upload.max-file-age", keepRunning ? "15s" : "2s");
        s.put("consumer.poll-timeout", "200ms");
        s.put("staging.dir", staging.toString());
        return s;
    }

    private void prepare(PrintWriter out, ObjectStorage store, StorageLocation root, boolean wipe)
            throws IOException {
        List<StorageLocation> existing;
        try (Stream<ObjectInfo> s = store.list(root)) {
            existing = s.map(ObjectInfo::location).toList();
        }
        if (existing.isEmpty()) {
            return;
        }
        if (!wipe) {
            throw new CliException(
                    root
                            + " already holds "
                            + existing.size()
                            + " objects; pass --clean to delete them first, or choose another"
                            + " --storage");
        }
        out.printf("Removing %,d objects of an earlier demo run from %s%n", existing.size(), root);
        store.deleteAll(existing);
    }

    private void createTopic(KafkaAdmin admin) throws InterruptedException {
        try {
            KafkaAdmin.get(
                    admin.admin()
                            .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                            .all());
            awaitLeaders(admin);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new CliException(
                        "Topic '"
                                + topic
                                + "' already exists on this cluster; choose another with --topic");
            }
            throw e;
        }
    }

    /**
     * A new topic's partitions answer produce requests only once each has a leader; the first
     * batches wait less, and are refused less, when the demo waits for that first.
     */
    private void awaitLeaders(KafkaAdmin admin) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                var d = KafkaAdmin.get(admin.admin().describeTopics(Set.of(topic)).allTopicNames());
                var description = d.get(topic);
                if (description.partitions().size() == partitions
                        && description.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(
                        "The partitions of '" + topic + "' have no leader after 60s");
            }
            Thread.sleep(50);
        }
    }

    /** Prints what Kafka did not take and returns what it acknowledged. */
    private static long reportProduced(PrintWriter out, DemoProducer.Result result) {
        if (result.resent() > 0) {
            out.printf(
                    "  %,d sends failed with a retriable error and were sent again%n",
                    result.resent());
        }
        List<DemoProducer.Failure> failures = result.failures();
        if (!failures.isEmpty()) {
            out.printf(
                    "  %,d records were NOT acknowledged by Kafka and are not counted:%n",
                    failures.size());
            failures.stream().limit(5).forEach(f -> out.println("    " + f.describe()));
            if (failures.size() > 5) {
                out.printf("    ... and %,d more%n", failures.size() - 5);
            }
        }
        out.printf("  %,d records acknowledged by Kafka%n", result.acknowledged());
        out.flush();
        return result.acknowledged();
    }

    /** The topic is new, so what Kafka holds is the sum of its end offsets. */
    private long recordsInKafka(KafkaAdmin admin) {
        return admin.endOffsets(admin.partitions(topic)).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private DemoProducer.Result keepProducing(
            PrintWriter out, String servers, KafkaAdmin admin, Archiver archiver, String group)
            throws InterruptedException {
        Signals signals = Signals.install();
        out.printf(
                "Producing %d events/s and archiving until Ctrl-C or SIGTERM (status every 10 s) ...%n",
                rate);
        out.flush();
        DemoEvents live = new DemoEvents(topic, Instant.now(), Duration.ZERO, 1, 42L);
        long sent = 0;
        long next = System.nanoTime();
        long lastStatus = System.nanoTime();
        DemoProducer.Result result;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(DemoProducer.settings(servers))) {
            DemoProducer sends = DemoProducer.of(producer);
            while (!signals.stopRequested()) {
                var r = live.event(sent);
                sends.send(
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                r.topic(),
                                null,
                                System.currentTimeMillis(),
                                r.key(),
                                r.value().length == 0 ? r.value() : live(r.value()),
                                r.headers()));
                sent++;
                next += 1_000_000_000L / Math.max(1, rate);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    signals.awaitStop(sleep / 1_000_000);
                }
                if (System.nanoTime() - lastStatus > 10_000_000_000L) {
                    lastStatus = System.nanoTime();
                    var st = archiver.stats();
                    out.printf(
                            "  consumed %,d  archived %,d  objects %,d  staged %s  behind %,d%n",
                            st.recordsConsumed(),
                            st.recordsArchived(),
                            st.objectsUploaded(),
                            ArchiveTree.bytes(st.stagedBytes()),
                            admin.uncommitted(group, topic));
                    out.flush();
                }
            }
            result = sends.finish();
        }
        out.println("Stopped producing; waiting for the archive to catch up ...");
        out.flush();
        return result;
    }

    /** Live events carry the current time as their event time. */
    private static byte[] live(byte[] json) {
        String s = new String(json, java.nio.charset.StandardCharsets.UTF_8);
        return s.replaceFirst(
                        "\"event_time\":\"[^\"]*\"", "\"event_time\":\"" + Instant.now() + "\"")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void awaitArchived(
            PrintWriter out, KafkaAdmin admin, Archiver archiver, String group, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long lastPrinted = -1;
        while (true) {
            if (archiver.failure().isPresent()) {
                throw new CliException(
                        "The archiver failed: " + archiver.failure().get(),
                        archiver.failure().get());
            }
            long behind = admin.uncommitted(group, topic);
            if (behind != lastPrinted) {
                out.printf("  %,d records not yet committed%n", behind);
                out.flush();
                lastPrinted = behind;
            }
            if (behind == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(
                        "The archive did not catch up within "
                                + Settings.formatDuration(wait)
                                + ": "
                                + behind
                                + " records behind");
            }
            Thread.sleep(500);
        }
    }

    private static String firstObject(ObjectStorage store, StorageLocation root)
            throws IOException {
        try (Stream<ObjectInfo> s = store.list(root)) {
            return s.map(o -> o.location().toString()).findFirst().orElse(root.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory; best effort
        }
    }
}
