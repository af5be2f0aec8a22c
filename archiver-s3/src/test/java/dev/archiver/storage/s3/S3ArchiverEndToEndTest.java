package dev.archiver.storage.s3;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.util.Map;

/**
 * The engine end to end with an {@code s3://} archive on the module's shared S3Proxy, configured
 * through settings as the daemon would be; the multipart threshold is lowered so that larger files
 * take the multipart path. The large runs use 20,000 records instead of 100,000 to keep the
 * module's build short (the file:// binding in the testkit runs the full count).
 */
class S3ArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private String bucket;

    @Override
    protected StorageLocation archiveRoot() {
        if (bucket == null) {
            bucket = S3ProxyServer.get().createBucket("e2e");
        }
        return StorageLocation.of("s3://" + bucket + "/archive");
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }

    @Override
    protected Map<String, String> storageSettings() {
        S3ProxyServer server = S3ProxyServer.get();
        return Map.of(
                "storage.s3.endpoint",
                server.endpoint().toString(),
                "storage.s3.path-style-access",
                "true",
                "storage.s3.access-key",
                S3ProxyServer.ACCESS_KEY,
                "storage.s3.secret-key",
                S3ProxyServer.SECRET_KEY,
                "storage.s3.multipart.threshold",
                "5MB",
                "storage.s3.multipart.part-size",
                "5MB");
    }
}
