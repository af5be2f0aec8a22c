package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, hole 7, through the daemon: SIGKILLed mid-upload until the archive holds records that
 * were uploaded and not committed, then restarted with {@code codec: gzip} instead of {@code zstd}.
 * The replay writes other keys; the leftovers must be removed, not archived a second time.
 */
@ExtendWith(EmbeddedKafka.class)
class DaemonConfigChangeAfterCrashTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 30_000;
    private static final Duration AWAIT = Duration.ofMinutes(2);

    @TempDir Path dir;

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void hole7SigkillMidUploadThenRestartWithAnotherCodecArchivesExactlyOnce() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "codec-change-" + id;
        String group = "archiver-codec-change-" + id;
        kafka.createTopic(topic, PARTITIONS);
        kafka.produce(TestData.mixed(topic, PARTITIONS, RECORDS, 5));
        long produced = RECORDS;
        Path logs = ExactlyOnce.logDir(topic);
        int port = ChildProcessService.freePort();
        String uri = "file://" + dir.resolve("archive");
        StorageLocation root = StorageLocation.of(uri);
        Path config = dir.resolve("daemon.yaml");

        long leftover = 0;
        int kills = 0;
        try (ObjectStorage store = StorageProviders.load().create(root, Settings.empty())) {
            while (leftover == 0) {
                assertThat(kills)
                        .as("a kill between upload and commit within 10 tries")
                        .isLessThan(10);
                if (ExactlyOnce.committedTotal(kafka, group, topic) >= produced) {
                    // everything so far was committed before a kill landed between upload and
                    // commit (a slow machine): give the next daemon records to upload
                    kafka.produce(TestData.mixed(topic, PARTITIONS, RECORDS, 6 + kills));
                    produced += RECORDS;
                }
                Files.writeString(config, config(port, kafka, group, topic, uri, "zstd"));
                DaemonProcess daemon =
                        DaemonProcess.start(config, logs.resolve("killed-" + kills + ".log"), port);
                try {
                    daemon.awaitReady(AWAIT);
                    double before = daemon.metric("archiver_files_uploaded_total");
                    long deadline = System.nanoTime() + AWAIT.toNanos();
                    while (daemon.metric("archiver_files_uploaded_total") < before + 1 + kills
                            && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    daemon.kill();
                } finally {
                    daemon.close();
                }
                kills++;
                long archived = ArchiveContents.readAll(store, root, null).size();
                leftover = archived - ExactlyOnce.committedTotal(kafka, group, topic);
            }
        }
        System.out.printf(
                "[DaemonConfigChangeAfterCrashTest] %d kill(s); %d records uploaded and not committed%n",
                kills, leftover);

        Files.writeString(config, config(port, kafka, group, topic, uri, "gzip"));
        DaemonProcess restarted = DaemonProcess.start(config, logs.resolve("gzip.log"), port);
        try {
            Map<TopicPartition, Long> end = kafka.endOffsets(topic);
            ExactlyOnce.awaitCommitted(
                    kafka, group, end, List.of(restarted), Duration.ofMinutes(3), "gzip run");
            assertThat(restarted.stop(Duration.ofSeconds(90))).isZero();
        } finally {
            restarted.close();
        }
        VerificationReport report = ExactlyOnce.verify(kafka, uri, Map.of(), topic);
        ExactlyOnce.assertExactlyOnce(report, produced, "codec changed after a SIGKILL");
        assertThat(report.duplicates()).as(report.summary()).isZero();
    }

    private static String config(
            int port,
            EmbeddedKafka.Broker kafka,
            String group,
            String topic,
            String uri,
            String codec) {
        return """
                metrics:
                  port: %d
                  bind-address: 127.0.0.1
                  jmx.enabled: false
                shutdown.timeout: 60s
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: %s
                  session.timeout.ms: 3000
                  heartbeat.interval.ms: 500
                topics: %s
                staging.dir: %s
                codec: %s
                upload:
                  max-records: 1000
                  max-file-age: 1s
                  retry.initial-backoff: 200ms
                  retry.max-backoff: 2s
                consumer.poll-timeout: 200ms
                storage.uri: %s
                """
                .formatted(
                        port,
                        kafka.bootstrapServers(),
                        group,
                        topic,
                        Path.of(uri.substring("file://".length())).resolveSibling("staging"),
                        codec,
                        uri);
    }
}
