package dev.archiver.storage.swift;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractEtagReuseAbaTest;
import java.util.Map;
import java.util.UUID;

/**
 * Hole 6 of issue 14, "ETag reuse (ABA)", against real OpenStack Swift, whose ETag is the content's
 * MD5 and whose if-match is the storage's HEAD ({@code X-Newest}) before the PUT.
 */
class SwiftEtagReuseAbaSaioTest extends AbstractEtagReuseAbaTest {
    static final String CONTAINER = "aba";

    @Override
    protected ObjectStorage createStorage() throws Exception {
        SwiftSaio.Server server = SwiftSaio.tempAuth();
        server.createContainer(CONTAINER);
        return new SwiftStorageProvider()
                .create(
                        Settings.of(server.tempAuthSettings(Map.of()))
                                .withPrefix("storage.swift."));
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("swift://" + CONTAINER + "/run-" + UUID.randomUUID());
    }
}
