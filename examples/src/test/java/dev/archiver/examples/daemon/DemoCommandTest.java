package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir Path dir;

    @Test
    void demoArchivesEveryEventOnceWithItsOwnBrokerAndVerifies() throws Exception {
        Path archive = dir.resolve("archive-demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ArchiverCli.execute(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "demo",
                        "--records",
                        "3000",
                        "--codec",
                        "zstd",
                        "--storage",
                        archive.toString());

        assertThat(code).as("exit code; stdout:\n%s\nstderr:\n%s", out, err).isZero();
        assertThat(out.toString())
                .contains("page-views/")
                .contains("dt=")
                .contains("hr=")
                .contains("OK: 3000 records")
                .contains("Verified: all 3,000 records archived exactly once");
        // the archive is partitioned by the events' hour and holds each offset once
        try (ObjectStorage store =
                StorageProviders.load()
                        .create(StorageLocation.of("file://" + archive), Settings.empty())) {
            VerificationReport report =
                    ArchiveVerifier.builder(store, StorageLocation.of("file://" + archive))
                            .build()
                            .verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.records()).isEqualTo(3000);
            assertThat(report.partitions()).hasSize(6);
        }
        try (var files = Files.walk(archive)) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl.zst")).count())
                    .isGreaterThanOrEqualTo(6 * 4);
        }
    }
}
