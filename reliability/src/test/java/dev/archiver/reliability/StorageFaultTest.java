package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.azure.Azurite;
import dev.archiver.storage.s3.S3ProxyServer;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.FaultInjectingProxy;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon, as a child process, archives under continuous production through a {@link
 * FaultInjectingProxy} in front of a real store emulator: about 20% of the requests fail (5xx, slow
 * answers, connection resets, truncated bodies, seeded), or the store is down for a minute. The
 * SDKs' own retries are turned off ({@code retry.max-attempts=1}, {@code retry.max-tries=1}) so
 * that every injected fault reaches the engine's retry loop and its metrics.
 *
 * <p>System properties: {@code reliability.seed} (default: random, printed), {@code
 * reliability.fault-run-seconds} (production time under faults, default 30), {@code
 * reliability.outage-seconds} (default 60, as in CI).
 */
class StorageFaultTest {
    private static final long SEED = Long.getLong("reliability.seed", System.nanoTime());
    private static final Duration PRODUCTION =
            Duration.ofSeconds(Long.getLong("reliability.fault-run-seconds", 30));
    private static final Duration OUTAGE =
            Duration.ofSeconds(Long.getLong("reliability.outage-seconds", 60));
    private static final Duration AWAIT = Duration.ofMinutes(3);
    private static final int PARTITIONS = 3;

