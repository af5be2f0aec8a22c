package dev.archiver.storage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a store knows about one object.
 *
 * @param location the object's full location
 * @param size its size in bytes
 * @param lastModified when it was last written, or {@link Instant#EPOCH} when unknown
 * @param etag the store's version tag (S3/Azure/Swift ETag, GCS generation), used for {@link
 *     UploadOptions.Precondition#ifMatch(String)}; empty when the store has none
 * @param metadata user metadata; empty in listings of stores that do not return it there
 * @since 0.1
 */
public record ObjectInfo(
        StorageLocation location,
        long size,
        Instant lastModified,
        Optional<String> etag,
        Map<String, String> metadata) {
    public ObjectInfo {
        requireNonNull(location, "location is null");
        requireNonNull(lastModified, "lastModified is null");
        requireNonNull(etag, "etag is null");
        metadata = Map.copyOf(requireNonNull(metadata, "metadata is null"));
    }
}
