package dev.archiver.storage.swift;

import static java.util.Objects.requireNonNull;

import dev.archiver.storage.StorageLocation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A {@code swift://container/object} location. The object part may be empty (a prefix). */
record SwiftLocation(String container, String object) {
    static final String SCHEME = "swift";

    SwiftLocation {
        requireNonNull(container, "container is null");
        requireNonNull(object, "object is null");
        if (container.isEmpty() || container.contains("/")) {
            throw new IllegalArgumentException("Invalid Swift container '" + container + "'");
        }
        if (container.getBytes(StandardCharsets.UTF_8).length > 256) {
            throw new IllegalArgumentException(
                    "Swift container name longer than 256 bytes: " + container);
        }
    }

    static SwiftLocation of(StorageLocation location) {
        requireNonNull(location, "location is null");
        if (!location.scheme().equals(SCHEME)) {
            throw new IllegalArgumentException(
                    "Not a swift:// location: " + location + " (expected swift://container/key)");
        }
        if (location.authority().isEmpty()) {
            throw new IllegalArgumentException("The container is missing in " + location);
        }
        return new SwiftLocation(location.authority(), location.key());
    }

    StorageLocation toStorageLocation() {
        return StorageLocation.of(SCHEME, container, object);
    }

    /** The URL path below the storage URL: {@code container/object}, each segment encoded. */
    String path() {
        return object.isEmpty() ? encode(container) : encode(container) + "/" + encodePath(object);
    }

    static String encodePath(String path) {
        StringBuilder b = new StringBuilder(path.length() + 16);
        int start = 0;
        while (true) {
            int slash = path.indexOf('/', start);
            String segment = slash < 0 ? path.substring(start) : path.substring(start, slash);
            b.append(encode(segment));
            if (slash < 0) {
                return b.toString();
            }
            b.append('/');
            start = slash + 1;
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return SCHEME + "://" + container + "/" + object;
    }
}
