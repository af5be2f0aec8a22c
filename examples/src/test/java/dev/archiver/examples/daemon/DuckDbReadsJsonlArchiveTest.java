package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB, through its JDBC driver, reads jsonl archives written by the engine from a real broker:
 * the demo's page-view events, partitioned by event time into {@code dt=/hr=} directories, come
 * back with the hive partitions and the event fields as typed columns; and a topic of payloads that
 * are JSON, almost JSON or not JSON at all reads back line by line, every payload recoverable from
 * DuckDB's columns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbReadsJsonlArchiveTest {
    private static final int EVENTS = 4_000;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String id;
    private Path archive;
    private final List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
    private final List<byte[]> payloads = TestData.jsonLike();

    @BeforeAll
    void archiveTwoTopics() throws Exception {
        kafka = EmbeddedKafka.shared();
        id = UUID.randomUUID().toString().substring(0, 8);
        archive = dir.resolve("archive");

        String pageViews = "page-views-" + id;
        kafka.createTopic(pageViews, 4);
        Instant start = Instant.parse("2026-11-24T18:00:00Z");
        DemoEvents demo = new DemoEvents(pageViews, start, Duration.ofHours(4), EVENTS, 7L);
        for (int i = 0; i < EVENTS; i++) {
            events.add(demo.event(i));
        }
        kafka.produce(events);
        Map<String, String> s = settings(pageViews);
        s.put("codec", "none"); // as the demo
        s.put("parser", "json");
        s.put("parser.json.timestamp-field", "event_time");
        s.put("parser.json.timestamp-format", "iso-8601");
        archive(s, pageViews);

        String odd = "odd-" + id;
        kafka.createTopic(odd, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (byte[] p : payloads) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("h", p);
            records.add(new ProducerRecord<>(odd, 0, TestData.BASE_TIMESTAMP, p, p, headers));
        }
        kafka.produce(records);
        archive(settings(odd), odd);
    }

    private Map<String, String> settings(String topic) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", "archiver-" + topic);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve("staging-" + topic).toString());
        s.put("partitioner", "time");
        s.put("partitioner.time.pattern", "'dt='yyyy-MM-dd'/hr='HH");
        s.put("codec", "gzip");
        s.put("upload.max-records", "700");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        return s;
    }

    private void archive(Map<String, String> settings, String topic) throws Exception {
        String group = settings.get("kafka.consumer.group.id");
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(settings)));
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (admin.uncommitted(group, topic) > 0) {
                assertThat(a.failure()).isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private String files(String topic) {
        return "read_json('"
                + archive.resolve(topic)
                + "/**/*.jsonl', format = 'newline_delimited', hive_partitioning = true)";
    }

    @Test
    void theReadmeQueryRunsOverTheDemosLayout() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Query the archive");
        assertThat(section).as("README section").isPositive();
        int start = readme.indexOf("```sql\n", section) + "```sql\n".length();
        String sql = readme.substring(start, readme.indexOf("```", start)).trim();
        assertThat(sql).contains("archive-demo/page-views/");
        sql =
                sql.replace(
                        "archive-demo/page-views", archive.resolve("page-views-" + id).toString());
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        long views = 0;
        List<String> groups = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet r = st.executeQuery(sql)) {
            while (r.next()) {
                groups.add(r.getString("dt") + " " + r.getLong("hr") + " " + r.getString(3));
                views += r.getLong("views");
                assertThat(r.getDouble("avg_ms")).isBetween(200.0, 30_200.0);
            }
        }
        assertThat(views).isEqualTo(EVENTS);
        assertThat(groups).doesNotHaveDuplicates().hasSizeGreaterThan(9);
    }

    @Test
    void eventFieldsAndHivePartitionsAreColumns() throws Exception {
        String from = files("page-views-" + id);
        Map<String, Long> countries = new TreeMap<>();
        Map<String, Long> hours = new TreeMap<>();
        long duration = 0;
        DateTimeFormatter day = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
        for (ProducerRecord<byte[], byte[]> e : events) {
            JsonNode v = JSON.readTree(e.value());
            countries.merge(v.get("country").asText(), 1L, Long::sum);
            Instant t = Instant.parse(v.get("event_time").asText());
            String hour = day.format(t) + " " + t.atZone(ZoneOffset.UTC).getHour();
            hours.merge(hour, 1L, Long::sum);
            duration += v.get("duration_ms").asLong();
        }
        assertThat(hours).as("the events span several hours").hasSizeGreaterThan(3);

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            Map<String, String> types = new HashMap<>();
            query(
                    c,
                    "describe select * from " + from,
                    r -> types.put(r.getString(1), r.getString(2)));
            assertThat(types.get("value"))
                    .startsWith("STRUCT(")
                    .contains("country VARCHAR", "duration_ms BIGINT", "event_time ");
            assertThat(types.get("keyText")).isEqualTo("VARCHAR");
            assertThat(types.get("offset")).isEqualTo("BIGINT");
            assertThat(types.get("dt")).isEqualTo("DATE");
            assertThat(types.get("hr")).isEqualTo("BIGINT");
            assertThat(types).doesNotContainKeys("valueBase64", "valueText", "keyBase64");

            Map<String, Long> byCountry = new TreeMap<>();
            query(
                    c,
                    "select value.country, count(*) from " + from + " group by all",
                    r -> byCountry.put(r.getString(1), r.getLong(2)));
            assertThat(byCountry).isEqualTo(countries);

            Map<String, Long> byHour = new TreeMap<>();
            query(
                    c,
                    "select dt, hr, count(*) from " + from + " group by all",
                    r -> byHour.put(r.getString(1) + " " + r.getLong(2), r.getLong(3)));
            assertThat(byHour).isEqualTo(hours);

            long[] totals = new long[3];
            query(
                    c,
                    "select count(*), sum(value.duration_ms), count(distinct (\"partition\", \"offset\"))"
                            + " from "
                            + from,
                    r -> {
                        totals[0] = r.getLong(1);
                        totals[1] = r.getLong(2);
                        totals[2] = r.getLong(3);
                    });
            assertThat(totals).containsExactly(EVENTS, duration, EVENTS);

            List<String> headers = new ArrayList<>();
            query(
                    c,
                    "select distinct headers[1].key, headers[1].valueText from " + from,
                    r -> headers.add(r.getString(1) + "=" + r.getString(2)));
            assertThat(headers).containsExactly("content-type=application/json");
        }
    }

    @Test
    void everyPayloadIsRecoverableFromDuckDbsColumns() throws Exception {
        String from =
                "read_json('"
                        + archive.resolve("odd-" + id)
                        + "/**/*.jsonl.gz', format = 'newline_delimited', columns = {'offset':"
                        + " 'BIGINT', 'value': 'JSON', 'valueText': 'VARCHAR', 'valueBase64':"
                        + " 'VARCHAR'})";
        List<String[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            query(
                    c,
                    "select \"offset\", \"value\"::varchar, valueText, valueBase64 from "
                            + from
                            + " order by \"offset\"",
                    r ->
                            rows.add(
                                    new String[] {
                                        r.getString(1),
                                        r.getString(2),
                                        r.getString(3),
                                        r.getString(4)
                                    }));
        }
        assertThat(rows).hasSize(payloads.size());
        int embedded = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            byte[] original = payloads.get(i);
            String at = "offset " + row[0] + ": " + excerpt(original);
            assertThat(row[0]).isEqualTo(Integer.toString(i));
            if (row[1] != null) {
                embedded++;
                assertThat(row[2]).as(at).isNull();
                assertThat(row[3]).as(at).isNull();
                assertThat(JSON.readTree(row[1])).as(at).isEqualTo(JSON.readTree(original));
            } else if (row[2] != null) {
                assertThat(row[3]).as(at).isNull();
                assertThat(row[2].getBytes(StandardCharsets.UTF_8)).as(at).isEqualTo(original);
            } else {
                assertThat(Base64.getDecoder().decode(row[3])).as(at).isEqualTo(original);
            }
        }
        assertThat(embedded).as("payloads kept as JSON").isGreaterThan(8);
    }

    private interface Row {
        void accept(ResultSet r) throws SQLException;
    }

    private static void query(Connection c, String sql, Row row) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                row.accept(r);
            }
        }
    }

    private static String excerpt(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 60 ? s.substring(0, 60) + "... (" + b.length + " bytes)" : s;
    }
}
