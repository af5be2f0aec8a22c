package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.config.Settings;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics of one engine, read from the registry, over HTTP and over JMX. */
class ArchiverMetricsTest {
    @TempDir Path dir;

    @Test
    void storageFailingIsLoggedOncePerRunWithTheStoresAnswer() throws Exception {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        TopicPartitionId tp = new TopicPartitionId("t", 0);
        StorageLocation where = StorageLocation.of("s3://bucket/t/0");
        IOException refused =
                new IOException(
                        "Failed uploading s3://bucket/t/0: request failed (400"
                                + " XAmzContentChecksumMismatch)");
        try (ArchiverMetrics metrics =
                new ArchiverMetrics(Map.of(), false, Duration.ofSeconds(10), Duration.ZERO)) {
            ArchiverListener listener = metrics.listenerFor("m");
            System.setErr(new java.io.PrintStream(captured, true, "UTF-8"));
            try {
                for (int i = 0; i < 3; i++) {
                    listener.uploadFailed(tp, where, refused, i + 1, Duration.ZERO);
                }
                listener.objectUploaded(tp, where, 1, 1, Duration.ZERO);
                listener.uploadFailed(tp, where, refused, 1, Duration.ZERO);
            } finally {
                System.setErr(stderr);
            }
        }
        String log = captured.toString("UTF-8");
        assertThat(log.lines().filter(l -> l.contains("ERROR")))
                .hasSize(2)
                .allSatisfy(
                        l ->
                                assertThat(l)
                                        .contains("Job 'm': every upload has failed")
                                        .contains("STORAGE_FAILING")
                                        .contains("400 XAmzContentChecksumMismatch"));
        assertThat(log).contains("Job 'm': uploads succeed again, after 3 failed attempts");
    }

    @Test
    void countsWhatTheEngineDoesAndReportsHealth() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "metrics-" + id;
        kafka.createTopic(topic, 2);
        kafka.produce(TestData.json(topic, 2, 1_000, 100));
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", "archiver-" + id);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + dir.resolve("archive"));
        s.put("staging.dir", dir.resolve("staging").toString());
        s.put("parser", "json");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        HttpClient http = HttpClient.newHttpClient();
        try (ArchiverMetrics metrics =
                        new ArchiverMetrics(
                                Map.of("env", "test"),
                                true,
                                Duration.ofMillis(200),
                                Duration.ZERO);
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            ArchiverListener listener = metrics.listenerFor("m");
            Archiver archiver =
                    Archiver.create(
                            ArchiverConfig.builder()
                                    .settings(Settings.of(s))
                                    .listener(listener)
                                    .build());
            metrics.bind("m", archiver, archiver.config().consumerProperties());
            try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, metrics)) {
                archiver.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (admin.uncommitted("archiver-" + id, topic) > 0) {
                    assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                    Thread.sleep(200);
                }
                MeterRegistry r = metrics.registry();
                assertThat(r.get("archiver.records.consumed").tag("job", "m").counter().count())
                        .isEqualTo(1_000);
                assertThat(r.get("archiver.dead.letters").tag("topic", topic).counter().count())
                        .isEqualTo(10); // every 100th value is not JSON
                assertThat(r.get("archiver.files.uploaded").counter().count()).isPositive();
                assertThat(r.get("archiver.upload.latency").timer().count())
                        .isEqualTo((long) r.get("archiver.files.uploaded").counter().count());
                assertThat(r.get("archiver.file.size").summary().totalAmount()).isPositive();
                assertThat(r.get("archiver.rebalances").counter().count()).isPositive();
                assertThat(r.get("archiver.records.archived").functionCounter().count())
                        .isEqualTo(1_000);
                assertThat(r.get("archiver.open.files").gauge().value()).isZero();
                while (r.find("archiver.consumer.lag").gauges().size() < 2) {
                    assertThat(System.nanoTime()).as("lag measured").isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(r.get("archiver.consumer.lag").tag("partition", "0").gauge().value())
                        .isZero();
                while (r.find("archiver.consumer.lag.seconds").gauges().size() < 2) {
                    assertThat(System.nanoTime())
                            .as("lag in seconds measured")
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(
                                r.get("archiver.consumer.lag.seconds")
                                        .tag("partition", "1")
                                        .gauge()
                                        .value())
                        .isZero();

                // every series the Grafana dashboard queries exists
                String scrape = get(http, server, "/metrics").body();
                Set<String> exposed =
                        scrape.lines()
                                .filter(l -> !l.startsWith("#"))
                                .map(l -> l.split("[{ ]", 2)[0])
                                .collect(Collectors.toSet());
                Matcher queried =
                        Pattern.compile("\\b(archiver|jvm)_[a-z_]+")
                                .matcher(
                                        Files.readString(
                                                Path.of("deploy/grafana/kafka-archiver.json")));
                Set<String> dashboard = new TreeSet<>();
                while (queried.find()) {
                    dashboard.add(queried.group());
                }
                // a per-topic event counter appears with its first event; this run skips none
                dashboard.remove("archiver_records_skipped_total");
                assertThat(dashboard).hasSizeGreaterThan(10);
                assertThat(exposed).containsAll(dashboard);

                assertThat(get(http, server, "/health/live").statusCode()).isEqualTo(200);
                HttpResponse<String> ready = get(http, server, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.body()).isEqualTo("{\"status\":\"UP\",\"jobs\":{\"m\":\"UP\"}}\n");
                // uploads failing without a success (here for at least Duration.ZERO): not ready,
                // but live; the next successful upload makes the job ready again
                TopicPartitionId tp = new TopicPartitionId(topic, 0);
                StorageLocation where = StorageLocation.of("file://" + dir.resolve("x"));
                listener.uploadFailed(tp, where, new IOException("injected"), 1, Duration.ZERO);
                HttpResponse<String> failing = get(http, server, "/health/ready");
                assertThat(failing.statusCode()).isEqualTo(503);
                assertThat(failing.body()).contains("\"m\":\"STORAGE_FAILING\"");
                assertThat(get(http, server, "/health/live").statusCode()).isEqualTo(200);
                listener.objectUploaded(tp, where, 1, 1, Duration.ZERO);
                assertThat(get(http, server, "/health/ready").statusCode()).isEqualTo(200);

                assertThat(get(http, server, "/metrics").body())
                        .contains(
                                "archiver_records_consumed_total{env=\"test\",job=\"m\",topic=\""
                                        + topic
                                        + "\"} 1000.0");
                assertThat(
                                ManagementFactory.getPlatformMBeanServer()
                                        .queryNames(new ObjectName("kafka.archiver:*"), null))
                        .anyMatch(n -> n.toString().toLowerCase().contains("recordsconsumed"));

                archiver.close();
                HttpResponse<String> stopped = get(http, server, "/health/ready");
                assertThat(stopped.statusCode()).isEqualTo(503);
                assertThat(stopped.body()).contains("\"m\":\"DOWN\"");
            } finally {
                archiver.close();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, MetricsServer server, String path)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
