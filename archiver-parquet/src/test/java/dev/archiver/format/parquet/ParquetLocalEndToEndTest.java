package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.Archiver;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.TestData;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
