package dev.archiver.storage.gcs;

import static java.util.Objects.requireNonNull;

import com.google.cloud.storage.Storage;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.Set;

/**
 * The {@code gs://bucket/key} store on Google Cloud Storage, named {@code gcs}: its settings live
 * under {@code storage.gcs.} (see {@link GcsStorageConfig}).
 *
 * <p>Uploads are atomic (an object appears only when its upload is finalized), checked with CRC32C,
 * and conditional writes use GCS generations: create-only is {@code ifGenerationMatch=0}, if-match
 * compares the generation that {@link dev.archiver.storage.ObjectInfo#etag()} reports.
 *
 * <p>Applications that already have a configured {@link Storage} client (their own credentials,
 * transport or interceptors) use {@link #forClient(Storage, GcsStorageConfig)}.
 *
 * @since 0.1
 */
public final class GcsStorageProvider implements StorageProvider {
    @Override
    public String name() {
        return "gcs";
    }

    @Override
    public Set<String> schemes() {
        return Set.of(GcsLocation.SCHEME);
    }

    /**
     * @throws dev.archiver.config.ConfigException when a setting is invalid or the credentials
     *     cannot be loaded
     */
    @Override
    public ObjectStorage create(Settings settings) {
        return GcsStorage.create(GcsStorageConfig.from(settings));
    }

    /**
     * A store on a ready-made client. Only the upload settings of {@code config} ({@code
     * chunkSize}, {@code resumableThreshold}, {@code storageClass}) apply; credentials, endpoint
     * and retries are the client's. Closing the store does not close {@code client}: it stays the
     * caller's.
     */
    public static ObjectStorage forClient(Storage client, GcsStorageConfig config) {
        return new GcsStorage(
                requireNonNull(client, "client is null"),
                requireNonNull(config, "config is null"),
                false);
    }

    /** {@link #forClient(Storage, GcsStorageConfig)} with the default upload settings. */
    public static ObjectStorage forClient(Storage client) {
        return forClient(client, GcsStorageConfig.defaults());
    }
}