    @TempDir Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void s3UnderTwentyPercentFaultsArchivesExactlyOnce() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.createBucket("faults");
        try (FaultInjectingProxy proxy = faultyProxy(s3.endpoint().getPort(), SEED);
                ObjectStorage direct = s3Storage(bucket, s3.endpoint().toString())) {
            underFaults(
                    "S3 (S3Proxy)",
                    SEED,
                    proxy,
                    s3Yaml(bucket, proxy.endpoint()),
                    direct,
                    StorageLocation.of("s3://" + bucket + "/archive"));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void azureUnderTwentyPercentFaultsArchivesExactlyOnce() throws Exception {
        Azurite azurite = Azurite.shared();
        String container = azurite.newContainer("faults");
        try (FaultInjectingProxy proxy = faultyProxy(azurite.port(), SEED + 1);
                ObjectStorage direct = azureStorage(container, azurite.endpoint())) {
            underFaults(
                    "Azure (Azurite)",
                    SEED + 1,
                    proxy,
                    azureYaml(container, proxy.endpoint() + "/" + Azurite.ACCOUNT),
                    direct,
                    StorageLocation.of("azblob://" + container + "/archive"));
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void s3DownForAMinuteStallsCommitsThenResumesByItself() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.createBucket("outage");
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "outage-" + id;
        String group = "archiver-" + id;
        kafka.createTopic(topic, PARTITIONS);
        StorageLocation root = StorageLocation.of("s3://" + bucket + "/archive");
        try (FaultInjectingProxy proxy =
                        FaultInjectingProxy.builder("127.0.0.1", s3.endpoint().getPort())
                                .seed(SEED)
                                .build();
                ObjectStorage direct = s3Storage(bucket, s3.endpoint().toString())) {
            int port = ChildProcessService.freePort();
            Path config = writeConfig(port, kafka, topic, group, s3Yaml(bucket, proxy.endpoint()));
            ContinuousProducer producer =
                    ContinuousProducer.start(kafka, topic, PARTITIONS, 60, 100);
            try (producer;
                    DaemonProcess daemon =
                            DaemonProcess.start(config, dir.resolve("run.log"), port)) {
                daemon.awaitReady(AWAIT);
                ExactlyOnce.awaitCaughtUp(kafka, topic, group, daemon, AWAIT);

                double failuresBefore = daemon.metric("archiver_upload_failures_total");
                proxy.setDown(true);
                long downAt = System.nanoTime();
                System.out.printf("[outage] store down for %s (seed %d)%n", OUTAGE, SEED);
                // an upload answered just before the outage may still be committed: give the
                // loop a moment, then the commits must not move while the store is down
                Duration settle = Duration.ofMillis(Math.min(10_000, OUTAGE.toMillis() / 4));
                Map<TopicPartition, Long> frozen = null;
                double ageDuringOutage = 0;
                String readiness = null;
                Duration notReadyAfter = null;
                int checks = 0;
                while (System.nanoTime() - downAt < OUTAGE.toNanos()) {
                    assertThat(daemon.isAlive())
                            .as("daemon alive during the outage; log:\n%s", daemon.output())
                            .isTrue();
                    if (frozen == null && System.nanoTime() - downAt >= settle.toNanos()) {
                        frozen = ExactlyOnce.committed(kafka, group, topic);
                        ExactlyOnce.assertCommittedIsDurable(kafka, topic, group, direct, root);
                    } else if (frozen != null) {
                        assertThat(ExactlyOnce.committed(kafka, group, topic))
                                .as("commits while the store is down")
                                .isEqualTo(frozen);
                        checks++;
                    }
                    var ready = daemon.get("/health/ready");
                    if (ready.statusCode() == 503) {
                        readiness = ready.body().trim();
                        if (notReadyAfter == null) {
                            notReadyAfter = Duration.ofNanos(System.nanoTime() - downAt);
                        }
                    }
                    ageDuringOutage =
                            Math.max(
                                    ageDuringOutage,
                                    daemon.metric("archiver_staged_oldest_age_seconds"));
                    Thread.sleep(1000);
                }
                double failuresDuringOutage =
                        daemon.metric("archiver_upload_failures_total") - failuresBefore;
                ExactlyOnce.assertCommittedIsDurable(kafka, topic, group, direct, root);
                assertThat(checks).as("commit checks during the outage").isPositive();
                assertThat(failuresDuringOutage)
                        .as("upload failures counted while the store is down")
                        .isPositive();
                if (OUTAGE.toSeconds() >= 45) {
                    // the daemon reports a store failing for 30 s on its readiness endpoint
                    assertThat(readiness)
                            .as("readiness during the outage")
                            .contains("STORAGE_FAILING");
                }
                assertThat(ageDuringOutage)
                        .as("staged data ages while the store is down")
                        .isGreaterThanOrEqualTo(OUTAGE.toSeconds() / 2.0);

                proxy.setDown(false);
                long upAt = System.nanoTime();
                ExactlyOnce.awaitCaughtUp(kafka, topic, group, daemon, AWAIT);
                Duration catchUp = Duration.ofNanos(System.nanoTime() - upAt);
                assertThat(daemon.get("/health/ready").statusCode())
                        .as("ready again once the store is back")
                        .isEqualTo(200);
                Duration stall = Duration.ofNanos(upAt - downAt);

                long produced = producer.stop();
                ExactlyOnce.awaitCaughtUp(kafka, topic, group, daemon, AWAIT);
                assertThat(daemon.stop(Duration.ofSeconds(90)))
                        .as("exit code; log:\n%s", daemon.output())
                        .isZero();
                VerificationReport report =
                        ExactlyOnce.verifyExactlyOnce(kafka, topic, direct, root, produced);
                Figures.of("store down (S3, `StorageFaultTest`)")
                        .put("seed", SEED)
                        .put("outage", stall.toSeconds() + " s")
                        .put("commits during outage", 0)
                        .put("requests refused", proxy.faultsInjected())
                        .put("upload failures (metrics)", (long) failuresDuringOutage)
                        .put(
                                "readiness",
                                notReadyAfter == null
                                        ? "200 throughout"
                                        : "503 "
                                                + readiness
                                                + " after "
                                                + notReadyAfter.toSeconds()
                                                + " s")
                        .put("catch-up after recovery", catchUp.toMillis() / 1000.0 + " s")
                        .put("records", report.records())
                        .put("objects", report.objects())
                        .put("lost", report.missingFromArchive() + report.gaps())
                        .put("duplicated", report.duplicates())
                        .record();
            }
        }
    }

    private void underFaults(
            String store,
            long seed,
            FaultInjectingProxy proxy,
            String storageYaml,
            ObjectStorage direct,
            StorageLocation root)
            throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "faults-" + id;
        String group = "archiver-" + id;
        kafka.createTopic(topic, PARTITIONS);
        System.out.printf("[faults] %s through %s, seed %d%n", store, proxy.endpoint(), seed);
        int port = ChildProcessService.freePort();
        Path config = writeConfig(port, kafka, topic, group, storageYaml);
        ContinuousProducer producer = ContinuousProducer.start(kafka, topic, PARTITIONS, 60, 100);
        try (producer;
                DaemonProcess daemon = DaemonProcess.start(config, dir.resolve("run.log"), port)) {
            daemon.awaitReady(AWAIT);
            long start = System.nanoTime();
            long nextCheck = start + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - start < PRODUCTION.toNanos()) {
                assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", daemon.output()).isTrue();
                if (System.nanoTime() >= nextCheck) {
                    ExactlyOnce.assertCommittedIsDurable(kafka, topic, group, direct, root);
                    nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                }
                Thread.sleep(500);
            }
            long produced = producer.stop();
            ExactlyOnce.awaitCaughtUp(kafka, topic, group, daemon, AWAIT);
            ExactlyOnce.assertCommittedIsDurable(kafka, topic, group, direct, root);
            double failures = daemon.metric("archiver_upload_failures_total");
            double uploaded = daemon.metric("archiver_files_uploaded_total");
            String log = daemon.output();
            assertThat(daemon.stop(Duration.ofSeconds(90))).as("exit code; log:\n%s", log).isZero();
            log = daemon.output();
            assertThat(log).doesNotContain("stopped by an error").doesNotContain("given up");
            assertThat(proxy.faultsInjected()).as(proxy.stats()).isPositive();
            // every fault that reached an upload was counted and retried; no failure without a
            // fault
            assertThat(failures).as("upload failures counted; %s", proxy.stats()).isPositive();
            assertThat(failures)
                    .as("upload failures vs faults injected; %s", proxy.stats())
                    .isLessThanOrEqualTo(proxy.faultsInjected());
            assertThat(log).contains("failed (attempt 1, retrying in");

            VerificationReport report =
                    ExactlyOnce.verifyExactlyOnce(kafka, topic, direct, root, produced);
            assertThat((double) report.objects()).isLessThanOrEqualTo(uploaded);
            double faultRate = (double) proxy.faultsInjected() / proxy.requests();
            Figures.of("20% storage faults, " + store + " (`StorageFaultTest`)")
                    .put("seed", seed)
                    .put("requests", proxy.requests())
                    .put("faults injected", proxy.faultsInjected())
                    .put("fault rate", String.format("%.1f%%", faultRate * 100))
                    .put("faults", "{" + proxy.stats() + "}")
                    .put("upload failures (metrics, each retried)", (long) failures)
                    .put("records", report.records())
                    .put("objects", report.objects())
                    .put("lost", report.missingFromArchive() + report.gaps())
                    .put("duplicated", report.duplicates())
                    .record();
        }
    }

