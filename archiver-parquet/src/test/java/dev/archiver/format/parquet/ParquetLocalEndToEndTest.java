package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.Archiver;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.registry.WireFormat;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.TestData;
import dev.archiver.testing.TestSchemaRegistry;
import dev.archiver.verify.VerificationReport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end exactly-once suite with archiver-parquet on the class path ({@code
 * archivesEveryRecordExactlyOnceAsParquet} runs here), plus typed-column archives checked by
 * DuckDB, a reader we did not write.
 */
class ParquetLocalEndToEndTest extends AbstractArchiverEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd/'hr='HH").withZone(ZoneOffset.UTC);
    private Path dir;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("archive-parquet-e2e");
        }
        return StorageLocation.of(dir.toUri().toString());
    }

    /** Smaller than the default: this binding repeats the jsonl and avro tests of the local one. */
    @Override
    protected int recordCount() {
        return 30_000;
    }

    @Test
    void duckDbReadsTypedColumnsAndHivePartitions() throws Exception {
        int partitions = 4;
        int count = 4_000;
        kafka.createTopic(topic, partitions);
        Random random = new Random(7);
        List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] value;
            if (i % 97 == 13) {
                value = "not json {".getBytes(StandardCharsets.UTF_8);
                bad.add(i);
            } else if (i % 97 == 50) {
                value =
                        "{\"user\":\"u\",\"duration_ms\":\"slow\",\"at\":0}"
                                .getBytes(StandardCharsets.UTF_8);
                bad.add(i);
            } else {
                value = PageView.jsonBytes(i, random);
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
            produced.add(
                    new ProducerRecord<>(
                            topic,
                            i % partitions,
                            TestData.BASE_TIMESTAMP + i * 1_000L,
                            ("key-" + i).getBytes(StandardCharsets.UTF_8),
                            value,
                            headers));
        }
        List<RecordMetadata> metadata = kafka.produce(produced);
        Archiver a =
                start(
                        Map.of(
                                "format", "parquet",
                                "format.parquet.value-schema", PageView.SCHEMA,
                                "format.parquet.compression", "zstd",
                                "partitioner", "time",
                                "partitioner.time.pattern", "'dt='yyyy-MM-dd/'hr='HH",
                                "upload.max-records", "700"));
        awaitCommitted(count, AWAIT);
        a.close();
        assertThat(a.stats().deadLettered()).isEqualTo(bad.size());

        // what DuckDB must find: per country, per hour, and the sum of durations
        Map<String, Long> byCountry = new TreeMap<>();
        Map<String, Long> byHour = new TreeMap<>();
        long durations = 0;
        for (int i = 0; i < count; i++) {
            if (bad.contains(i)) {
                continue;
            }
            JsonNode json = MAPPER.readTree(produced.get(i).value());
            byCountry.merge(json.path("country").asText("null"), 1L, Long::sum);
            byHour.merge(
                    HOUR.format(Instant.ofEpochMilli(produced.get(i).timestamp())), 1L, Long::sum);
            durations += json.get("duration_ms").asLong();
        }
        String files = "'" + rootDir().resolve(topic) + "/**/*.parquet'";
        String scan = "read_parquet(" + files + ", hive_partitioning = true)";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement()) {
            assertThat(longs(st, "select count(*) from " + scan))
                    .containsExactly((long) count - bad.size());
            assertThat(longs(st, "select sum(value.duration_ms) from " + scan))
                    .containsExactly(durations);
            Map<String, Long> countries = new TreeMap<>();
            try (ResultSet rs =
                    st.executeQuery(
                            "select coalesce(value.country, 'null'), count(*) from "
                                    + scan
                                    + " group by 1")) {
                while (rs.next()) {
                    countries.put(rs.getString(1), rs.getLong(2));
                }
            }
            assertThat(countries).isEqualTo(byCountry);
            Map<String, Long> hours = new TreeMap<>();
            try (ResultSet rs =
                    st.executeQuery("select dt, hr, count(*) from " + scan + " group by dt, hr")) {
                while (rs.next()) {
                    hours.put(
                            "dt=" + rs.getString(1) + "/hr=" + String.format("%02d", rs.getInt(2)),
                            rs.getLong(3));
                }
            }
            assertThat(hours).isEqualTo(byHour);

            Map<String, String> types = new HashMap<>();
            try (ResultSet rs = st.executeQuery("describe select * from " + scan)) {
                while (rs.next()) {
                    types.put(rs.getString("column_name"), rs.getString("column_type"));
                }
            }
            assertThat(types)
                    .containsEntry("topic", "VARCHAR")
                    .containsEntry("partition", "INTEGER")
                    .containsEntry("offset", "BIGINT")
                    .containsEntry("timestamp", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("timestamp_type", "VARCHAR")
                    .containsEntry("key", "BLOB")
                    .containsEntry("raw_value", "BLOB")
                    .containsEntry("headers", "STRUCT(\"key\" VARCHAR, \"value\" BLOB)[]");
            assertThat(types.get("value"))
                    .startsWith("STRUCT(")
                    .contains("\"user\" VARCHAR")
                    .contains("duration_ms BIGINT")
                    .contains("\"at\" TIMESTAMP WITH TIME ZONE")
                    .contains("price DECIMAL(9,2)")
                    .contains("tags VARCHAR[]")
                    .contains("attrs MAP(VARCHAR, VARCHAR)");

            // one record, field by field, against what was produced
            int i = 46;
            RecordMetadata m = metadata.get(i);
            JsonNode json = MAPPER.readTree(produced.get(i).value());
            try (ResultSet rs =
                    st.executeQuery(
                            "select value.user, value.country, value.price, epoch_ms(value.at),"
                                    + " epoch_ms(\"timestamp\"), timestamp_type,"
                                    + " decode(key), decode(headers[1].value), value.tags,"
                                    + " decode(raw_value), value.device.os"
                                    + " from "
                                    + scan
                                    + " where \"partition\" = "
                                    + m.partition()
                                    + " and \"offset\" = "
                                    + m.offset())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(json.get("user").asText());
                assertThat(rs.getString(2)).isEqualTo(json.get("country").asText());
                assertThat(rs.getBigDecimal(3))
                        .isEqualByComparingTo(new BigDecimal(json.get("price").asText()));
                assertThat(rs.getLong(4)).isEqualTo(json.get("at").asLong());
                assertThat(rs.getLong(5)).isEqualTo(m.timestamp());
                assertThat(rs.getString(6)).isEqualTo("CREATE_TIME");
                assertThat(rs.getString(7)).isEqualTo("key-46");
                assertThat(rs.getString(8)).isEqualTo("t-46");
                assertThat(rs.getString(9)).isEqualTo("[t0]");
                assertThat(rs.getString(10))
                        .isEqualTo(new String(produced.get(i).value(), StandardCharsets.UTF_8));
                assertThat(rs.getString(11)).isEqualTo(json.get("device").get("os").asText());
                assertThat(rs.next()).isFalse();
            }
        }

        // dead letters: both kinds of misfit, with the reason, as jsonl
        List<ArchiveRecord> deadLetters =
                ArchiveContents.readAll(storage(), root.resolve("_dead-letter"), null);
        assertThat(deadLetters).hasSize(bad.size());
        String deadLetterText;
        try (Stream<Path> paths = Files.walk(rootDir().resolve("_dead-letter"))) {
            StringBuilder b = new StringBuilder();
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                assertThat(p.getFileName().toString()).endsWith(".jsonl");
                b.append(Files.readString(p));
            }
            deadLetterText = b.toString();
        }
        assertThat(deadLetterText)
                .contains("value is not one JSON document")
                .contains(
                        "value does not fit schema demo.PageView: $.duration_ms: expected long, found a string");
        // lossless: the archive verifies record by record against Kafka, dead letters included
        VerificationReport report = verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).isEqualTo(count);
        assertThat(report.deadLetters()).isEqualTo(bad.size());
    }

    @Test
    void skipToleranceDropsValuesThatDoNotFitAndCountsThem() throws Exception {
        kafka.createTopic(topic, 1);
        Random random = new Random(3);
        List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] value =
                    i % 10 == 0
                            ? "{\"user\":1}".getBytes(StandardCharsets.UTF_8)
                            : PageView.jsonBytes(i, random);
            produced.add(new ProducerRecord<>(topic, 0, TestData.BASE_TIMESTAMP + i, null, value));
        }
        kafka.produce(produced);
        Archiver a =
                start(
                        Map.of(
                                "format", "parquet",
                                "format.parquet.value-schema", PageView.SCHEMA,
                                "format.parquet.value-columns", "typed",
                                "errors.tolerance", "skip",
                                "upload.max-records", "100"));
        awaitCommitted(300, AWAIT);
        a.close();
        assertThat(a.stats().skipped()).isEqualTo(30);
        assertThat(a.stats().deadLettered()).isZero();
        String files = "'" + rootDir().resolve(topic) + "/**/*.parquet'";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement()) {
            assertThat(longs(st, "select count(*) from read_parquet(" + files + ")"))
                    .containsExactly(270L);
            assertThat(
                            longs(
                                    st,
                                    "select count(*) from read_parquet("
                                            + files
                                            + ") where \"offset\" % 10 = 0"))
                    .containsExactly(0L);
        }
    }

    @Test
    void avroValuesFromTheSchemaRegistryBecomeTypedColumnsAndRestoreByteForByte() throws Exception {
        int partitions = 2;
        int count = 1_200;
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int v1 = RegistryOrders.register(registry.url(), topic + "-value", RegistryOrders.V1);
            int v2 = RegistryOrders.register(registry.url(), topic + "-value", RegistryOrders.V2);
            kafka.createTopic(topic, partitions);
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            List<Integer> bad = new ArrayList<>();
            List<Integer> tombstones = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                boolean second = i >= count / 2; // the producer moves to V2 mid-stream
                Schema schema = second ? RegistryOrders.V2 : RegistryOrders.V1;
                byte[] good =
                        RegistryOrders.serialize(
                                second ? v2 : v1,
                                RegistryOrders.order(
                                        schema,
                                        i,
                                        "c" + i % 17,
                                        i + 0.5,
                                        TestData.BASE_TIMESTAMP + i));
                byte[] value;
                if (i % 101 == 7) {
                    value = WireFormat.frame(9999, new byte[] {2, 4}); // unknown schema id
                    bad.add(i);
                } else if (i % 101 == 23) {
                    value = Arrays.copyOf(good, good.length - 3); // corrupt payload
                    bad.add(i);
                } else if (i % 101 == 61) {
                    value = "{\"id\": 1}".getBytes(StandardCharsets.UTF_8); // not the wire format
                    bad.add(i);
                } else if (i % 101 == 88) {
                    value = null;
                    tombstones.add(i);
                } else {
                    value = good;
                }
                produced.add(
                        new ProducerRecord<>(
                                topic,
                                i % partitions,
                                TestData.BASE_TIMESTAMP + i * 1_000L,
                                ("k" + i).getBytes(StandardCharsets.UTF_8),
                                value));
            }
            List<RecordMetadata> metadata = kafka.produce(produced);
            Archiver a =
                    start(
                            Map.of(
                                    "format", "parquet",
                                    "format.parquet.schema-source", "confluent",
                                    "format.parquet.schema-source.confluent.url",
                                            registry.url().toString(),
                                    "format.parquet.compression", "zstd",
                                    "upload.max-records", "250"));
            awaitCommitted(count, AWAIT);
            a.close();
            assertThat(a.stats().deadLettered()).isEqualTo(bad.size());

            long typed = 0;
            double amounts = 0;
            long coupons = 0;
            for (int i = 0; i < count; i++) {
                if (!bad.contains(i) && !tombstones.contains(i)) {
                    typed++;
                    amounts += i + 0.5;
                    if (i >= count / 2 && i % 3 == 0) {
                        coupons++;
                    }
                }
            }
            String files = "'" + rootDir().resolve(topic) + "/**/*.parquet'";
            String scan = "read_parquet(" + files + ", union_by_name = true, filename = true)";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                assertThat(longs(st, "select count(*) from " + scan))
                        .containsExactly((long) count - bad.size());
                assertThat(longs(st, "select count(value) from " + scan)).containsExactly(typed);
                assertThat(longs(st, "select count(value.coupon) from " + scan))
                        .containsExactly(coupons);
                try (ResultSet rs = st.executeQuery("select sum(value.amount) from " + scan)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(amounts);
                }
                int i = 603; // a V2 record with a coupon
                RecordMetadata m = metadata.get(i);
                try (ResultSet rs =
                        st.executeQuery(
                                "select value.id, value.customer, epoch_ms(value.at),"
                                        + " value.coupon, decode(key) from "
                                        + scan
                                        + " where \"partition\" = "
                                        + m.partition()
                                        + " and \"offset\" = "
                                        + m.offset())) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(i);
                    assertThat(rs.getString(2)).isEqualTo("c" + i % 17);
                    assertThat(rs.getLong(3)).isEqualTo(TestData.BASE_TIMESTAMP + i);
                    assertThat(rs.getString(4)).isEqualTo("C" + i);
                    assertThat(rs.getString(5)).isEqualTo("k" + i);
                }
                // a file that holds both versions has the union of their fields as columns
                String mixed = null;
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
                            .contains("customer VARCHAR")
                            .contains("amount DOUBLE")
                            .contains("\"at\" TIMESTAMP WITH TIME ZONE")
                            .contains("coupon VARCHAR");
                }
            }

            String deadLetterText;
            try (Stream<Path> paths = Files.walk(rootDir().resolve("_dead-letter"))) {
                StringBuilder b = new StringBuilder();
                for (Path p : paths.filter(Files::isRegularFile).toList()) {
                    b.append(Files.readString(p));
                }
                deadLetterText = b.toString();
            }
            assertThat(deadLetterText)
                    .contains("unknown schema id 9999")
                    .contains("payload is not an Avro datum of schema " + v1)
                    .contains("not the magic byte 0");

            // restore reads the raw column: the wire-format bytes come back exactly
            Map<TopicPartition, Map<Long, byte[]>> inKafka = new HashMap<>();
            for (int i = 0; i < count; i++) {
                RecordMetadata m = metadata.get(i);
                inKafka.computeIfAbsent(
                                new TopicPartition(topic, m.partition()), k -> new HashMap<>())
                        .put(m.offset(), produced.get(i).value());
            }
            List<ArchiveRecord> archived =
                    ArchiveContents.readAll(storage(), root.resolve(topic), null);
            assertThat(archived).hasSize(count - bad.size());
            for (ArchiveRecord r : archived) {
                assertThat(r.value())
                        .isEqualTo(
                                inKafka.get(new TopicPartition(topic, r.partition()))
                                        .get(r.offset()));
            }
            VerificationReport report = verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.records()).isEqualTo(count);
            assertThat(report.deadLetters()).isEqualTo(bad.size());
            // schemas are fetched once (an unknown id is asked for each time it is seen)
            long unknownIdRecords = bad.stream().filter(i -> i % 101 == 7).count();
            assertThat(registry.schemaLookups()).isEqualTo(2 + unknownIdRecords);
        }
    }

    @Test
    void jsonSchemaValuesFromTheSchemaRegistryBecomeTypedColumns() throws Exception {
        String schema =
                """
                {"title": "Payment", "type": "object", "required": ["id", "at"],
                 "properties": {
                   "id": {"type": "integer"},
                   "amount": {"type": "number"},
                   "at": {"type": "string", "format": "date-time"},
                   "tags": {"type": "array", "items": {"type": "string"}}
                 }}""";
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register(topic + "-value", "JSON", schema);
            kafka.createTopic(topic, 1);
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String json =
                        "{\"id\": "
                                + i
                                + (i % 4 == 0 ? "" : ", \"amount\": " + (i + 0.25))
                                + ", \"at\": \""
                                + Instant.ofEpochMilli(TestData.BASE_TIMESTAMP + i)
                                + "\", \"tags\": [\"t"
                                + i % 3
                                + "\"]}";
                produced.add(
                        new ProducerRecord<>(
                                topic,
                                0,
                                TestData.BASE_TIMESTAMP + i,
                                null,
                                WireFormat.frame(id, json.getBytes(StandardCharsets.UTF_8))));
            }
            kafka.produce(produced);
            Archiver a =
                    start(
                            Map.of(
                                    "format", "parquet",
                                    "format.parquet.schema-source", "confluent",
                                    "format.parquet.schema-source.confluent.url",
                                            registry.url().toString(),
                                    "upload.max-records", "120"));
            awaitCommitted(300, AWAIT);
            a.close();
            assertThat(a.stats().deadLettered()).isZero();
            double amounts = 0;
            for (int i = 0; i < 300; i++) {
                amounts += i % 4 == 0 ? 0 : i + 0.25;
            }
            String scan = "read_parquet('" + rootDir().resolve(topic) + "/**/*.parquet')";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                assertThat(longs(st, "select count(value) from " + scan)).containsExactly(300L);
                assertThat(longs(st, "select count(value.amount) from " + scan))
                        .containsExactly(225L);
                try (ResultSet rs =
                        st.executeQuery(
                                "select sum(value.amount), min(epoch_ms(value.at)),"
                                        + " max(epoch_ms(value.at)), count(*) filter"
                                        + " (where value.tags[1] = 't2') from "
                                        + scan)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(amounts);
                    assertThat(rs.getLong(2)).isEqualTo(TestData.BASE_TIMESTAMP);
                    assertThat(rs.getLong(3)).isEqualTo(TestData.BASE_TIMESTAMP + 299);
                    assertThat(rs.getLong(4)).isEqualTo(100);
                }
            }
            assertExactlyOnce();
        }
    }

    @Test
    void partitionedByTheEventTimeOfADecodedAvroField() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int v1 = RegistryOrders.register(registry.url(), topic + "-value", RegistryOrders.V1);
            kafka.createTopic(topic, 2);
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            Map<String, Long> byHour = new TreeMap<>();
            for (int i = 0; i < 400; i++) {
                // the order's own time runs 3 days behind the Kafka timestamp, 15 minutes apart
                long at = TestData.BASE_TIMESTAMP - 3 * 86_400_000L + i * 900_000L;
                byHour.merge(HOUR.format(Instant.ofEpochMilli(at)), 1L, Long::sum);
                produced.add(
                        new ProducerRecord<>(
                                topic,
                                i % 2,
                                TestData.BASE_TIMESTAMP + i,
                                null,
                                RegistryOrders.serialize(
                                        v1,
                                        RegistryOrders.order(
                                                RegistryOrders.V1, i, "c" + i % 5, i, at))));
            }
            kafka.produce(produced);
            String url = registry.url().toString();
            Archiver a =
                    start(
                            Map.of(
                                    "parser", "schema-registry",
                                    "parser.schema-registry.schema-source", "confluent",
                                    "parser.schema-registry.schema-source.confluent.url", url,
                                    "parser.schema-registry.timestamp-field", "at",
                                    "partitioner", "time",
                                    "partitioner.time.pattern", "'dt='yyyy-MM-dd/'hr='HH",
                                    "format", "parquet",
                                    "format.parquet.schema-source", "confluent",
                                    "format.parquet.schema-source.confluent.url", url,
                                    "upload.max-records", "150"));
            awaitCommitted(400, AWAIT);
            a.close();
            assertThat(a.stats().deadLettered()).isZero();
            String scan =
                    "read_parquet('"
                            + rootDir().resolve(topic)
                            + "/**/*.parquet', hive_partitioning = true)";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                Map<String, Long> hours = new TreeMap<>();
                try (ResultSet rs =
                        st.executeQuery(
                                "select dt, hr, count(*) from " + scan + " group by dt, hr")) {
                    while (rs.next()) {
                        hours.put(
                                "dt="
                                        + rs.getString(1)
                                        + "/hr="
                                        + String.format("%02d", rs.getInt(2)),
                                rs.getLong(3));
                    }
                }
                assertThat(hours).isEqualTo(byHour);
                // every row sits in the hour of its own value's time
                st.execute("set TimeZone = 'UTC'");
                assertThat(
                                longs(
                                        st,
                                        "select count(*) from "
                                                + scan
                                                + " where strftime(value.at, '%Y-%m-%d') <> dt::varchar"
                                                + " or hour(value.at) <> hr"))
                        .containsExactly(0L);
            }
            assertExactlyOnce();
        }
    }

    @Test
    void registryOutageIsRetriedUntilItHealsAndNothingIsDeadLettered() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int v1 = RegistryOrders.register(registry.url(), topic + "-value", RegistryOrders.V1);
            kafka.createTopic(topic, 1);
            List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                produced.add(
                        new ProducerRecord<>(
                                topic,
                                0,
                                TestData.BASE_TIMESTAMP + i,
                                null,
                                RegistryOrders.serialize(
                                        v1,
                                        RegistryOrders.order(
                                                RegistryOrders.V1,
                                                i,
                                                "c",
                                                i,
                                                TestData.BASE_TIMESTAMP))));
            }
            kafka.produce(produced);
            registry.pause();
            Archiver a =
                    start(
                            Map.of(
                                    "format", "parquet",
                                    "format.parquet.schema-source", "confluent",
                                    "format.parquet.schema-source.confluent.url",
                                            registry.url().toString(),
                                    "format.parquet.schema-source.confluent.retries", "0",
                                    "format.parquet.schema-source.confluent.request-timeout", "1s",
                                    "upload.max-records", "100"));
            Thread.sleep(4_000);
            assertThat(committed().getOrDefault(new TopicPartition(topic, 0), 0L)).isZero();
            assertThat(a.stats().deadLettered()).isZero();
            assertThat(a.stats().stagingFailures()).as("outage counted").isPositive();
            assertThat(a.failure()).isEmpty();
            registry.resume();
            awaitCommitted(200, AWAIT);
            a.close();
            assertThat(a.stats().deadLettered()).isZero();
            assertThat(a.stats().skipped()).isZero();
            String files = "'" + rootDir().resolve(topic) + "/**/*.parquet'";
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement()) {
                assertThat(
                                longs(
                                        st,
                                        "select count(distinct value.id) from read_parquet("
                                                + files
                                                + ")"))
                        .containsExactly(200L);
            }
            assertExactlyOnce();
        }
    }

    private Path rootDir() throws Exception {
        return dir.resolve(root.relativeTo(archiveRoot()));
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
