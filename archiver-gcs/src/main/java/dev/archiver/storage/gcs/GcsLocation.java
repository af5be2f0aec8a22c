package dev.archiver.storage.gcs;

import static java.util.Objects.requireNonNull;

import com.google.cloud.storage.BlobId;
import dev.archiver.storage.StorageLocation;

/** A {@code gs://bucket/key} location split into the bucket and the object name. */
record GcsLocation(StorageLocation location, String bucket, String name) {
    static final String SCHEME = "gs";

    GcsLocation {
        requireNonNull(location, "location is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(name, "name is null");
    }

    /**
     * @throws IllegalArgumentException when {@code location} is not a {@code gs://} location
     */
    static GcsLocation of(StorageLocation location) {
        requireNonNull(location, "location is null");
        if (!location.scheme().equals(SCHEME)) {
            throw new IllegalArgumentException(
                    "Not a Google Cloud Storage location (expected gs://bucket/key): " + location);
        }
        return new GcsLocation(location, location.authority(), location.key());
    }

    /** The object of this name; the name must not be empty (the bucket itself is no object). */
    BlobId blobId() {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("No object name in " + location);
        }
        return BlobId.of(bucket, name);
    }

    StorageLocation child(String objectName) {
        return StorageLocation.of(SCHEME, bucket, objectName);
    }

    @Override
    public String toString() {
        return location.toString();
    }
}
