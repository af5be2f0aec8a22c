package dev.archiver.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.local.LocalStorageProvider;
import dev.archiver.storage.memory.MemoryStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects under {@link ArchiveVerifier#RESERVED_PREFIX} are the archiver's own, not data; objects
 * beside the root whose key only starts with the root's are not the archive's.
 */
class ArchiveVerifierReservedPrefixTest {
    @TempDir Path dir;

    @Test
    void objectsUnderTheReservedPrefixAreSkippedAndOthersAreStillReported() throws Exception {
        StorageLocation root = StorageLocation.of("memory://verifier-reserved/archive");
        Path file = Files.writeString(dir.resolve("probe.txt"), "probe\n");
        try (ObjectStorage storage = new MemoryStorageProvider().create(Settings.of(Map.of()))) {
            storage.upload(
                    file,
                    root.resolve(ArchiveVerifier.RESERVED_PREFIX + "startup-probe-1"),
                    UploadOptions.defaults());
            StorageLocation stray = root.resolve("stray.bin");
            storage.upload(file, stray, UploadOptions.defaults());

            VerificationReport report = ArchiveVerifier.builder(storage, root).build().verify();

            assertThat(report.unreadable()).containsExactly(stray + ": unknown file type");
        } finally {
            MemoryStorageProvider.clear("verifier-reserved");
        }
    }

    @Test
    void siblingsWhoseNamesStartWithTheRootsAreNotPartOfTheArchive() throws Exception {
        Path archive = dir.resolve("x");
        Path file = Files.writeString(dir.resolve("stray.txt"), "not an archive\n");
        StorageLocation root = StorageLocation.of(archive.toUri().toString());
        try (ObjectStorage storage = new LocalStorageProvider().create(Settings.of(Map.of()))) {
            // /tmp/.../x.log and /tmp/.../xy/stray.bin match the root "x" as a string prefix
            storage.upload(
                    file,
                    StorageLocation.of(dir.resolve("x.log").toUri().toString()),
                    UploadOptions.defaults());
            storage.upload(
                    file,
                    StorageLocation.of(dir.resolve("xy/stray.bin").toUri().toString()),
                    UploadOptions.defaults());
            StorageLocation inside = root.resolve("stray.bin");
            storage.upload(file, inside, UploadOptions.defaults());

            VerificationReport report = ArchiveVerifier.builder(storage, root).build().verify();

            assertThat(report.unreadable()).containsExactly(inside + ": unknown file type");
        }
    }
}
