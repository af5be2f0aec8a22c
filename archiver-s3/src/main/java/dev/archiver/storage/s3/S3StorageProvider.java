package dev.archiver.storage.s3;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code s3} store: Amazon S3 and S3-compatible stores (MinIO, Ceph RGW, OpenShift Data
 * Foundation, Cloudflare R2, Wasabi), for locations {@code s3://bucket/prefix} and, for
 * Hadoop-style paths, {@code s3a://bucket/prefix}. Settings are read from {@code storage.s3.}; see
 * {@link S3StorageConfig}.
 *
 * <p>Uploads below {@link S3StorageConfig#multipartThreshold()} are one {@code PutObject}; larger
 * files are uploaded in parts, in parallel, and the object appears only when the upload completes
 * (a failed upload is aborted). Every object and part carries a CRC32C (or CRC32) checksum computed
 * from the local file and verified by the store. Preconditions map onto {@code If-None-Match: *}
 * and {@code If-Match: ETAG}, on {@code PutObject} or {@code CompleteMultipartUpload}.
 *
 * <p>For embedding, the static factories build a storage from a typed configuration, optionally
 * customizing the SDK client builder, or around a ready-made {@link S3Client}.
 *
 * @since 0.1
 */
public final class S3StorageProvider implements StorageProvider {
    static final Set<String> SCHEMES = Set.of("s3", "s3a");

    /** For {@link java.util.ServiceLoader}; does nothing. */
    public S3StorageProvider() {}

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public ObjectStorage create(Settings settings) {
        return create(S3StorageConfig.from(settings));
    }

    /** A storage that owns a client built from {@code config}. */
    public static ObjectStorage create(S3StorageConfig config) {
        return create(config, builder -> {});
    }

    /**
     * A storage that owns a client built from {@code config} and then passed to {@code customizer}
     * before it is built (to add execution interceptors, a metrics publisher, a proxy...). A
     * customizer that changes the override configuration should start from {@code
     * builder.overrideConfiguration().toBuilder()} to keep the configured retries and timeouts.
     */
    public static ObjectStorage create(
            S3StorageConfig config, Consumer<S3ClientBuilder> customizer) {
        requireNonNull(config, "config is null");
        requireNonNull(customizer, "customizer is null");
        S3ClientFactory.OwnedClient owned = S3ClientFactory.create(config, customizer);
        return new S3Storage(owned.client(), config, owned.resources());
    }

    /**
     * A storage around a client the caller owns: {@link ObjectStorage#close()} does not close it.
     * Only the write, read and listing settings of {@code config} apply (multipart, checksums,
     * encryption, storage class, ACL, tags, conditional writes, page size); the client's own
     * settings (region, endpoint, credentials, retries, timeouts) are the caller's.
     */
    public static ObjectStorage create(S3Client client, S3StorageConfig config) {
        requireNonNull(client, "client is null");
        requireNonNull(config, "config is null");
        return new S3Storage(client, config, List.of());
    }
}
