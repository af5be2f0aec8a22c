package dev.archiver.storage.s3;

import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine end to end with an {@code s3://} archive on the module's shared S3Proxy, configured
 * through settings as the daemon would be; the multipart threshold is lowered so that larger files
 * take the multipart path. The large runs use 20,000 records instead of 100,000 to keep the
 * module's build short (the file:// binding in the testkit runs the full count). Subclasses run the
 * same suite against other servers.
 */
class S3ArchiverEndToEndTest extends AbstractArchiverEndToEndTest {
    private String bucket;

    /** The server the archive is written to. */
    protected S3TestServer server() {
        return S3ProxyServer.get();
    }

    @Override
    protected StorageLocation archiveRoot() {
        if (bucket == null) {
            bucket = server().createBucket("e2e");
        }
        return StorageLocation.of("s3://" + bucket + "/archive");
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }

    @Override
    protected Map<String, String> storageSettings() {
        Map<String, String> settings = new HashMap<>(server().settings());
        settings.put("storage.s3.multipart.threshold", "5MB");
        settings.put("storage.s3.multipart.part-size", "5MB");
        return settings;
    }
}
