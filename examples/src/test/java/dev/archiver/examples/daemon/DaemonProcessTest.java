package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as an operator runs it: a separate JVM started with {@code archiver run --config},
 * scraped over HTTP, stopped with SIGTERM while records keep arriving, restarted, and the archive
 * proven exactly once against Kafka.
 */
class DaemonProcessTest {
    private static final Duration AWAIT = Duration.ofMinutes(2);
    private static final String SECRET = "topsecret-ssl-key-password-42";

    @TempDir Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void servesMetricsStopsCleanlyOnSigtermAndArchivesExactlyOnceAcrossRestarts() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "daemon-" + id;
        String group = "archiver-" + id;
        kafka.createTopic(topic, 3);
        kafka.produce(records(topic, 5_000, 7));
        Path archive = dir.resolve("archive-root");
        int port = freePort();
        Path config = dir.resolve("daemon.yaml");
        Files.writeString(
                config,
                """
                metrics:
                  port: %d
                  bind-address: 127.0.0.1
                  lag-interval: 500ms
                  tags.cluster: test
                shutdown.timeout: 60s
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: %s
                  session.timeout.ms: 6000
                  heartbeat.interval.ms: 500
                  ssl.key.password: %s
                topics: %s
                storage.uri: file://%s
                staging.dir: %s
                upload:
                  max-records: 400
                  max-file-age: 1s
                consumer.poll-timeout: 200ms
                """
                        .formatted(
                                port,
                                kafka.bootstrapServers(),
                                group,
                                SECRET,
                                topic,
                                archive,
                                dir.resolve("staging")));

        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong(5_000);
        Thread producer = new Thread(() -> produce(kafka, topic, producing, produced));
        producer.start();
        try {
            Path log1 = dir.resolve("run1.log");
            Process first = start(config, log1);
            awaitReady(port, first, log1);
            String metrics = awaitMetric(port, "archiver_records_archived_total{", first, log1);
            assertThat(metrics)
                    .contains("archiver_records_consumed_total{")
                    .contains("archiver_bytes_consumed_total{")
                    .contains("archiver_records_archived_total{")
                    .contains("archiver_bytes_archived_total{")
                    .contains("archiver_files_uploaded_total{")
                    .contains("archiver_upload_latency_seconds_bucket{")
                    .contains("archiver_file_size_bytes_bucket{")
                    .contains("archiver_upload_failures_total{")
                    .contains("archiver_dead_letters_total{")
                    .contains("archiver_staged_bytes{")
                    .contains("archiver_open_files{")
                    .contains("archiver_staged_oldest_age_seconds{")
                    .contains("archiver_rebalances_total{")
                    .contains("cluster=\"test\"")
                    .contains("job=\"default\"");
            awaitMetric(port, "archiver_consumer_lag_records{", first, log1);
            awaitMetricPresent(port, "archiver_consumer_lag_seconds{", first, log1);
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);

            // SIGTERM while records keep arriving: a clean stop, exit code 0
            first.destroy();
            assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("stopped in time").isTrue();
            String out1 = Files.readString(log1);
            assertThat(first.exitValue()).as(out1).isZero();
            assertThat(out1)
                    .contains("SIGTERM: stopping")
                    .contains("All jobs stopped")
                    .contains("kafka.consumer.ssl.key.password = ******")
                    .doesNotContain(SECRET);

            Thread.sleep(1000);
            producing.set(false);
            producer.join();

            // a restart picks up where the commits left off, and catches up
            Path log2 = dir.resolve("run2.log");
            Process second = start(config, log2);
            awaitCommitted(kafka, topic, group, second, log2);
            second.destroy();
            assertThat(second.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(Files.readString(log2)).isZero();
        } finally {
            producing.set(false);
            producer.join();
        }

        StorageLocation root = StorageLocation.of("file://" + archive);
        try (ObjectStorage store = StorageProviders.load().create(root, Settings.empty())) {
            VerificationReport report =
                    ArchiveVerifier.builder(store, root)
                            .topics(Set.of(topic))
                            .compareWithKafka(kafka.bootstrapServers())
                            .build()
                            .verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.records()).isEqualTo(produced.get());
        }
    }

    private static void produce(
            EmbeddedKafka.Broker kafka,
            String topic,
            AtomicBoolean producing,
            AtomicLong produced) {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of())) {
            int batch = 0;
            while (producing.get()) {
                for (ProducerRecord<byte[], byte[]> r : records(topic, 100, batch++)) {
                    p.send(r);
                }
                p.flush();
                produced.addAndGet(100);
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The test kit's mixed records, stamped now: their own timestamps are weeks old, and the
     * broker's retention would delete them while the test runs.
     */
    private static List<ProducerRecord<byte[], byte[]>> records(String topic, int n, long seed) {
        return TestData.stampedNow(TestData.mixed(topic, 3, n, seed));
    }

    private Process start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiverCli.class.getName(),
                        "run",
                        "--config",
                        config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitReady(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("daemon alive; log:\n%s", Files.readString(log)).isTrue();
            try {
                if (get(port, "/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready; log:\n" + Files.readString(log));
    }

    private String awaitMetric(int port, String name, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("daemon alive; log:\n%s", Files.readString(log)).isTrue();
            HttpResponse<String> r = get(port, "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            body = r.body();
            for (String line : body.split("\n")) {
                if (line.startsWith(name) && !line.endsWith(" 0.0")) {
                    return body;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no " + name + " > 0 in:\n" + body);
    }

    private void awaitMetricPresent(int port, String name, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("daemon alive; log:\n%s", Files.readString(log)).isTrue();
            body = get(port, "/metrics").body();
            if (body.lines().anyMatch(l -> l.startsWith(name))) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no " + name + " in:\n" + body);
    }

    private void awaitCommitted(
            EmbeddedKafka.Broker kafka, String topic, String group, Process p, Path log)
            throws Exception {
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        try (KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            while (System.nanoTime() < deadline) {
                assertThat(p.isAlive())
                        .as("daemon alive; log:\n%s", Files.readString(log))
                        .isTrue();
                Map<TopicPartition, Long> committed = admin.committed(group);
                if (end.entrySet().stream()
                        .allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    return;
                }
                Thread.sleep(300);
            }
        }
        throw new AssertionError("not caught up; log:\n" + Files.readString(log));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
