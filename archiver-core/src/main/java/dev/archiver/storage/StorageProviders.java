package dev.archiver.storage;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.plugin.Plugins;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry of {@link StorageProvider}s by URI scheme.
 *
 * @since 0.1
 */
public final class StorageProviders {
    private static final Map<String, String> MODULE_HINTS =
            Map.of(
                    "s3",
                    "archiver-s3",
                    "s3a",
                    "archiver-s3",
                    "gs",
                    "archiver-gcs",
                    "azblob",
                    "archiver-azure",
                    "abfs",
                    "archiver-azure",
                    "abfss",
                    "archiver-azure",
                    "swift",
                    "archiver-swift");

    private final Map<String, StorageProvider> byScheme;

    private StorageProviders(Map<String, StorageProvider> byScheme) {
        this.byScheme = Collections.unmodifiableMap(byScheme);
    }

    /** The providers found by {@link ServiceLoader} from {@code classLoader}. */
    public static StorageProviders load(ClassLoader classLoader) {
        return of(
                ServiceLoader.load(StorageProvider.class, classLoader).stream()
                        .map(ServiceLoader.Provider::get)
                        .toList());
    }

    /** The providers found from the context class loader. */
    public static StorageProviders load() {
        return load(Plugins.defaultClassLoader());
    }

    /**
     * Exactly these providers, without ServiceLoader.
     *
     * @throws IllegalStateException when two providers claim the same scheme
     */
    public static StorageProviders of(List<StorageProvider> providers) {
        Map<String, StorageProvider> byScheme = new TreeMap<>();
        for (StorageProvider p : requireNonNull(providers, "providers is null")) {
            for (String scheme : p.schemes()) {
                StorageProvider previous = byScheme.putIfAbsent(scheme, p);
                if (previous != null && previous.getClass() != p.getClass()) {
                    throw new IllegalStateException(
                            "Two storage providers claim scheme '"
                                    + scheme
                                    + "': "
                                    + previous.getClass().getName()
                                    + " and "
                                    + p.getClass().getName());
                }
            }
        }
        return new StorageProviders(byScheme);
    }

    /** The schemes served, sorted. */
    public java.util.Set<String> schemes() {
        return byScheme.keySet();
    }

    /**
     * The provider for {@code location}'s scheme.
     *
     * @throws ConfigException when no provider serves the scheme; the message lists the schemes
     *     available and names the module to add
     */
    public StorageProvider forLocation(StorageLocation location) {
        StorageProvider p = byScheme.get(location.scheme());
        if (p == null) {
            String hint = MODULE_HINTS.get(location.scheme());
            throw new ConfigException(
                    "No storage provider for scheme '"
                            + location.scheme()
                            + "' in '"
                            + location
                            + "' (available: "
                            + String.join(", ", byScheme.keySet())
                            + ")"
                            + (hint == null ? "" : ". Add " + hint + " to the class path."));
        }
        return p;
    }

    /**
     * Creates the storage for {@code location} with the settings under {@code storage.NAME.} of
     * {@code settings}.
     */
    public ObjectStorage create(StorageLocation location, Settings settings) {
        StorageProvider p = forLocation(location);
        return p.create(settings.withPrefix("storage." + p.name() + "."));
    }
}
