package dev.archiver.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 11 of issue 14, "file:// does not fsync the parent directory after the rename": a published
 * object is durable only once the directory holding its new entry (and every directory created for
 * it) is forced. A test cannot pull the power, so this one records, through the store's directory
 * sync seam (which still forces the real directory), which directories were forced and whether the
 * object was already published at that moment.
 */
class ParentDirectoryFsyncTest {
    @TempDir Path tmp;

    private record Forced(Path dir, boolean objectVisible) {}

    private final List<Forced> forced = new ArrayList<>();

    private LocalStorage storage(Path object, boolean fsync) {
        return new LocalStorage(
                fsync,
                dir -> {
                    forced.add(new Forced(dir, Files.exists(object)));
                    try (var ch =
                            java.nio.channels.FileChannel.open(
                                    dir, java.nio.file.StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                });
    }

    private Path local() throws IOException {
        return Files.writeString(tmp.resolve("local"), "{\"a\":1}\n");
    }

    @Test
    void parentDirectoryIsForcedAfterTheRename() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("archive"));
        Path object = root.resolve("events-0-00000000000000000000.jsonl");
        LocalStorage store = storage(object, true);
        StorageLocation target = StorageLocation.of(object.toUri().toString());

        store.upload(local(), target, UploadOptions.defaults());
        assertThat(forced).containsExactly(new Forced(root, true));

        forced.clear();
        store.upload(
                local(),
                target,
                UploadOptions.defaults().withPrecondition(UploadOptions.Precondition.none()));
        assertThat(forced).containsExactly(new Forced(root, true));
    }

    @Test
    void createOnlyLinkAndIfMatchReplaceAreForcedToo() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("archive"));
        Path object = root.resolve("a.jsonl");
        LocalStorage store = storage(object, true);
        StorageLocation target = StorageLocation.of(object.toUri().toString());

        store.upload(
                local(),
                target,
                UploadOptions.defaults()
                        .withPrecondition(UploadOptions.Precondition.ifNoneMatch()));
        assertThat(forced).containsExactly(new Forced(root, true));

        forced.clear();
        String etag = store.stat(target).orElseThrow().etag().orElseThrow();
        store.upload(
                local(),
                target,
                UploadOptions.defaults()
                        .withPrecondition(UploadOptions.Precondition.ifMatch(etag)));
        assertThat(forced).containsExactly(new Forced(root, true));
    }

    @Test
    void directoriesCreatedForTheObjectAreForcedUpToTheFirstThatExisted() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("archive"));
        Path object =
                root.resolve("events/dt=2026-12-07/hr=09/events-0-00000000000000000000.jsonl");
        LocalStorage store = storage(object, true);

        store.upload(
                local(), StorageLocation.of(object.toUri().toString()), UploadOptions.defaults());

        assertThat(forced)
                .containsExactly(
                        new Forced(root.resolve("events/dt=2026-12-07/hr=09"), true),
                        new Forced(root.resolve("events/dt=2026-12-07"), true),
                        new Forced(root.resolve("events"), true),
                        new Forced(root, true));
    }

    @Test
    void withoutFsyncNothingIsForced() throws Exception {
        Path object = tmp.resolve("archive/a.jsonl");
        storage(object, false)
                .upload(
                        local(),
                        StorageLocation.of(object.toUri().toString()),
                        UploadOptions.defaults());
        assertThat(object).exists();
        assertThat(forced).isEmpty();
    }

    @Test
    void aFileSystemThatRefusesDirectorySyncIsTolerated() throws Exception {
        Path object = tmp.resolve("archive/a.jsonl");
        LocalStorage store =
                new LocalStorage(
                        true,
                        dir -> {
                            throw new IOException(dir + ": Invalid argument");
                        });
        store.upload(
                local(), StorageLocation.of(object.toUri().toString()), UploadOptions.defaults());
        assertThat(object).hasContent("{\"a\":1}");
    }

    @Test
    void aRealErrorWhileForcingFailsTheUpload() throws Exception {
        Path object = tmp.resolve("archive/a.jsonl");
        LocalStorage store =
                new LocalStorage(
                        true,
                        dir -> {
                            throw new IOException(dir + ": Input/output error");
                        });
        assertThatThrownBy(
                        () ->
                                store.upload(
                                        local(),
                                        StorageLocation.of(object.toUri().toString()),
                                        UploadOptions.defaults()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Input/output error")
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue());
    }

    @Test
    void theRealDirectorySyncWorksOnThisFileSystem() throws Exception {
        Path object = tmp.resolve("archive/a.jsonl");
        new LocalStorage(true)
                .upload(
                        local(),
                        StorageLocation.of(object.toUri().toString()),
                        UploadOptions.defaults());
        assertThat(object).exists();
    }
}
