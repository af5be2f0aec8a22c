package dev.archiver.storage.azure;

import static java.util.Objects.requireNonNull;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.Set;

/**
 * The {@code azure} store: Azure Blob Storage (and Azurite), for locations {@code
 * azblob://container/prefix}, with the account taken from the settings, and {@code
 * abfs[s]://container@account.dfs.core.windows.net/prefix}, written through the account's blob
 * endpoint. Settings are read from {@code storage.azure.}; see {@link AzureBlobStorageConfig}.
 *
 * <p>Every object is a block blob. Files up to {@code max-single-upload-size} are uploaded with one
 * request; larger files are staged as blocks in parallel and committed with one block list, so a
 * blob appears whole or not at all. Request bodies carry an MD5 the service verifies, and the blob
 * keeps the file's MD5 as its {@code Content-MD5}. Preconditions map onto {@code If-None-Match: *}
 * and {@code If-Match: ETAG} of the final request. Metadata keys are stored with underscores for
 * dashes ({@code archiver-records} as {@code archiver_records}), because Azure metadata names must
 * be C# identifiers, and read back as they were given.
 *
 * <p>For embedding, the static factories build a storage from a typed configuration or wrap a
 * ready-made {@link BlobServiceClient}.
 *
 * @since 0.1
 */
public final class AzureBlobStorageProvider implements StorageProvider {
    static final Set<String> SCHEMES = Set.of("azblob", "abfs", "abfss");

    /** For {@link java.util.ServiceLoader}; does nothing. */
    public AzureBlobStorageProvider() {}

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public ObjectStorage create(Settings settings) {
        return create(AzureBlobStorageConfig.from(settings));
    }

    /**
     * A storage with a client built from {@code config}.
     *
     * @throws dev.archiver.config.ConfigException when the endpoint or the credentials are missing
     *     or invalid
     */
    public static ObjectStorage create(AzureBlobStorageConfig config) {
        requireNonNull(config, "config is null");
        if (config.serviceEndpoint().isEmpty()
                && config.effectiveCredential()
                        != AzureBlobStorageConfig.Credential.CONNECTION_STRING) {
            throw new dev.archiver.config.ConfigException(
                    "Missing required setting storage.azure.account (or storage.azure.endpoint)");
        }
        BlobServiceClient client = config.applyTo(new BlobServiceClientBuilder()).buildClient();
        return new AzureBlobStorage(client, config);
    }

    /**
     * A storage around a client the caller built (credentials, endpoint, HTTP client, retries and
     * policies are the client's). Only the upload, listing and delete settings of {@code config}
     * apply: block size, single-upload size, concurrency, access tier, tags, MD5, page size and
     * batch delete.
     */
    public static ObjectStorage create(BlobServiceClient client, AzureBlobStorageConfig config) {
        return new AzureBlobStorage(
                requireNonNull(client, "client is null"), requireNonNull(config, "config is null"));
    }

    /** A storage around a client the caller built, with the default upload settings. */
    public static ObjectStorage create(BlobServiceClient client) {
        return create(client, AzureBlobStorageConfig.builder().build());
    }
}
