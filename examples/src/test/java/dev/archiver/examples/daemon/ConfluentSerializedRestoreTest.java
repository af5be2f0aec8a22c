package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.testing.ConfluentJsSerializer;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} and {@code restore} on Parquet archives of values written by Confluent's own
 * serializers ({@link ConfluentJsSerializer}) and archived as typed columns through the {@code
 * confluent} schema source: {@code restore} writes back the identical wire-format bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfluentSerializedRestoreTest {
    private static final String ORDER_V1 =
            """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": "string"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
            ]}""";

    private static final String ORDER_V2 =
            ORDER_V1.replace(
                    "\n]}",
                    ",\n  {\"name\": \"coupon\", \"type\": [\"null\", \"string\"],"
                            + " \"default\": null}\n]}");

    private static final String PAYMENT =
            """
            {"title": "Payment", "type": "object", "required": ["id", "at"],
             "properties": {"id": {"type": "integer"}, "amount": {"type": "number"},
                            "at": {"type": "string", "format": "date-time"}}}""";

    @TempDir Path dir;
    private EmbeddedKafka.Broker kafka;
    private ConfluentJsSerializer confluent;

    @BeforeAll
    void setUp() {
        confluent = ConfluentJsSerializer.get();
        kafka = EmbeddedKafka.shared();
    }

    @Test
    void restoreWritesBackConfluentsAvroBytesOfTwoVersions() throws Exception {
        String topic = "confluent-restore-avro-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> v1 = new ArrayList<>();
            List<String> v2 = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String common =
                        "{\"id\": "
                                + i
                                + ", \"customer\": \"c"
                                + i % 7
                                + "\", \"at\": "
                                + (TestData.BASE_TIMESTAMP + i);
                if (i < 150) {
                    v1.add(common + "}");
                } else {
                    v2.add(
                            common
                                    + ", \"coupon\": "
                                    + (i % 2 == 0 ? "\"C" + i + "\"" : "null")
                                    + "}");
                }
            }
            List<byte[]> values =
                    new ArrayList<>(
                            confluent.serialize(registry.url(), topic, "AVRO", ORDER_V1, v1));
            values.addAll(confluent.serialize(registry.url(), topic, "AVRO", ORDER_V2, v2));
            archiveVerifyAndRestore(topic, 3, registry, values);
        }
    }

    @Test
    void restoreWritesBackConfluentsJsonSchemaBytes() throws Exception {
        String topic = "confluent-restore-json-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> json = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                json.add(
                        "{\"id\": "
                                + i
                                + (i % 3 == 0 ? "" : ", \"amount\": " + (i + 0.75))
                                + ", \"at\": \""
                                + Instant.ofEpochMilli(TestData.BASE_TIMESTAMP + i)
                                + "\"}");
            }
            archiveVerifyAndRestore(
                    topic,
                    2,
                    registry,
                    confluent.serialize(registry.url(), topic, "JSON", PAYMENT, json));
        }
    }

    private void archiveVerifyAndRestore(
            String topic, int partitions, TestSchemaRegistry registry, List<byte[]> values)
            throws Exception {
        kafka.createTopic(topic, partitions);
        List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            produced.add(
                    new ProducerRecord<>(
                            topic,
                            i % partitions,
                            TestData.BASE_TIMESTAMP + i * 1_000L,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            values.get(i)));
        }
        kafka.produce(produced);
        Path archive = dir.resolve(topic);
        String group = "archiver-" + topic;
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve(topic + "-staging").toString());
        s.put("format", "parquet");
        s.put("format.parquet.schema-source", "confluent");
        s.put("format.parquet.schema-source.confluent.url", registry.url().toString());
        s.put("upload.max-records", "70");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (admin.uncommitted(group, topic) > 0) {
                assertThat(a.failure()).isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(a.stats().deadLettered()).isZero();
        }
        try (var files = Files.walk(archive)) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count())
                    .isGreaterThanOrEqualTo(partitions);
        }

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
                .contains("OK: " + values.size() + " records")
                .contains("0 Kafka records missing from the archive");

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
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> original = consume(topic);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> restored = consume(target);
        assertThat(restored.keySet()).isEqualTo(original.keySet());
        int compared = 0;
        for (int p : original.keySet()) {
            List<ConsumerRecord<byte[], byte[]>> a = original.get(p);
            List<ConsumerRecord<byte[], byte[]>> b = restored.get(p);
            assertThat(b).as("partition %d", p).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                String at = "partition " + p + " record " + i;
                assertThat(b.get(i).value()).as(at).isEqualTo(a.get(i).value());
                assertThat(b.get(i).key()).as(at).isEqualTo(a.get(i).key());
                assertThat(b.get(i).timestamp()).as(at).isEqualTo(a.get(i).timestamp());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(values.size());
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArchiverCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
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
