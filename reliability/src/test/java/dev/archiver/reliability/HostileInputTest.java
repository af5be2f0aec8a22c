package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveFiles;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records through the daemon (a child process) with the {@code json} parser on {@code ts}
 * and the {@code time} partitioner: invalid UTF-8, JSON nested 100,000 deep, a huge JSON document,
 * a 10 MB record, missing timestamps, timestamps far in the past and the future, and values that
 * are not JSON objects, on every partition, followed by good records. Each lands in the archive
 * (under {@code _dead-letter/} when it cannot be parsed), the daemon never fails, no partition is
 * blocked, and the archive holds every offset exactly once.
 */
class HostileInputTest {
    private static final Duration AWAIT = Duration.ofMinutes(3);
    private static final int PARTITIONS = 3;
    private static final int TEN_MB = 10 * 1024 * 1024;

    @TempDir Path dir;

    /** What a hostile record is, and where it must land: true = dead letter, null = either. */
    private record Hostile(String name, byte[] value, Boolean deadLetter) {}

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void hostileRecordsAreArchivedOrDeadLetteredWithoutBlockingAnything() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "hostile-" + id;
        String group = "archiver-" + id;
        kafka.admin()
                .createTopics(
                        List.of(
                                new NewTopic(topic, PARTITIONS, (short) 1)
                                        .configs(
                                                Map.of(
                                                        "max.message.bytes",
                                                        Integer.toString(12 * 1024 * 1024)))))
                .all()
                .get(60, TimeUnit.SECONDS);
        kafka.endOffsets(topic); // waits for the metadata

        List<Hostile> hostile = hostileRecords();
        Path archive = dir.resolve("archive");
        int port = ChildProcessService.freePort();
        Path config = dir.resolve("daemon.yaml");
        Files.writeString(
                config,
                """
                metrics:
                  port: %d
                  bind-address: 127.0.0.1
                  jmx.enabled: false
                shutdown.timeout: 60s
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: %s
                  max.partition.fetch.bytes: 1048576
                topics: %s
                storage.uri: file://%s
                staging.dir: %s
                parser: json
                parser.json:
                  timestamp-field: ts
                  timestamp-format: epoch-millis
                partitioner: time
                upload:
                  max-records: 200
                  max-file-age: 1s
                consumer.poll-timeout: 200ms
                """
                        .formatted(
                                port,
                                kafka.bootstrapServers(),
                                group,
                                topic,
                                archive,
                                dir.resolve("staging")));

