package dev.archiver.storage.azure;

import static java.util.Objects.requireNonNull;

import dev.archiver.storage.StorageLocation;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container and a blob name (or name prefix) parsed from {@code azblob://container/name} or
 * {@code abfs[s]://container@account.dfs.core.windows.net/name}.
 *
 * @param location the location as given, used in messages and to build listed locations
 * @param container the container name
 * @param account the account named by an {@code abfs[s]} location; empty for {@code azblob}
 * @param name the blob name or prefix; may be empty for a prefix
 */
record AzureBlobLocation(
        StorageLocation location, String container, Optional<String> account, String name) {
    // 3-63 lowercase letters, digits and single inner dashes; "$root" is the root container.
    private static final Pattern CONTAINER =
            Pattern.compile("\\$root|(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*");
    private static final int MAX_NAME_LENGTH = 1024;

    AzureBlobLocation {
        requireNonNull(location, "location is null");
        requireNonNull(container, "container is null");
        requireNonNull(account, "account is null");
        requireNonNull(name, "name is null");
    }

    static AzureBlobLocation parse(StorageLocation location) {
        requireNonNull(location, "location is null");
        String scheme = location.scheme();
        String authority = location.authority();
        String container;
        Optional<String> account;
        switch (scheme) {
            case "azblob" -> {
                container = authority;
                account = Optional.empty();
            }
            case "abfs", "abfss" -> {
                int at = authority.indexOf('@');
                if (at <= 0 || at == authority.length() - 1) {
                    throw new IllegalArgumentException(
                            "Invalid Azure location '"
                                    + location
                                    + "': expected "
                                    + scheme
                                    + "://container@account.dfs.core.windows.net/path");
                }
                container = authority.substring(0, at);
                String host = authority.substring(at + 1);
                int dot = host.indexOf('.');
                account = Optional.of(dot < 0 ? host : host.substring(0, dot));
            }
            default ->
                    throw new IllegalArgumentException(
                            "Not an Azure Blob location: '"
                                    + location
                                    + "' (schemes: azblob, abfs, abfss)");
        }
        if (!CONTAINER.matcher(container).matches()) {
            throw new IllegalArgumentException(
                    "Invalid Azure container name '"
                            + container
                            + "' in '"
                            + location
                            + "': 3 to 63 lowercase letters, digits and single dashes");
        }
        if (location.key().length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "Blob name too long in '" + location + "': at most 1024 characters");
        }
        return new AzureBlobLocation(location, container, account, location.key());
    }

    /** This location as an object: the name must not be empty. */
    AzureBlobLocation requireBlob() {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("'" + location + "' names a container, not a blob");
        }
        return this;
    }

    /** The location of the blob {@code blobName} in the same container, in this location's form. */
    StorageLocation sibling(String blobName) {
        return StorageLocation.of(location.scheme(), location.authority(), blobName);
    }

    @Override
    public String toString() {
        return location.toString();
    }
}
