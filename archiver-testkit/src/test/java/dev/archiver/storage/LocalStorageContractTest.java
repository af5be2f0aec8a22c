package dev.archiver.storage;

import dev.archiver.config.Settings;
import dev.archiver.storage.local.LocalStorageProvider;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.nio.file.Files;
import java.nio.file.Path;

class LocalStorageContractTest extends AbstractObjectStorageContractTest {
    private Path dir;

    @Override
    protected ObjectStorage createStorage() throws Exception {
        return new LocalStorageProvider().create(Settings.empty());
    }

    @Override
    protected StorageLocation root() throws Exception {
        dir = Files.createTempDirectory("local-contract");
        return StorageLocation.of(dir.toUri().toString());
    }

    @Override
    protected Class<? extends StorageProvider> providerClass() {
        return LocalStorageProvider.class;
    }

    @Override
    protected int largeObjectSize() {
        return 8 * 1024 * 1024;
    }
}
