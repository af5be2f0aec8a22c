package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.ConfluentJsSerializer;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.testing.TestSchemaRegistry;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values written by Confluent's own serializers ({@code @confluentinc/schemaregistry}, see {@link
 * ConfluentJsSerializer}; their schemas registered by Confluent's client) produced to the broker,
 * archived as Parquet through the {@code confluent} schema source, read back as typed columns by
 * DuckDB, and read back raw (as {@code restore} and {@code verify} read them) byte for byte equal
 * to what is in Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfluentSerializedParquetTest {
    private static final String ORDER_V1 =
            """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": "string"},
              {"name": "amount", "type": "double"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "status", "type": {"type": "enum", "name": "Status",
                                           "symbols": ["NEW", "PAID", "SHIPPED"]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                 {"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"]}]}}
            ]}""";

    /** V1 and an optional coupon: a compatible new version. */
    private static final String ORDER_V2 =
            ORDER_V1.replace(
                    "\n]}",
                    ",\n  {\"name\": \"coupon\", \"type\": [\"null\", \"string\"],"
                            + " \"default\": null}\n]}");

    private static final String PAYMENT =
            """
            {"title": "Payment", "type": "object", "required": ["id", "at"],
             "properties": {
               "id": {"type": "integer"},
               "amount": {"type": "number"},
               "at": {"type": "string", "format": "date-time"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "payer": {"type": "object", "required": ["name"], "properties": {
                 "name": {"type": "string"}, "vip": {"type": "boolean"}}}
             }}""";

    private static final List<String> STATUS = List.of("NEW", "PAID", "SHIPPED");

    @TempDir Path dir;
    private EmbeddedKafka.Broker kafka;
    private ConfluentJsSerializer confluent;

    @BeforeAll
    void setUp() {
        confluent = ConfluentJsSerializer.get();
        kafka = EmbeddedKafka.shared();
    }

    private static String order(int i, boolean v2) {
        return "{\"id\": "
                + i
                + ", \"customer\": \"c"
                + i % 17
                + "\", \"amount\": "
                + (i + 0.5)
                + ", \"at\": "
                + (TestData.BASE_TIMESTAMP + i)
                + ", \"status\": \""
                + STATUS.get(i % 3)
                + "\", \"tags\": [\"t"
                + i % 4
                + "\"], \"address\": {\"city\": \"city"
                + i % 5
                + "\", \"zip\": "
                + (i % 2 == 0 ? "null" : Integer.toString(1000 + i))
                + "}"
                + (v2 ? ", \"coupon\": " + (i % 3 == 0 ? "\"C" + i + "\"" : "null") : "")
                + "}";
    }

    @Test
    void avroValuesOfTwoVersionsFromConfluentsSerializerBecomeTypedColumnsAndStayByteIdentical()
            throws Exception {
        int count = 400;
        String topic = "confluent-avro-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                (i < count / 2 ? first : second).add(order(i, i >= count / 2));
            }
            // the producer moves to V2 mid-stream
            List<byte[]> values =
                    new ArrayList<>(
                            confluent.serialize(registry.url(), topic, "AVRO", ORDER_V1, first));
            values.addAll(confluent.serialize(registry.url(), topic, "AVRO", ORDER_V2, second));
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                produced.add(
                        new ProducerRecord<>(
                                topic,
                                i % 2,
                                TestData.BASE_TIMESTAMP + i * 1_000L,
                                ("k" + i).getBytes(StandardCharsets.UTF_8),
                                values.get(i)));
            }
            kafka.createTopic(topic, 2);
            List<RecordMetadata> metadata = kafka.produce(produced);
            Archive archive = archive(topic, registry, count, "150");

            long coupons = 0;
            double amounts = 0;
            for (int i = 0; i < count; i++) {
                amounts += i + 0.5;
                coupons += i >= count / 2 && i % 3 == 0 ? 1 : 0;
            }
            String scan =
                    "read_parquet('"
                            + archive.dir.resolve(topic)
                            + "/**/*.parquet', union_by_name = true, filename = true)";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                assertThat(longs(st, "select count(value) from " + scan))
                        .containsExactly((long) count);
                assertThat(longs(st, "select count(value.coupon) from " + scan))
                        .containsExactly(coupons);
                assertThat(longs(st, "select count(value.address.zip) from " + scan))
                        .containsExactly((long) count / 2);
                try (ResultSet rs = st.executeQuery("select sum(value.amount) from " + scan)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(amounts);
                }
                for (int i : new int[] {7, 201, 303}) {
                    RecordMetadata m = metadata.get(i);
                    try (ResultSet rs =
                            st.executeQuery(
                                    "select value.id, value.customer, epoch_ms(value.at),"
                                            + " value.status::varchar, value.tags[1],"
                                            + " value.address.city, value.address.zip,"
                                            + " value.coupon, decode(key) from "
                                            + scan
                                            + " where \"partition\" = "
                                            + m.partition()
                                            + " and \"offset\" = "
                                            + m.offset())) {
                        assertThat(rs.next()).as("record %d", i).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(i);
                        assertThat(rs.getString(2)).isEqualTo("c" + i % 17);
                        assertThat(rs.getLong(3)).isEqualTo(TestData.BASE_TIMESTAMP + i);
                        assertThat(rs.getString(4)).isEqualTo(STATUS.get(i % 3));
                        assertThat(rs.getString(5)).isEqualTo("t" + i % 4);
                        assertThat(rs.getString(6)).isEqualTo("city" + i % 5);
                        assertThat(rs.getObject(7)).isEqualTo(i % 2 == 0 ? null : 1000 + i);
                        assertThat(rs.getString(8))
                                .isEqualTo(i >= count / 2 && i % 3 == 0 ? "C" + i : null);
                        assertThat(rs.getString(9)).isEqualTo("k" + i);
                    }
                }
                // a file with values of both versions has the union of their fields as columns
                String mixed;
                try (ResultSet rs =
                        st.executeQuery(
                                "select filename from "
                                        + scan
                                        + " group by filename having min(value.id) < "
                                        + count / 2
                                        + " and max(value.id) >= "
                                        + count / 2)) {
                    assertThat(rs.next()).as("a file with V1 and V2 values").isTrue();
                    mixed = rs.getString(1);
                }
                try (ResultSet rs =
                        st.executeQuery(
                                "select column_type from (describe select * from read_parquet('"
                                        + mixed
                                        + "')) where column_name = 'value'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1))
                            .contains("id BIGINT")
                            .contains("amount DOUBLE")
                            .contains("\"at\" TIMESTAMP WITH TIME ZONE")
                            .contains("tags VARCHAR[]")
                            .contains("address STRUCT(city VARCHAR, zip INTEGER)")
                            .contains("coupon VARCHAR");
                }
            }
            archive.assertRawBytesAreKafkas(topic, produced, metadata);
        }
    }

    @Test
    void jsonSchemaValuesFromConfluentsSerializerBecomeTypedColumnsAndStayByteIdentical()
            throws Exception {
        int count = 300;
        String topic = "confluent-json-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> json = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                json.add(
                        "{\"id\": "
                                + i
                                + (i % 4 == 0 ? "" : ", \"amount\": " + (i + 0.25))
                                + ", \"at\": \""
                                + Instant.ofEpochMilli(TestData.BASE_TIMESTAMP + i)
                                + "\", \"tags\": [\"t"
                                + i % 3
                                + "\"], \"payer\": {\"name\": \"p"
                                + i
                                + "\""
                                + (i % 2 == 0 ? ", \"vip\": true" : "")
                                + "}}");
            }
            List<byte[]> values = confluent.serialize(registry.url(), topic, "JSON", PAYMENT, json);
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                produced.add(
                        new ProducerRecord<>(
                                topic, 0, TestData.BASE_TIMESTAMP + i, null, values.get(i)));
            }
            kafka.createTopic(topic, 1);
            List<RecordMetadata> metadata = kafka.produce(produced);
            Archive archive = archive(topic, registry, count, "120");

            double amounts = 0;
            for (int i = 0; i < count; i++) {
                amounts += i % 4 == 0 ? 0 : i + 0.25;
            }
            String scan = "read_parquet('" + archive.dir.resolve(topic) + "/**/*.parquet')";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                assertThat(longs(st, "select count(value) from " + scan))
                        .containsExactly((long) count);
                assertThat(longs(st, "select count(value.amount) from " + scan))
                        .containsExactly(count * 3L / 4);
                assertThat(longs(st, "select count(*) from " + scan + " where value.payer.vip"))
                        .containsExactly(count / 2L);
                try (ResultSet rs =
                        st.executeQuery(
                                "select sum(value.amount), min(epoch_ms(value.at)),"
                                        + " max(epoch_ms(value.at)), count(*) filter"
                                        + " (where value.tags[1] = 't2'),"
                                        + " count(*) filter (where value.payer.name = concat('p',"
                                        + " value.id)) from "
                                        + scan)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(amounts);
                    assertThat(rs.getLong(2)).isEqualTo(TestData.BASE_TIMESTAMP);
                    assertThat(rs.getLong(3)).isEqualTo(TestData.BASE_TIMESTAMP + count - 1);
                    assertThat(rs.getLong(4)).isEqualTo(count / 3);
                    assertThat(rs.getLong(5)).isEqualTo(count);
                }
            }
            archive.assertRawBytesAreKafkas(topic, produced, metadata);
        }
    }

    /** An archive of one topic, written by an engine that has committed every record. */
    private final class Archive {
        final Path dir;
        final StorageLocation root;
        final ObjectStorage storage;

        Archive(Path dir) throws Exception {
            this.dir = dir;
            this.root = StorageLocation.of(dir.toUri().toString());
            this.storage = StorageProviders.load().create(root, Settings.of(Map.of()));
        }

        /**
         * The raw values read back from the archive (what {@code restore} writes) are Kafka's
         * bytes, and {@code verify} compares the archive with Kafka record by record.
         */
        void assertRawBytesAreKafkas(
                String topic,
                List<ProducerRecord<byte[], byte[]>> produced,
                List<RecordMetadata> metadata)
                throws Exception {
            try (storage) {
                Map<TopicPartition, Map<Long, byte[]>> inKafka = new HashMap<>();
                for (int i = 0; i < produced.size(); i++) {
                    RecordMetadata m = metadata.get(i);
                    inKafka.computeIfAbsent(
                                    new TopicPartition(topic, m.partition()), k -> new HashMap<>())
                            .put(m.offset(), produced.get(i).value());
                }
                List<ArchiveRecord> archived =
                        ArchiveContents.readAll(storage, root.resolve(topic), null);
                assertThat(archived).hasSize(produced.size());
                for (ArchiveRecord r : archived) {
                    assertThat(r.value())
                            .as("partition %d offset %d", r.partition(), r.offset())
                            .isEqualTo(
                                    inKafka.get(new TopicPartition(topic, r.partition()))
                                            .get(r.offset()));
                }
                VerificationReport report =
                        ArchiveVerifier.builder(storage, root)
                                .compareWithKafka(kafka.bootstrapServers())
                                .build()
                                .verify();
                assertThat(report.ok()).as(report.summary()).isTrue();
                assertThat(report.records()).isEqualTo(produced.size());
                assertThat(report.deadLetters()).isZero();
            }
        }
    }

    private Archive archive(String topic, TestSchemaRegistry registry, int count, String maxRecords)
            throws Exception {
        Path root = dir.resolve(topic + "-archive");
        String group = "archiver-" + topic;
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("topics", topic);
        s.put("storage.uri", root.toUri().toString());
        s.put("staging.dir", dir.resolve(topic + "-staging").toString());
        s.put("format", "parquet");
        s.put("format.parquet.schema-source", "confluent");
        s.put("format.parquet.schema-source.confluent.url", registry.url().toString());
        s.put("format.parquet.compression", "zstd");
        s.put("upload.max-records", maxRecords);
        s.put("upload.max-file-age", "2s");
        s.put("consumer.poll-timeout", "200ms");
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)))) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (committed(group) < count) {
                assertThat(a.failure()).as("engine failure").isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(250);
            }
            assertThat(a.stats().deadLettered()).isZero();
            assertThat(a.stats().skipped()).isZero();
        }
        return new Archive(root);
    }

    private long committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group)
                        .get(30, TimeUnit.SECONDS);
        return offsets.values().stream()
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    private static List<Long> longs(Statement st, String sql) throws SQLException {
        List<Long> result = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getLong(1));
            }
        }
        return result;
    }
}
