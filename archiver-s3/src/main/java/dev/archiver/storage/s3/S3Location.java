package dev.archiver.storage.s3;

import static java.util.Objects.requireNonNull;

import dev.archiver.storage.StorageLocation;

/** A {@link StorageLocation} of scheme {@code s3} or {@code s3a}, split into bucket and key. */
record S3Location(StorageLocation location, String bucket, String key) {
    S3Location {
        requireNonNull(location, "location is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
    }

    /**
     * @throws IllegalArgumentException when the scheme is not {@code s3} or {@code s3a}, or the
     *     bucket is missing
     */
    static S3Location of(StorageLocation location) {
        requireNonNull(location, "location is null");
        if (!S3StorageProvider.SCHEMES.contains(location.scheme())) {
            throw new IllegalArgumentException(
                    "Not an S3 location: "
                            + location
                            + " (expected s3://bucket/key or s3a://bucket/key)");
        }
        if (location.authority().isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid S3 location " + location + ": the bucket is missing");
        }
        return new S3Location(location, location.authority(), location.key());
    }

    /** Like {@link #of(StorageLocation)}, and the key must name an object. */
    static S3Location ofObject(StorageLocation location) {
        S3Location l = of(location);
        if (l.key.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid S3 object location " + location + ": the key is missing");
        }
        return l;
    }

    /** The location of another key in the same bucket, with this location's scheme. */
    StorageLocation sibling(String otherKey) {
        return StorageLocation.of(location.scheme(), bucket, otherKey);
    }

    @Override
    public String toString() {
        return location.toString();
    }
}
