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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir Path dir;

    @Test
    void demoArchivesEveryEventOnceWithItsOwnBrokerAndVerifies() throws Exception {
        Path archive = dir.resolve("archive-demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the demo must pass on a busy machine, where a new partition's first batch is slow to be
        // accepted: three threads keep every core of the test machine busy meanwhile
        AtomicBoolean busy = new AtomicBoolean(true);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t =
                    new Thread(
                            () -> {
                                while (busy.get()) {
                                    Thread.onSpinWait();
                                }
                            },
                            "busy-" + i);
            t.setDaemon(true);
            t.start();
            spinners.add(t);
        }
        int code;
        try {
            code =
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
        } finally {
            busy.set(false);
            for (Thread t : spinners) {
                t.join();
            }
        }

        assertThat(code).as("exit code; stdout:\n%s\nstderr:\n%s", out, err).isZero();
        assertThat(out.toString())
                .contains("page-views/")
                .contains("dt=")
                .contains("hr=")
                .contains("3,000 records acknowledged by Kafka")
                .doesNotContain("NOT acknowledged")
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
