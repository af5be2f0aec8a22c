package dev.archiver.storage.azure;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.util.Map;

/** The engine end to end, exactly once, with an {@code azblob://} archive on Azurite. */
class AzureArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private String container;

    @Override
    protected StorageLocation archiveRoot() {
        if (container == null) {
            container = Azurite.shared().newContainer("e2e");
        }
        return StorageLocation.of("azblob://" + container + "/archive");
    }

    @Override
    protected Map<String, String> storageSettings() {
        return Azurite.shared().settings();
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }
}
