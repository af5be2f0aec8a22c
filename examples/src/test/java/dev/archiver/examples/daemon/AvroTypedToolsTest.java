package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.PageViews;
import dev.archiver.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code format=avro} with a value schema, end to end on {@code file://}: a typed-and-raw archive
 * holds every record exactly once (values that do not fit in the dead letters), Avro's own {@link
 * DataFileReader} reads the typed fields, and {@code verify}, {@code cat} and {@code restore} work
 * on it; a typed-only archive is shown by {@code cat} and refused by {@code verify} and {@code
 * restore}, which say why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroTypedToolsTest {
    private static final int RECORDS = 1_500;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String topic;
    private Path archive;
    private final List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
    private List<RecordMetadata> metadata;
    private final List<Integer> bad = new ArrayList<>();

    @BeforeAll
    void archiveATopic() throws Exception {
        kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "avro-typed-" + id;
        archive = dir.resolve("archive");
        kafka.createTopic(topic, 3);
        Random random = new Random(5);
        for (int i = 0; i < RECORDS; i++) {
            byte[] value;
            if (i % 53 == 7) {
                value = "not json {".getBytes(StandardCharsets.UTF_8);
                bad.add(i);
            } else if (i % 53 == 30) {
                value =
                        "{\"user\":\"u\",\"duration_ms\":\"slow\",\"at\":0}"
                                .getBytes(StandardCharsets.UTF_8);
                bad.add(i);
            } else if (i % 101 == 3) {
                value = null; // a tombstone: a null typed value, a null raw value
            } else {
                value = PageViews.jsonBytes(i, random);
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
            produced.add(
                    new ProducerRecord<>(
                            topic,
                            i % 3,
                            TestData.BASE_TIMESTAMP + i * 1_000L,
                            i % 10 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8),
                            value,
                            headers));
        }
        metadata = kafka.produce(produced);
        archive(topic, archive, Map.of(), 2);
    }

    private void archive(String t, Path root, Map<String, String> extra, int threads)
            throws Exception {
        String group = "archiver-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("topics", t);
        s.put("storage.uri", "file://" + root);
        s.put("staging.dir", dir.resolve("staging-" + group).toString());
        s.put("format", "avro");
        s.put("format.avro.value-schema", PageViews.SCHEMA);
        s.put("codec", "zstd");
        s.put("partitioner", "time");
        s.put("upload.max-records", "300");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        s.put("consumer.threads", Integer.toString(threads));
        s.putAll(extra);
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (admin.uncommitted(group, t) > 0) {
                assertThat(a.failure()).isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArchiverCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private List<Path> avroFiles(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".avro")).sorted().toList();
        }
    }

    @Test
    void everyRecordIsArchivedExactlyOnceAndVerifies() throws Exception {
        StorageLocation root = StorageLocation.of(archive.toUri().toString());
        try (ObjectStorage storage = StorageProviders.load().create(root, Settings.empty())) {
            // the typed archive's raw bytes and the dead letters, together: every record once
            assertThat(ArchiveContents.readAll(storage, root, null))
                    .isEqualTo(ArchiveContents.expected(produced, metadata));
            List<ArchiveRecord> deadLetters =
                    ArchiveContents.readAll(storage, root.resolve("_dead-letter"), null);
            assertThat(deadLetters)
                    .extracting(ArchiveRecord::value)
                    .containsExactlyInAnyOrderElementsOf(
                            bad.stream().map(i -> produced.get(i).value()).toList());
        }
        String reasons;
        try (Stream<Path> paths = Files.walk(archive.resolve("_dead-letter"))) {
            StringBuilder b = new StringBuilder();
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                assertThat(p.getFileName().toString()).endsWith(".jsonl");
                b.append(Files.readString(p));
            }
            reasons = b.toString();
        }
        assertThat(reasons)
                .contains("value is not one JSON document")
                .contains(
                        "value does not fit schema demo.PageView: $.duration_ms: expected long,"
                                + " found a string");

        Run verify =
                cli(
                        "verify",
                        archive.toString(),
                        "--topic",
                        topic,
                        "--bootstrap-servers",
                        kafka.bootstrapServers());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out())
                .contains("OK: " + RECORDS + " records")
                .contains("0 Kafka records missing from the archive");
    }

    @Test
    void avrosOwnReaderReadsTypedFieldsWithTheirTypes() throws Exception {
        Map<String, byte[]> byPosition = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            byPosition.put(
                    metadata.get(i).partition() + "/" + metadata.get(i).offset(),
                    produced.get(i).value());
        }
        List<Path> files = avroFiles(archive.resolve(topic));
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        long rows = 0;
        long typed = 0;
        for (Path file : files) {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getMetaString("avro.codec")).isEqualTo("zstandard");
                Schema value = reader.getSchema().getField("value").schema().getTypes().get(1);
                assertThat(value.getFullName()).isEqualTo("demo.PageView");
                assertThat(value.getField("at").schema().getLogicalType())
                        .isEqualTo(LogicalTypes.timestampMillis());
                for (GenericRecord r : reader) {
                    rows++;
                    byte[] original = byPosition.get(r.get("partition") + "/" + r.get("offset"));
                    assertThat(bytes(r.get("raw_value"))).isEqualTo(original);
                    GenericRecord v = (GenericRecord) r.get("value");
                    if (original == null) {
                        assertThat(v).isNull();
                        continue;
                    }
                    typed++;
                    JsonNode json = MAPPER.readTree(original);
                    assertThat(v.get("user").toString()).isEqualTo(json.get("user").asText());
                    assertThat(v.get("duration_ms"))
                            .isInstanceOf(Long.class)
                            .isEqualTo(json.get("duration_ms").asLong());
                    assertThat(v.get("at")).isEqualTo(json.get("at").asLong());
                    assertThat(v.get("country") == null ? null : v.get("country").toString())
                            .isEqualTo(
                                    json.get("country").isNull()
                                            ? null
                                            : json.get("country").asText());
                    assertThat((List<?>) v.get("tags")).hasSize(json.get("tags").size());
                    GenericRecord device = (GenericRecord) v.get("device");
                    if (json.has("device")) {
                        assertThat(device.get("version"))
                                .isInstanceOf(Integer.class)
                                .isEqualTo(json.get("device").get("version").asInt());
                    } else {
                        assertThat(device).isNull();
                    }
                }
            }
        }
        long tombstones = produced.stream().filter(p -> p.value() == null).count();
        assertThat(rows).isEqualTo(RECORDS - bad.size());
        assertThat(typed).isEqualTo(RECORDS - bad.size() - tombstones);
    }

    @Test
    void demoWritesTypedAvroThatAvrosReaderReads() throws Exception {
        Path demo = dir.resolve("archive-demo");
        Run r =
                cli(
                        "demo",
                        "--records",
                        "2000",
                        "--format",
                        "avro",
                        "--codec",
                        "zstd",
                        "--storage",
                        demo.toString());
        java.util.regex.Matcher ok =
                java.util.regex.Pattern.compile(
                                "OK: (\\d+) records in \\d+ objects, 0 duplicated, 0 missing offsets,"
                                        + " 0 Kafka records missing from the archive")
                        .matcher(r.out());
        assertThat(ok.find()).as("stdout:\n%s\nstderr:\n%s", r.out(), r.err()).isTrue();
        long archived = Long.parseLong(ok.group(1));
        long rows = 0;
        for (Path file : avroFiles(demo.resolve("page-views"))) {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getMetaString("avro.codec")).isEqualTo("zstandard");
                for (GenericRecord rec : reader) {
                    GenericRecord v = (GenericRecord) rec.get("value");
                    JsonNode json = MAPPER.readTree(bytes(rec.get("raw_value")));
                    assertThat(v.get("country").toString())
                            .matches("[A-Z]{2}")
                            .isEqualTo(json.get("country").asText());
                    assertThat(v.get("duration_ms"))
                            .isInstanceOf(Integer.class)
                            .isEqualTo(json.get("duration_ms").asInt());
                    assertThat(v.get("event_time"))
                            .isEqualTo(
                                    java.time.Instant.parse(json.get("event_time").asText())
                                            .toEpochMilli());
                    rows++;
                }
            }
        }
        assertThat(rows).isEqualTo(archived).isGreaterThan(1_000);
    }

    @Test
    void catAndRestoreWorkOnTheTypedAndRawArchive() throws Exception {
        Run json = cli("cat", archive.resolve(topic).toString(), "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        String[] lines = json.out().split("\n");
        assertThat(lines).hasSize(RECORDS - bad.size());
        JsonNode first = MAPPER.readTree(lines[0]);
        assertThat(first.get("topic").asText()).isEqualTo(topic);

        String target = topic + "-restored";
        Run restore =
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
        assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
        // the dead letters are records of the topic too: all of them come back
        assertThat(restore.out()).contains("OK: 1,500 records written to " + target);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> original = consume(topic);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> restored = consume(target);
        assertThat(restored.keySet()).isEqualTo(original.keySet());
        for (int p : original.keySet()) {
            List<ConsumerRecord<byte[], byte[]>> a = original.get(p);
            List<ConsumerRecord<byte[], byte[]>> b = restored.get(p);
            assertThat(b).as("partition %d", p).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                String at = "partition " + p + " record " + i;
                assertThat(b.get(i).key()).as(at).isEqualTo(a.get(i).key());
                assertThat(b.get(i).value()).as(at).isEqualTo(a.get(i).value());
                assertThat(b.get(i).timestamp()).as(at).isEqualTo(a.get(i).timestamp());
                assertThat(b.get(i).headers().lastHeader("trace").value())
                        .as(at)
                        .isEqualTo(a.get(i).headers().lastHeader("trace").value());
            }
        }
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

    @Test
    void aTypedOnlyArchiveIsShownByCatAndRefusedByVerifyAndRestore() throws Exception {
        String t = topic + "-typed";
        kafka.createTopic(t, 1);
        Random random = new Random(9);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(
                    new ProducerRecord<>(
                            t,
                            0,
                            TestData.BASE_TIMESTAMP + i,
                            null,
                            PageViews.jsonBytes(i, random)));
        }
        kafka.produce(records);
        Path typedArchive = dir.resolve("typed-archive");
        archive(t, typedArchive, Map.of("format.avro.value-columns", "typed"), 1);

        Run json = cli("cat", typedArchive.toString(), "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        String[] lines = json.out().split("\n");
        assertThat(lines).hasSize(200);
        JsonNode first = MAPPER.readTree(lines[0]);
        JsonNode shown = MAPPER.readTree(first.get("value").asText());
        JsonNode original =
                MAPPER.readTree(records.get((int) first.get("offset").asLong()).value());
        assertThat(shown.get("user")).isEqualTo(original.get("user"));
        assertThat(shown.get("duration_ms")).isEqualTo(original.get("duration_ms"));

        Run verify = cli("verify", typedArchive.toString(), "--topic", t);
        assertThat(verify.code()).as(verify.out() + verify.err()).isNotZero();
        assertThat(verify.out() + verify.err())
                .contains("typed records only")
                .contains("not lossless");

        Run restore =
                cli(
                        "restore",
                        typedArchive.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        t,
                        "--to-topic",
                        t + "-restored",
                        "--dry-run");
        assertThat(restore.code()).as(restore.out() + restore.err()).isNotZero();
        assertThat(restore.out() + restore.err())
                .contains("typed records only")
                .contains("not lossless");
    }

    private static byte[] bytes(Object o) {
        if (o == null) {
            return null;
        }
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
