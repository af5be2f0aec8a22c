package dev.archiver.storage.swift;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.Set;

/**
 * The {@code swift://container/prefix} store: OpenStack Swift over its REST API, authenticated by
 * TempAuth (v1), Keystone v3 or a pre-authenticated token. Settings under {@code storage.swift.}
 * are described on {@link SwiftStorageConfig}. The container must exist; the segment container of
 * large objects is created on demand.
 *
 * <p>Conditional writes: create-only uploads use Swift's {@code If-None-Match: *}; replacing a
 * known version ({@code IF_MATCH}) is checked with a HEAD just before the PUT, because Swift has no
 * {@code If-Match} on PUT, so a concurrent replacement within that round trip goes unnoticed.
 *
 * @since 0.1
 */
public final class SwiftStorageProvider implements StorageProvider {
    @Override
    public String name() {
        return "swift";
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SwiftLocation.SCHEME);
    }

    @Override
    public ObjectStorage create(Settings settings) {
        return new SwiftStorage(SwiftStorageConfig.from(settings));
    }
}