    private static FaultInjectingProxy faultyProxy(int targetPort, long seed) throws Exception {
        return FaultInjectingProxy.builder("127.0.0.1", targetPort)
                .errorRate(0.08)
                .slowRate(0.04)
                .slowDelay(Duration.ofSeconds(1))
                .resetRate(0.05)
                .truncateRate(0.03)
                .seed(seed)
                .build();
    }

    private Path writeConfig(
            int port, EmbeddedKafka.Broker kafka, String topic, String group, String storageYaml)
            throws Exception {
        Path config = dir.resolve("daemon.yaml");
        Files.writeString(
                config,
                """
                metrics:
                  port: %d
                  bind-address: 127.0.0.1
                  jmx.enabled: false
                  lag-interval: 1s
                shutdown.timeout: 60s
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: %s
                  session.timeout.ms: 10000
                  heartbeat.interval.ms: 1000
                topics: %s
                staging.dir: %s
                upload:
                  max-records: 500
                  max-file-age: 500ms
                  retry.initial-backoff: 200ms
                  retry.max-backoff: 3s
                consumer.poll-timeout: 200ms
                %s
                """
                        .formatted(
                                port,
                                kafka.bootstrapServers(),
                                group,
                                topic,
                                dir.resolve("staging"),
                                storageYaml));
        return config;
    }

    private static String s3Yaml(String bucket, String endpoint) {
        return """
                storage.uri: s3://%s/archive
                storage.s3:
                  endpoint: %s
                  path-style-access: true
                  region: us-east-1
                  access-key: %s
                  secret-key: %s
                  retry.max-attempts: 1
                """
                .formatted(bucket, endpoint, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    private static String azureYaml(String container, String endpoint) {
        return """
                storage.uri: azblob://%s/archive
                storage.azure:
                  account: %s
                  account-key: %s
                  endpoint: %s
                  retry.max-tries: 1
                  retry.try-timeout: 30s
                """
                .formatted(container, Azurite.ACCOUNT, Azurite.KEY, endpoint);
    }

    static ObjectStorage s3Storage(String bucket, String endpoint) {
        return StorageProviders.load()
                .create(
                        StorageLocation.of("s3://" + bucket + "/archive"),
                        Settings.of(
                                Map.of(
                                        "storage.s3.endpoint",
                                        endpoint,
                                        "storage.s3.path-style-access",
                                        "true",
                                        "storage.s3.region",
                                        "us-east-1",
                                        "storage.s3.access-key",
                                        S3ProxyServer.ACCESS_KEY,
                                        "storage.s3.secret-key",
                                        S3ProxyServer.SECRET_KEY)));
    }

    static ObjectStorage azureStorage(String container, String endpoint) {
        return StorageProviders.load()
                .create(
                        StorageLocation.of("azblob://" + container + "/archive"),
                        Settings.of(
                                Map.of(
                                        "storage.azure.account", Azurite.ACCOUNT,
                                        "storage.azure.account-key", Azurite.KEY,
                                        "storage.azure.endpoint", endpoint)));
    }
}
