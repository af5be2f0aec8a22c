package dev.archiver.storage;

import dev.archiver.config.Settings;
import java.util.Set;

/**
 * Creates {@link ObjectStorage}s for one or more URI schemes; found through {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.archiver.storage.StorageProvider}), so
 * that putting a backend jar on the class path is all it takes for its scheme to work.
 *
 * <p>Rules: a public no-arg constructor that does nothing (no network, no threads); stateless and
 * thread-safe; all work happens in {@link #create(Settings)}.
 *
 * @since 0.1
 */
public interface StorageProvider {

    /** The backend's name, e.g. {@code s3}; also the settings namespace {@code storage.NAME.}. */
    String name();

    /** The lowercase URI schemes served, e.g. {@code s3} and {@code s3a}. */
    Set<String> schemes();

    /**
     * Creates a storage that owns its client.
     *
     * @param settings the settings under {@code storage.NAME.}
     * @throws dev.archiver.config.ConfigException when a setting is invalid
     */
    ObjectStorage create(Settings settings);
}
