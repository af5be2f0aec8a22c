package dev.archiver.engine;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.nio.file.Files;
import java.nio.file.Path;

/** The engine end to end with a {@code file://} archive. */
class LocalArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private Path dir;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("archive-e2e");
        }
        return StorageLocation.of(dir.toUri().toString());
    }
}
