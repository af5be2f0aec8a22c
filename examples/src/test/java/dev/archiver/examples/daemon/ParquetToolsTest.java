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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify}, {@code cat} and {@code restore} on a parquet archive (lossless raw mode, records
 * of every shape), and {@code demo --format parquet} with typed columns queried by DuckDB with the
 * README's query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParquetToolsTest {
    private static final int RECORDS = 2_000;

    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String topic;
    private Path archive;

    @BeforeAll
    void archiveATopic() throws Exception {
        kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "parquet-tools-" + id;
        archive = dir.resolve("archive");
        kafka.createTopic(topic, 3);
        kafka.produce(TestData.mixed(topic, 3, RECORDS, 5));
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", "archiver-" + id);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve("staging").toString());
        s.put("format", "parquet");
        s.put("format.parquet.compression", "gzip");
        s.put("partitioner", "time");
        s.put("upload.max-records", "300");
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

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArchiverCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void verifyCatAndRestoreWorkOnParquet() throws Exception {
        try (var files = Files.walk(archive)) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count())
                    .isGreaterThanOrEqualTo(3);
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
                .contains("OK: " + RECORDS + " records")
                .contains("0 Kafka records missing from the archive");

        Run json = cli("cat", archive.toString(), "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        String[] lines = json.out().split("\n");
        assertThat(lines).hasSize(RECORDS);
        ObjectMapper m = new ObjectMapper();
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            assertThat(n.get("topic").asText()).isEqualTo(topic);
        }

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
        assertThat(restore.out()).contains("OK: 2,000 records written to " + target);
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
                assertThat(headers(b.get(i))).as(at).isEqualTo(headers(a.get(i)));
            }
        }
    }

    @Test
    void demoWritesTypedParquetThatTheReadmeQueryReads() throws Exception {
        Path demo = dir.resolve("archive-demo");
        Run r =
                cli(
                        "demo",
                        "--records",
                        "3000",
                        "--format",
                        "parquet",
                        "--codec",
                        "zstd",
                        "--storage",
                        demo.toString());
        // the verifier's verdict against what Kafka holds (the demo's own exit code also compares
        // with what its producer counted as sent, which DemoCommandTest covers)
        java.util.regex.Matcher ok =
                java.util.regex.Pattern.compile(
                                "OK: (\\d+) records in \\d+ objects, 0 duplicated, 0 missing offsets,"
                                        + " 0 Kafka records missing from the archive")
                        .matcher(r.out());
        assertThat(ok.find()).as("stdout:\n%s\nstderr:\n%s", r.out(), r.err()).isTrue();
        long archived = Long.parseLong(ok.group(1));
        assertThat(archived).isGreaterThan(2_000);
        // the README's query, run from the directory the demo wrote
        String query =
                """
                SELECT dt, hr, value.country AS country, count(*) AS views, avg(value.duration_ms) AS avg_ms
                FROM read_parquet('%s/page-views/**/*.parquet', hive_partitioning = true)
                GROUP BY dt, hr, country ORDER BY views DESC
                """
                        .formatted(demo);
        long total = 0;
        int rows = 0;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                assertThat(rs.getString("dt")).matches("\\d{4}-\\d{2}-\\d{2}");
                assertThat(rs.getString("country")).matches("[A-Z]{2}");
                assertThat(rs.getDouble("avg_ms")).isBetween(200.0, 30_200.0);
                total += rs.getLong("views");
                rows++;
            }
        }
        assertThat(total).isEqualTo(archived);
        assertThat(rows).isGreaterThan(9); // 9 countries over several hours
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT min(typeof(value.event_time)), count(DISTINCT value.user_id)"
                                        + " FROM read_parquet('"
                                        + demo
                                        + "/page-views/**/*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
            assertThat(rs.getLong(2)).isPositive();
        }
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
