package dev.archiver.storage;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The address of an object or a prefix in a store: {@code scheme://authority/key}. The authority is
 * the bucket or container ({@code s3://bucket/a/b}), empty for {@code file:///abs/path}.
 *
 * <p>Keys never start with {@code /}. A location used as a prefix usually ends without a slash;
 * {@link #resolve(String)} inserts one.
 *
 * @since 0.1
 */
public final class StorageLocation {
    private final String scheme;
    private final String authority;
    private final String key;

    private StorageLocation(String scheme, String authority, String key) {
        this.scheme = scheme;
        this.authority = authority;
        this.key = key;
    }

    /**
     * Parses {@code scheme://authority/key}. {@code file:/abs} and {@code file:///abs} are both
     * accepted for local paths.
     *
     * @throws IllegalArgumentException when there is no scheme, or the authority has user info or a
     *     port
     */
    public static StorageLocation of(String location) {
        requireNonNull(location, "location is null");
        int colon = location.indexOf(':');
        if (colon <= 0 || !location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new IllegalArgumentException(
                    "Invalid storage location '" + location + "': expected scheme://bucket/key");
        }
        String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = location.substring(colon + 1);
        if (!rest.startsWith("//")) {
            if (scheme.equals("file") && rest.startsWith("/")) {
                return new StorageLocation(scheme, "", stripSlashes(rest));
            }
            throw new IllegalArgumentException(
                    "Invalid storage location '" + location + "': expected scheme://bucket/key");
        }
        rest = rest.substring(2);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : stripSlashes(rest.substring(slash + 1));
        if (authority.contains("@") && !scheme.startsWith("abfs")) {
            throw new IllegalArgumentException(
                    "Invalid storage location '" + location + "': user info is not allowed");
        }
        if (authority.contains(":")) {
            throw new IllegalArgumentException(
                    "Invalid storage location '" + location + "': a port is not allowed");
        }
        if (authority.isEmpty() && !scheme.equals("file")) {
            throw new IllegalArgumentException(
                    "Invalid storage location '" + location + "': the bucket is missing");
        }
        return new StorageLocation(scheme, authority, key);
    }

    public static StorageLocation of(String scheme, String authority, String key) {
        return new StorageLocation(
                requireNonNull(scheme, "scheme is null").toLowerCase(Locale.ROOT),
                requireNonNull(authority, "authority is null"),
                stripSlashes(requireNonNull(key, "key is null")));
    }

    private static String stripSlashes(String key) {
        int start = 0;
        while (start < key.length() && key.charAt(start) == '/') {
            start++;
        }
        return key.substring(start);
    }

    public String scheme() {
        return scheme;
    }

    /** The bucket, container or account part; empty for {@code file}. */
    public String authority() {
        return authority;
    }

    /** The key inside the bucket, without a leading slash; empty for the bucket's root. */
    public String key() {
        return key;
    }

    /** This location with {@code child} appended after a {@code /}. */
    public StorageLocation resolve(String child) {
        requireNonNull(child, "child is null");
        String c = stripSlashes(child);
        if (c.isEmpty()) {
            return this;
        }
        if (key.isEmpty()) {
            return new StorageLocation(scheme, authority, c);
        }
        return new StorageLocation(scheme, authority, key.endsWith("/") ? key + c : key + "/" + c);
    }

    /** The key relative to {@code prefix}, which must be a prefix of this location. */
    public String relativeTo(StorageLocation prefix) {
        if (!scheme.equals(prefix.scheme)
                || !authority.equals(prefix.authority)
                || !key.startsWith(prefix.key)) {
            throw new IllegalArgumentException(this + " is not under " + prefix);
        }
        return stripSlashes(key.substring(prefix.key.length()));
    }

    /** The last path segment of the key. */
    public String fileName() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorageLocation l
                && scheme.equals(l.scheme)
                && authority.equals(l.authority)
                && key.equals(l.key);
    }

    @Override
    public int hashCode() {
        return (scheme.hashCode() * 31 + authority.hashCode()) * 31 + key.hashCode();
    }

    @Override
    public String toString() {
        return scheme + "://" + authority + "/" + key;
    }
}