        // the hostile records on every partition first, then good ones behind them
        Map<String, List<Long>> offsetsByName = new LinkedHashMap<>();
        long produced = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                kafka.producer(
                        Map.of(
                                "max.request.size",
                                Integer.toString(12 * 1024 * 1024),
                                "buffer.memory",
                                Integer.toString(64 * 1024 * 1024)))) {
            long now = System.currentTimeMillis();
            for (int p = 0; p < PARTITIONS; p++) {
                for (Hostile h : hostile) {
                    RecordMetadata m =
                            producer.send(
                                            new ProducerRecord<>(
                                                    topic,
                                                    p,
                                                    now,
                                                    h.name().getBytes(StandardCharsets.UTF_8),
                                                    h.value()))
                                    .get(60, TimeUnit.SECONDS);
                    offsetsByName
                            .computeIfAbsent(h.name(), k -> new ArrayList<>())
                            .add(key(p, m.offset()));
                    produced++;
                }
            }
        }
        try (DaemonProcess daemon = DaemonProcess.start(config, dir.resolve("run.log"), port)) {
            daemon.awaitReady(AWAIT);
            // good records after the bad ones, on every partition
            produced +=
                    kafka.produce(TestData.stampedNow(TestData.mixed(topic, PARTITIONS, 3_000, 11)))
                            .size();
            ExactlyOnce.awaitCaughtUp(kafka, topic, group, daemon, AWAIT);
            assertThat(daemon.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(daemon.get("/health/ready").statusCode()).isEqualTo(200);
            double deadLetters = daemon.metric("archiver_dead_letters_total");
            assertThat(daemon.stop(Duration.ofSeconds(90)))
                    .as("exit code; log:\n%s", daemon.output())
                    .isZero();
            String log = daemon.output();
            assertThat(log)
                    .doesNotContain("stopped by an error")
                    .doesNotContain("StackOverflowError")
                    .doesNotContain("OutOfMemoryError");

            StorageLocation root = StorageLocation.of("file://" + archive);
            try (ObjectStorage store = StorageProviders.load().create(root, Settings.empty())) {
                VerificationReport report =
                        ExactlyOnce.verifyExactlyOnce(kafka, topic, store, root, produced);
                Map<Long, String> where = locate(store, root);
                Map<String, String> outcome = new TreeMap<>();
                for (Hostile h : hostile) {
                    for (long k : offsetsByName.get(h.name())) {
                        String location = where.get(k);
                        assertThat(location).as("%s at %d archived", h.name(), k).isNotNull();
                        boolean dead = location.startsWith("_dead-letter/");
                        if (h.deadLetter() != null) {
                            assertThat(dead)
                                    .as("%s dead-lettered (found at %s)", h.name(), location)
                                    .isEqualTo(h.deadLetter());
                        }
                        outcome.put(
                                h.name(), dead ? "dead letter" : "archived in " + parent(location));
                    }
                }
                // no partition is blocked: good records behind the hostile ones are archived
                // outside the dead-letter prefix on every partition
                long hostileEnd = hostile.size();
                for (int p = 0; p < PARTITIONS; p++) {
                    long first = key(p, hostileEnd);
                    long last = key(p + 1, 0);
                    assertThat(
                                    where.entrySet().stream()
                                            .filter(e -> e.getKey() >= first && e.getKey() < last)
                                            .filter(e -> !e.getValue().startsWith("_dead-letter/"))
                                            .count())
                            .as("good records archived on partition %d", p)
                            .isPositive();
                }
                long expectedDead =
                        hostile.stream().filter(h -> Boolean.TRUE.equals(h.deadLetter())).count()
                                * PARTITIONS;
                assertThat(report.deadLetters()).isGreaterThanOrEqualTo(expectedDead);
                assertThat((long) deadLetters).isEqualTo(report.deadLetters());
                outcome.forEach((k, v) -> System.out.println("[hostile] " + k + " -> " + v));
                Figures.of("hostile input through the daemon (`HostileInputTest`)")
                        .put("hostile records", hostile.size() * PARTITIONS)
                        .put("dead letters", report.deadLetters())
                        .put("records", report.records())
                        .put(
                                "outcomes",
                                outcome.entrySet().stream()
                                        .map(e -> e.getKey() + ": " + e.getValue())
                                        .collect(Collectors.joining("; ")))
                        .put("lost", report.missingFromArchive() + report.gaps())
                        .put("duplicated", report.duplicates())
                        .record();
            }
        }
    }

    private static List<Hostile> hostileRecords() {
        List<Hostile> list = new ArrayList<>();
        long now = System.currentTimeMillis();
        list.add(
                new Hostile(
                        "invalid UTF-8",
                        concat(
                                "{\"ts\":" + now + ",\"s\":\"",
                                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE},
                                "\"}"),
                        true));
        list.add(
                new Hostile(
                        "nested 100,000 deep",
                        ("{\"ts\":"
                                        + now
                                        + ",\"a\":"
                                        + "[".repeat(100_000)
                                        + "]".repeat(100_000)
                                        + "}")
                                .getBytes(StandardCharsets.UTF_8),
                        true));
        StringBuilder huge = new StringBuilder("{\"ts\":" + now + ",\"items\":[");
        for (int i = 0; i < 400_000; i++) {
            huge.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append('}');
        }
        list.add(
                new Hostile(
                        "huge JSON (400,000 objects)",
                        huge.append("]}").toString().getBytes(StandardCharsets.UTF_8),
                        false));
        list.add(
                new Hostile(
                        "10 MB JSON record",
                        ("{\"ts\":" + now + ",\"blob\":\"" + "x".repeat(TEN_MB) + "\"}")
                                .getBytes(StandardCharsets.UTF_8),
                        false));
        byte[] binary = new byte[TEN_MB];
        new java.util.Random(7).nextBytes(binary);
        list.add(new Hostile("10 MB binary record", binary, true));
        list.add(
                new Hostile(
                        "no timestamp field", "{\"x\":1}".getBytes(StandardCharsets.UTF_8), false));
        list.add(
                new Hostile(
                        "timestamp year 1",
                        "{\"ts\":-62135596800000}".getBytes(StandardCharsets.UTF_8),
                        false));
        list.add(
                new Hostile(
                        "timestamp Long.MIN_VALUE",
                        ("{\"ts\":" + Long.MIN_VALUE + "}").getBytes(StandardCharsets.UTF_8),
                        true));
        list.add(
                new Hostile(
                        "timestamp year 292,278,994 (Long.MAX_VALUE ms)",
                        ("{\"ts\":" + Long.MAX_VALUE + "}").getBytes(StandardCharsets.UTF_8),
                        true));
        list.add(
                new Hostile(
                        "timestamp 1e300",
                        "{\"ts\":1e300}".getBytes(StandardCharsets.UTF_8),
                        true));
        list.add(
                new Hostile(
                        "timestamp as text",
                        "{\"ts\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8),
                        true));
        list.add(new Hostile("JSON array", "[1,2,3]".getBytes(StandardCharsets.UTF_8), true));
        list.add(
                new Hostile(
                        "trailing garbage",
                        ("{\"ts\":" + now + "} {").getBytes(StandardCharsets.UTF_8),
                        true));
        // no payload, like a tombstone: archived as it is (JsonParser)
        list.add(new Hostile("empty value", new byte[0], false));
        list.add(new Hostile("tombstone", null, false));
        return list;
    }

    /** Where each record is: topic-partition-offset key to the object's path under the root. */
    private static Map<Long, String> locate(ObjectStorage store, StorageLocation root)
            throws Exception {
        ArchiveFiles files = ArchiveFiles.load();
        Map<Long, String> where = new TreeMap<>();
        List<ObjectInfo> objects;
        try (var s = store.list(root)) {
            // the archiver's own objects (intents) are not archive data
            objects =
                    s.filter(
                                    o ->
                                            !o.location()
                                                    .relativeTo(root)
                                                    .startsWith(ArchiveVerifier.RESERVED_PREFIX))
                            .toList();
        }
        for (ObjectInfo o : objects) {
            try (RecordReader reader = files.open(store, o.location())) {
                ArchiveRecord r;
                while ((r = reader.read()) != null) {
                    where.put(key(r.partition(), r.offset()), o.location().relativeTo(root));
                }
            }
        }
        return where;
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static byte[] concat(String a, byte[] b, String c) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = c.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + b.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(b, 0, out, x.length, b.length);
        System.arraycopy(z, 0, out, x.length + b.length, z.length);
        return out;
    }
}
