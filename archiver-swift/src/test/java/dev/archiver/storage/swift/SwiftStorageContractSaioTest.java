package dev.archiver.storage.swift;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProvider;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.util.Map;
import java.util.UUID;

/**
 * The storage contract against real OpenStack Swift (TempAuth). The SLO threshold is lowered to 5
 * MB with 4 MB segments, so the contract's 17 MB objects are Static Large Objects of 5 segments,
 * and the listing page to 500 names, so that the 1105-object listing pages through markers.
 */
class SwiftStorageContractSaioTest extends AbstractObjectStorageContractTest {
    static final String CONTAINER = "contract";

    @Override
    protected ObjectStorage createStorage() throws Exception {
        SwiftSaio.Server server = SwiftSaio.tempAuth();
        server.createContainer(CONTAINER);
        Map<String, String> settings =
                server.tempAuthSettings(
                        Map.of(
                                "storage.swift.slo.threshold", "5MB",
                                "storage.swift.slo.segment-size", "4MB",
                                "storage.swift.list.page-size", "500"));
        return new SwiftStorageProvider()
                .create(Settings.of(settings).withPrefix("storage.swift."));
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("swift://" + CONTAINER + "/run-" + UUID.randomUUID());
    }

    @Override
    protected Class<? extends StorageProvider> providerClass() {
        return SwiftStorageProvider.class;
    }
}
