package dev.archiver.storage.swift;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.util.Map;
import java.util.UUID;

/**
 * The engine end to end, exactly once, with a {@code swift://} archive on real OpenStack Swift
 * (TempAuth). The SLO threshold is lowered to 1 MB (512 KB segments) so that the larger archive
 * files go through Static Large Objects and their create-only manifests.
 */
class SwiftArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private static final String CONTAINER = "e2e";
    private final String prefix = "archive-" + UUID.randomUUID();
    private boolean containerCreated;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (!containerCreated) {
            SwiftSaio.tempAuth().createContainer(CONTAINER);
            containerCreated = true;
        }
        return StorageLocation.of("swift://" + CONTAINER + "/" + prefix);
    }

    @Override
    protected Map<String, String> storageSettings() {
        return SwiftSaio.tempAuth()
                .tempAuthSettings(
                        Map.of(
                                "storage.swift.slo.threshold", "1MB",
                                "storage.swift.slo.segment-size", "512KB"));
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }
}
