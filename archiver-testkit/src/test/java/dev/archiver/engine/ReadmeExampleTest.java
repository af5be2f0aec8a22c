package dev.archiver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The library quick start of README.md, as written there, archives and verifies. */
@ExtendWith(EmbeddedKafka.class)
class ReadmeExampleTest {
    @TempDir Path archive;
    @TempDir Path staging;

    @Test
    void quickStartArchivesExactlyOnce(EmbeddedKafka.Broker kafka) throws Exception {
        kafka.createTopic("events", 2);
        kafka.produce(TestData.json("events", 2, 500, 0));
        String uri = archive.toUri().toString();
        try (Archiver archiver =
                Archiver.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .groupId("archiver")
                        .topics("events")
                        .storage(uri)
                        .format("jsonl")
                        .codec("zstd")
                        .partitioner("time", Map.of("pattern", "'dt='yyyy-MM-dd/'hr='HH"))
                        .stagingDir(staging)
                        .build()) {
            archiver.start();
            // the default age policy (10 minutes) would be too slow for a test: closing drains
            // nothing
            // that is not sealed, so wait for the stats instead of sleeping
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (archiver.stats().recordsConsumed() < 500 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(archiver.stats().recordsConsumed()).isEqualTo(500);
        }
        // nothing was sealed yet: the archive is empty and a second engine replays everything
        try (Archiver archiver =
                Archiver.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .groupId("archiver")
                        .topics("events")
                        .storage(uri)
                        .codec("zstd")
                        .uploadPolicy((stats, now) -> stats.records() >= 100)
                        .stagingDir(staging)
                        .build()) {
            archiver.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (archiver.stats().recordsArchived() < 500 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        try (ObjectStorage storage =
                StorageProviders.load().create(StorageLocation.of(uri), Settings.empty())) {
            VerificationReport report =
                    ArchiveVerifier.builder(storage, StorageLocation.of(uri))
                            .compareWithKafka(kafka.bootstrapServers())
                            .build()
                            .verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.records()).isEqualTo(500);
        }
    }
}
