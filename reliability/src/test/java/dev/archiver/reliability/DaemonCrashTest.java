package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.storage.s3.S3ProxyServer;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon killed with SIGKILL at random points while records keep arriving, then restarted, at
 * least 20 times per store ({@code -Dreliability.cycles}); the kill points are drawn from a seed
 * ({@code -Dreliability.seed}, printed) so that a failure can be replayed. Kills land before the
 * daemon is ready, while it consumes, while it uploads and right after a commit. A last daemon then
 * catches up and stops with SIGTERM, and the verifier proves, against what Kafka holds, that every
 * record is in the archive exactly once.
 */
@ExtendWith(EmbeddedKafka.class)
class DaemonCrashTest {
    private static final int PARTITIONS = 4;
    private static final Duration AWAIT = Duration.ofMinutes(2);

    /** Where a SIGKILL lands. */
    enum KillPoint {
        /** a random delay after the start, mostly before the daemon is ready */
        BEFORE_READY,
        /** a random delay after the daemon is ready */
        MID_CONSUMPTION,
        /** just after an object was uploaded, while the next ones are being written and uploaded */
        MID_UPLOAD,
        /** as soon as a commit is seen */
        AFTER_COMMIT
    }

    @TempDir Path dir;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (DaemonProcess d : daemons) {
            d.close();
        }
    }

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void fileStoreSurvivesSigkillCyclesExactlyOnce() throws Exception {
        Path archive = dir.resolve("archive");
        String uri = "file://" + archive;
        run("file", uri, "storage.uri: " + uri + "\n", Map.of(), false);
    }

    /**
     * Issue 14, hole 1: the same cycles with static membership. A daemon restarted within the
     * session timeout gets its partitions back in the same generation with a new member id; its
     * replay meets its previous incarnation's uncommitted objects and must replace them.
     */
    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void fileStoreWithStaticMembershipSurvivesSigkillCyclesExactlyOnce() throws Exception {
        Path archive = dir.resolve("archive-static");
        String uri = "file://" + archive;
        run("file-static", uri, "storage.uri: " + uri + "\n", Map.of(), true);
    }

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void s3StoreSurvivesSigkillCyclesExactlyOnce() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.createBucket("crash");
        String uri = "s3://" + bucket + "/archive";
        Map<String, String> settings =
                Map.of(
                        "storage.s3.endpoint",
                        s3.endpoint().toString(),
                        "storage.s3.path-style-access",
                        "true",
                        "storage.s3.region",
                        "us-east-1",
                        "storage.s3.access-key",
                        S3ProxyServer.ACCESS_KEY,
                        "storage.s3.secret-key",
                        S3ProxyServer.SECRET_KEY);
        StringBuilder storage = new StringBuilder("storage.uri: " + uri + "\n");
        settings.forEach((k, v) -> storage.append(k).append(": ").append(v).append('\n'));
        run("s3", uri, storage.toString(), settings, false);
    }

    private void run(
            String store,
            String uri,
            String storageConfig,
            Map<String, String> settings,
            boolean staticMember)
            throws Exception {
        long seed = ExactlyOnce.seed();
        int cycles = Integer.getInteger("reliability.cycles", 20);
        String context =
                "store " + store + ", seed " + seed + " (replay: -Dreliability.seed=" + seed + ")";
        System.out.println("[DaemonCrashTest] " + context + ", cycles " + cycles);
        Random random = new Random(seed);
        long started = System.nanoTime();

        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "crash-" + store + "-" + id;
        String group = "archiver-crash-" + id;
        kafka.createTopic(topic, PARTITIONS);
        Path logs = ExactlyOnce.logDir(topic);
        System.out.println("[DaemonCrashTest] daemon logs in " + logs.toAbsolutePath());
        int port = ChildProcessService.freePort();
        // small limits for many objects and commits between kills; offset ranges of 700 make many
        // batches span two objects, so that kills also land between the uploads of one batch
        Path config = dir.resolve("daemon-" + store + ".yaml");
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
                  session.timeout.ms: %s
                  heartbeat.interval.ms: 500
                topics: %s
                staging.dir: %s
                upload:
                  max-records: 300
                  max-file-age: 1s
                  retry.initial-backoff: 200ms
                  retry.max-backoff: 2s
                consumer.poll-timeout: 200ms
                partitioner: offset-range
                partitioner.offset-range.range: 700
                """
                                .formatted(
                                        port,
                                        kafka.bootstrapServers(),
                                        group,
                                        // a restart lands well inside a static member's session
                                        staticMember
                                                ? "30000\n  group.instance.id: static-" + id
                                                : "3000",
                                        topic,
                                        dir.resolve("staging-" + store))
                        + storageConfig);

        Map<KillPoint, Integer> kills = new EnumMap<>(KillPoint.class);
        long produced;
        long committedDuringCycles;
        try (ContinuousProducer producer =
                ContinuousProducer.start(kafka, topic, PARTITIONS, 100, 100)) {
            for (int cycle = 1; cycle <= cycles; cycle++) {
                KillPoint point = KillPoint.values()[random.nextInt(KillPoint.values().length)];
                // BEFORE_READY: ms after the start; MID_CONSUMPTION: ms after ready;
                // MID_UPLOAD: objects uploaded, then up to 150 ms; AFTER_COMMIT: commits seen
                int amount =
                        switch (point) {
                            case BEFORE_READY -> random.nextInt(4000);
                            case MID_CONSUMPTION -> random.nextInt(3000);
                            case MID_UPLOAD -> 1 + random.nextInt(6);
                            case AFTER_COMMIT -> 1 + random.nextInt(3);
                        };
                long jitter = random.nextInt(150);
                String where = context + ", cycle " + cycle + " (" + point + " " + amount + ")";
                DaemonProcess daemon =
                        DaemonProcess.start(config, logs.resolve("cycle-" + cycle + ".log"), port);
                daemons.add(daemon);
                switch (point) {
                    case BEFORE_READY -> Thread.sleep(amount);
                    case MID_CONSUMPTION -> {
                        daemon.awaitReady(AWAIT);
                        Thread.sleep(amount);
                    }
                    case MID_UPLOAD -> {
                        daemon.awaitReady(AWAIT);
                        awaitIncrease(daemon, "archiver_files_uploaded_total", amount, where);
                        Thread.sleep(jitter);
                    }
                    case AFTER_COMMIT -> {
                        daemon.awaitReady(AWAIT);
                        awaitIncrease(daemon, "archiver_commits_total", amount, where);
                    }
                }
                assertThat(daemon.isAlive())
                        .as(
                                "%s: daemon alive before the kill; log:\n%s",
                                where, ExactlyOnce.tail(daemon.output()))
                        .isTrue();
                daemon.kill();
                kills.merge(point, 1, Integer::sum);
                System.out.printf(
                        "[DaemonCrashTest] %s: killed; %d records produced, %d committed%n",
                        where,
                        producer.acknowledged(),
                        ExactlyOnce.committedTotal(kafka, group, topic));
            }
            committedDuringCycles = ExactlyOnce.committedTotal(kafka, group, topic);
            produced = producer.stop();
        }
        // the kills must have interrupted real work, not an idle daemon
        assertThat(committedDuringCycles)
                .as("%s: records committed between kills", context)
                .isPositive();

        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        assertThat(end.values().stream().mapToLong(Long::longValue).sum())
                .as(context)
                .isEqualTo(produced);
        DaemonProcess last = DaemonProcess.start(config, logs.resolve("final.log"), port);
        daemons.add(last);
        ExactlyOnce.awaitCommitted(
                kafka, group, end, List.of(last), Duration.ofMinutes(3), context + ", final run");
        double uploads = last.metric("archiver_upload_latency_seconds_count");
        double uploadSeconds = last.metric("archiver_upload_latency_seconds_sum");
        long meanUploadMillis = uploads == 0 ? 0 : Math.round(1000 * uploadSeconds / uploads);
        assertThat(last.stop(Duration.ofSeconds(90)))
                .as(
                        "%s: exit code after SIGTERM; log:\n%s",
                        context, ExactlyOnce.tail(last.output()))
                .isZero();

        VerificationReport report = ExactlyOnce.verify(kafka, uri, settings, topic);
        ExactlyOnce.assertExactlyOnce(report, produced, context);
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Figures.of("daemon SIGKILL cycles (" + store + ")")
                .put("store", store)
                .put("seed", seed)
                .put("cycles", cycles)
                .put("kills", kills)
                .put("records produced", produced)
                .put("committed during cycles", committedDuringCycles)
                .put("objects", report.objects())
                .put("mean upload time (final run)", meanUploadMillis + " ms")
                .put("lost", report.missingFromArchive() + report.gaps())
                .put("duplicated", report.duplicates())
                .put("wall time", seconds + " s")
                .record();
    }

    /** Waits until a counter of the daemon has grown by {@code by} from its value now. */
    private static void awaitIncrease(DaemonProcess daemon, String metric, int by, String where)
            throws Exception {
        double before = daemon.metric(metric);
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new AssertionError(
                        where + ": daemon died; log:\n" + ExactlyOnce.tail(daemon.output()));
            }
            if (daemon.metric(metric) >= before + by) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(
                where
                        + ": "
                        + metric
                        + " did not grow in "
                        + AWAIT
                        + "; log:\n"
                        + ExactlyOnce.tail(daemon.output()));
    }
}
