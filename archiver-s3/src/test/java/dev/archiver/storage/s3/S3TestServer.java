package dev.archiver.storage.s3;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server the module's suites run against (S3Proxy in the JVM, MinIO over HTTP or
 * HTTPS, moto): one instance per test JVM, shared by every class that uses it. Published in this
 * module's test jar.
 */
public interface S3TestServer {
    /** What the server is, for display names and messages ("MinIO over HTTPS"). */
    String name();

    URI endpoint();

    String accessKey();

    String secretKey();

    /** A raw SDK client with the right credentials (and trust), to check what the storage wrote. */
    S3Client client();

    /** Creates a fresh bucket with a unique name starting with {@code purpose}. */
    String createBucket(String purpose);

    /** The storage configuration that reaches this server; tests adjust the rest. */
    default S3StorageConfig.Builder config() {
        return S3StorageConfig.builder()
                .endpoint(endpoint())
                .region("us-east-1")
                .pathStyleAccess(true)
                .credentials(
                        S3StorageConfig.Credentials.staticKeys(
                                accessKey(), dev.archiver.config.Secret.of(secretKey())));
    }

    /** The same as settings under {@code storage.s3.}, as the daemon would be configured. */
    default Map<String, String> settings() {
        return settings(endpoint().toString());
    }

    /** {@link #settings()} with another endpoint (a proxy in front of the server). */
    default Map<String, String> settings(String endpoint) {
        return Map.of(
                "storage.s3.endpoint",
                endpoint,
                "storage.s3.path-style-access",
                "true",
                "storage.s3.access-key",
                accessKey(),
                "storage.s3.secret-key",
                secretKey());
    }
}
