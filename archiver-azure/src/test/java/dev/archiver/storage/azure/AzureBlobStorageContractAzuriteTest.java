package dev.archiver.storage.azure;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProvider;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.util.HashMap;
import java.util.Map;

/**
 * The storage contract on Azurite. Blocks of 4 MiB make the contract's large objects multi-block
 * uploads (staged in parallel, committed with one block list).
 */
class AzureBlobStorageContractAzuriteTest extends AbstractObjectStorageContractTest {
    private Azurite azurite;

    @Override
    protected ObjectStorage createStorage() {
        azurite = Azurite.shared();
        Map<String, String> settings = new HashMap<>(azurite.settings());
        settings.put("storage.azure.block-size", "4MB");
        settings.put("storage.azure.max-single-upload-size", "4MB");
        return new AzureBlobStorageProvider()
                .create(Settings.of(settings).withPrefix("storage.azure."));
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("azblob://" + azurite.newContainer("contract") + "/root");
    }

    @Override
    protected Class<? extends StorageProvider> providerClass() {
        return AzureBlobStorageProvider.class;
    }
}
