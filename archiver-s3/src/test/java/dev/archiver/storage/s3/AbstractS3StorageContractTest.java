package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProvider;
import dev.archiver.storage.UploadOptions;
import dev.archiver.testing.AbstractObjectStorageContractTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The storage contract for the {@code s3} store against one S3-compatible server, plus checks
 * against the server's native view (written by the SDK, read through the storage, and the reverse).
 * The multipart threshold is lowered so that the contract's large objects go through multipart.
 */
abstract class AbstractS3StorageContractTest extends AbstractObjectStorageContractTest {
    private static final long MB = 1L << 20;

    private String bucket;
    private final String runPrefix = "run-" + UUID.randomUUID();

    /** The server this binding runs against. */
    protected abstract S3TestServer server();

    /** The configuration that reaches the server (endpoint, credentials, path style). */
    protected S3StorageConfig.Builder serverConfig() {
        return server().config();
    }

    /** A raw SDK client for the same server. */
    protected S3Client nativeClient() {
        return server().client();
    }

    /** Creates a bucket for this class. */
    protected String createBucket() {
        return server().createBucket("contract");
    }

    @Override
    protected final ObjectStorage createStorage() {
        return S3StorageProvider.create(
                serverConfig().multipartThreshold(5 * MB).partSize(5 * MB).build());
    }

    @Override
    protected final StorageLocation root() {
        if (bucket == null) {
            bucket = createBucket();
        }
        return StorageLocation.of("s3://" + bucket + "/" + runPrefix);
    }

    @Override
    protected final Class<? extends StorageProvider> providerClass() {
        return S3StorageProvider.class;
    }

    @Override
    protected final int largeObjectSize() {
        return 17 * 1024 * 1024;
    }

    @Test
    void objectWrittenByTheSdkIsReadThroughTheStorage() throws Exception {
        StorageLocation loc = location("native/written-by-sdk.txt");
        nativeClient()
                .putObject(
                        r -> r.bucket(bucket).key(loc.key()).metadata(Map.of("origin", "sdk")),
                        RequestBody.fromString("from the sdk"));

        try (InputStream in = storage().open(loc)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("from the sdk");
        }
        assertThat(storage().stat(loc).orElseThrow().metadata()).containsEntry("origin", "sdk");
    }

    @Test
    void objectWrittenByTheStorageIsReadByTheSdk() throws Exception {
        StorageLocation loc = location("native/written-by-storage.txt");
        storage()
                .upload(
                        file("from the storage".getBytes(StandardCharsets.UTF_8)),
                        loc,
                        UploadOptions.defaults().withMetadata(Map.of("origin", "storage")));

        var response = nativeClient().getObjectAsBytes(r -> r.bucket(bucket).key(loc.key()));
        assertThat(response.asUtf8String()).isEqualTo("from the storage");
        assertThat(response.response().metadata()).containsEntry("origin", "storage");
    }

    protected final String bucket() {
        return bucket;
    }
}
