package dev.archiver.storage.gcs;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.util.Map;
import java.util.UUID;

/** The engine end to end, exactly once, with a {@code gs://} archive on fake-gcs-server. */
class GcsArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private static final String BUCKET = "e2e";
    private final String run = "archive-" + UUID.randomUUID();

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        FakeGcsServer.shared().createBucket(BUCKET);
        return StorageLocation.of("gs://" + BUCKET + "/" + run);
    }

    @Override
    protected Map<String, String> storageSettings() {
        return FakeGcsServer.shared().settings();
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }
}
