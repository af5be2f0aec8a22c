package dev.archiver.storage;

import dev.archiver.config.Settings;
import dev.archiver.storage.memory.MemoryStorageProvider;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.util.UUID;

class MemoryStorageContractTest extends AbstractObjectStorageContractTest {
    @Override
    protected ObjectStorage createStorage() {
        return new MemoryStorageProvider().create(Settings.empty());
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("memory://contract-" + UUID.randomUUID() + "/root");
    }

    @Override
    protected Class<? extends StorageProvider> providerClass() {
        return MemoryStorageProvider.class;
    }
}
