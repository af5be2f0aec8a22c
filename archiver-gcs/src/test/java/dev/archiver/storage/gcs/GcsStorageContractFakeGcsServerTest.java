package dev.archiver.storage.gcs;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProvider;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.util.UUID;

/** The storage contract on fake-gcs-server, through the provider and the JSON API over HTTP. */
class GcsStorageContractFakeGcsServerTest extends AbstractObjectStorageContractTest {
    private static final String BUCKET = "contract";
    private final String run = "run-" + UUID.randomUUID();

    @Override
    protected ObjectStorage createStorage() throws Exception {
        FakeGcsServer server = FakeGcsServer.shared();
        server.createBucket(BUCKET);
        return new GcsStorageProvider()
                .create(Settings.of(server.settings()).withPrefix("storage.gcs."));
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("gs://" + BUCKET + "/" + run);
    }

    @Override
    protected Class<? extends StorageProvider> providerClass() {
        return GcsStorageProvider.class;
    }
}
