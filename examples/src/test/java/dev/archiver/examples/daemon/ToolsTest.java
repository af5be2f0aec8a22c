package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify}, {@code cat} and {@code restore} on one real archive: a topic with every record
 * shape, archived in 15-minute buckets of record time so that objects of one batch overlap in
 * offsets. This class runs on the default format (jsonl, JSON payloads kept as JSON) with gzip;
 * subclasses run the same tools on other formats.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ToolsTest {
    private static final int RECORDS = 3_000;

    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String topic;
    private Path archive;

    @BeforeAll
    void archiveATopic() throws Exception {
        kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "tools-" + id;
        archive = dir.resolve("archive");
        kafka.createTopic(topic, 3);
        long base = System.currentTimeMillis() - RECORDS * 1000L;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int i = 0;
        for (ProducerRecord<byte[], byte[]> r : TestData.mixed(topic, 3, RECORDS, 11)) {
            records.add(
                    new ProducerRecord<>(
                            r.topic(),
                            r.partition(),
                            base + 1000L * i++,
                            r.key(),
                            r.value(),
                            r.headers()));
        }
        kafka.produce(records);
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", "archiver-" + id);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve("staging").toString());
        s.put("partitioner", "time");
        s.put("partitioner.time.pattern", "'dt='yyyy-MM-dd'/hr='HH'/min='mm");
        s.put("partitioner.time.bucket", "15m");
        s.put("format", format());
        s.put("codec", codec());
        s.put("upload.max-records", "700");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (admin.uncommitted("archiver-" + id, topic) > 0) {
                assertThat(a.failure()).isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** The {@code format} of the archive. */
    protected String format() {
        return "jsonl";
    }

    /** The {@code codec} of the archive. */
    protected String codec() {
        return "gzip";
    }

    /** How the names of the archive's objects end. */
    protected String objectSuffix() {
        return ".jsonl.gz";
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArchiverCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Order(1)
    void verifyProvesTheArchiveComplete() {
        Run r =
                cli(
                        "verify",
                        archive.toString(),
                        "--topic",
                        topic,
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("partition")
                .contains(topic + "-0")
                .contains("OK: " + RECORDS + " records")
                .contains("0 Kafka records missing from the archive");
        assertThat(r.err()).contains("objects").contains("records");
    }

    @Test
    @Order(2)
    void catPrintsRecordsReadablyAndAsJson() throws Exception {
        Run text = cli("cat", archive.toString(), "--limit", "20");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out())
                .contains("==> file://" + archive)
                .contains(topic + "-")
                .contains(" @ ")
                .contains("key:     ")
                .contains("\"user\" : ")
                .contains("headers: trace=\"t-");

        Run json = cli("cat", archive.toString(), "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        String[] lines = json.out().split("\n");
        assertThat(lines).hasSize(RECORDS);
        ObjectMapper m = new ObjectMapper();
        boolean sawBinary = false;
        boolean sawTombstone = false;
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            assertThat(n.get("topic").asText()).isEqualTo(topic);
            sawBinary |= n.has("value_base64");
            sawTombstone |= n.has("value") && n.get("value").isNull();
        }
        assertThat(sawBinary).isTrue();
        assertThat(sawTombstone).isTrue();
    }

    @Test
    @Order(3)
    void restoreRoundTripPreservesKeysValuesHeadersTimestampsAndPartitions() throws Exception {
        String target = topic + "-restored";
        Run r =
                cli(
                        "restore",
                        archive.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--to-topic",
                        target,
                        "--create-topic");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("OK: 3,000 records written to " + target);

        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> original = consume(topic);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> restored = consume(target);
        assertThat(restored.keySet()).isEqualTo(original.keySet());
        for (int p : original.keySet()) {
            List<ConsumerRecord<byte[], byte[]>> a = original.get(p);
            List<ConsumerRecord<byte[], byte[]>> b = restored.get(p);
            assertThat(b).as("partition %d", p).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                ConsumerRecord<byte[], byte[]> x = a.get(i);
                ConsumerRecord<byte[], byte[]> y = b.get(i);
                String at = "partition " + p + " record " + i;
                assertThat(y.key()).as(at).isEqualTo(x.key());
                assertThat(y.value()).as(at).isEqualTo(x.value());
                assertThat(y.timestamp()).as(at).isEqualTo(x.timestamp());
                assertThat(headers(y)).as(at).isEqualTo(headers(x));
            }
        }
    }

    @Test
    @Order(4)
    void dryRunWritesNothingAndHonoursTheRange() {
        String target = topic + "-dry";
        Run r =
                cli(
                        "restore",
                        archive.toString(),
                        "-b",
                        kafka.bootstrapServers(),
                        "-t",
                        topic,
                        "--to-topic",
                        target,
                        "--from",
                        "100",
                        "--to",
                        "200",
                        "--dry-run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("DRY RUN: 300 records would be written to " + target);
        try (KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            assertThat(KafkaAdmin.get(admin.admin().listTopics().names())).doesNotContain(target);
        }
    }

    @Test
    @Order(0)
    void objectsAreNamedByFormatAndCodec() throws Exception {
        List<Path> objects;
        try (var files = Files.walk(archive)) {
            // the archiver's own objects (_archiver/: intents) are not archive data
            objects =
                    files.filter(Files::isRegularFile)
                            .filter(f -> !archive.relativize(f).startsWith("_archiver"))
                            .toList();
        }
        assertThat(objects)
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.getFileName().toString()).endsWith(objectSuffix()));
    }

    @Test
    @Order(5)
    void verifyFailsWhenAnObjectIsMissing() throws Exception {
        Path victim;
        try (var files = Files.walk(archive)) {
            victim =
                    files.filter(f -> f.toString().endsWith(objectSuffix()))
                            .findFirst()
                            .orElseThrow();
        }
        Files.delete(victim);
        Run r = cli("verify", archive.toString(), "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED").contains("missing offsets: [");
    }

    private static List<String> headers(ConsumerRecord<byte[], byte[]> r) {
        List<String> out = new ArrayList<>();
        for (Header h : r.headers()) {
            out.add(h.key() + "=" + (h.value() == null ? "null" : Arrays.toString(h.value())));
        }
        return out;
    }

    private Map<Integer, List<ConsumerRecord<byte[], byte[]>>> consume(String t) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> out = new TreeMap<>();
        Map<TopicPartition, Long> end = kafka.endOffsets(t);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.assign(end.keySet());
            c.seekToBeginning(end.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (end.keySet().stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        return out;
    }
}
