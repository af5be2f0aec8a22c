package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.storage.s3.S3ProxyServer;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.FaultInjectingProxy;
import dev.archiver.testing.TestData;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's stop contract while an upload hangs: SIGTERM waits for the in-flight upload (within
 * {@code shutdown.timeout}), a second SIGTERM exits at once, and nothing is lost or doubled: the
 * uncommitted records are archived after a restart.
 */
class DaemonSignalsTest {
    private static final Duration AWAIT = Duration.ofMinutes(2);
    private static final int RECORDS = 2_000;

    @TempDir Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aSecondSigtermExitsAtOnceWhileAnUploadHangsAndTheRestartArchivesExactlyOnce()
            throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        S3ProxyServer s3 = S3ProxyServer.get();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "signals-" + id;
        String bucket = s3.createBucket("signals");
        kafka.createTopic(topic, 2);
        kafka.produce(TestData.stampedNow(TestData.mixed(topic, 2, RECORDS, 11)));

        try (FaultInjectingProxy proxy =
                FaultInjectingProxy.builder("127.0.0.1", s3.endpoint().getPort()).build()) {
            // every object upload hangs, as behind a stalled network
            proxy.holdMatching(
                    line ->
                            line.startsWith("PUT /" + bucket + "/")
                                    || line.startsWith("POST /" + bucket + "/"));
            int port = ChildProcessService.freePort();
            Path config = config(kafka, proxy.endpoint(), bucket, topic, "archiver-" + id, port);

            DaemonProcess first = DaemonProcess.start(config, dir.resolve("run1.log"), port);
            try {
                first.awaitReady(AWAIT);
                awaitConsumed(first, RECORDS);
                assertThat(first.metric("archiver_files_uploaded_total"))
                        .as("uploads are held")
                        .isZero();

                first.process().destroy(); // SIGTERM: waits for the held upload
                awaitLog(first, "SIGTERM: stopping");
                Thread.sleep(3_000);
                assertThat(first.isAlive())
                        .as("still finishing its upload; log:\n%s", first.output())
                        .isTrue();

                long before = System.nanoTime();
                first.process().destroy(); // the second SIGTERM: out now
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS))
                        .as("exited on the second signal; log:\n%s", first.output())
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - before))
                        .isLessThan(Duration.ofSeconds(30));
                assertThat(first.process().exitValue()).isEqualTo(128 + 15);
                assertThat(first.output()).contains("Second SIGTERM: exiting now");
            } finally {
                first.close();
            }

            // the store answers again; a restart archives everything exactly once
            proxy.release();
            DaemonProcess second = DaemonProcess.start(config, dir.resolve("run2.log"), port);
            try {
                second.awaitReady(AWAIT);
                awaitArchived(second, RECORDS);
                assertThat(second.stop(Duration.ofSeconds(90))).as(second.output()).isZero();
            } finally {
                second.close();
            }
        }

        Map<String, String> settings =
                Map.of(
                        "storage.s3.endpoint",
                        s3.endpoint().toString(),
                        "storage.s3.path-style-access",
                        "true",
                        "storage.s3.access-key",
                        S3ProxyServer.ACCESS_KEY,
                        "storage.s3.secret-key",
                        S3ProxyServer.SECRET_KEY);
        VerificationReport report =
                ExactlyOnce.verify(kafka, "s3://" + bucket + "/archive", settings, topic);
        ExactlyOnce.assertExactlyOnce(report, RECORDS, topic);
    }

    private Path config(
            EmbeddedKafka.Broker kafka,
            String endpoint,
            String bucket,
            String topic,
            String group,
            int port)
            throws Exception {
        Path config = dir.resolve("daemon.yaml");
        Files.writeString(
                config,
                """
                metrics:
                  port: %d
                  bind-address: 127.0.0.1
                  jmx.enabled: false
                shutdown.timeout: 120s
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: %s
                topics: %s
                storage:
                  uri: s3://%s/archive
                  s3:
                    endpoint: %s
                    path-style-access: true
                    access-key: %s
                    secret-key: %s
                staging.dir: %s
                upload:
                  max-records: 500
                  max-file-age: 1s
                consumer.poll-timeout: 200ms
                """
                        .formatted(
                                port,
                                kafka.bootstrapServers(),
                                group,
                                topic,
                                bucket,
                                endpoint,
                                S3ProxyServer.ACCESS_KEY,
                                S3ProxyServer.SECRET_KEY,
                                dir.resolve("staging")));
        return config;
    }

    private static void awaitConsumed(DaemonProcess daemon, long records) throws Exception {
        awaitMetric(daemon, "archiver_records_consumed_total", records);
    }

    private static void awaitArchived(DaemonProcess daemon, long records) throws Exception {
        awaitMetric(daemon, "archiver_records_archived_total", records);
    }

    private static void awaitMetric(DaemonProcess daemon, String name, long atLeast)
            throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        double value = 0;
        while (System.nanoTime() < deadline) {
            assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", daemon.output()).isTrue();
            value = daemon.metric(name);
            if (value >= atLeast) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(
                name + " = " + value + ", expected " + atLeast + "; log:\n" + daemon.output());
    }

    private static void awaitLog(DaemonProcess daemon, String line) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!daemon.output().contains(line)) {
            assertThat(System.nanoTime())
                    .as("'%s' in the log:\n%s", line, daemon.output())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
