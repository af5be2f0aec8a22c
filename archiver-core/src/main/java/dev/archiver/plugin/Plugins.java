package dev.archiver.plugin;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link PluginProvider}s of one kind by short name through {@link ServiceLoader}.
 *
 * @since 0.1
 */
public final class Plugins {
    private Plugins() {}

    /** All providers of {@code type} visible from {@code classLoader}, by name, sorted. */
    public static <P extends PluginProvider<?>> Map<String, P> all(
            Class<P> type, ClassLoader classLoader) {
        requireNonNull(type, "type is null");
        Map<String, P> byName = new TreeMap<>();
        for (P provider : ServiceLoader.load(type, classLoader)) {
            String name = provider.name().toLowerCase(Locale.ROOT);
            P previous = byName.putIfAbsent(name, provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new IllegalStateException(
                        "Two "
                                + type.getSimpleName()
                                + "s are named '"
                                + name
                                + "': "
                                + previous.getClass().getName()
                                + " and "
                                + provider.getClass().getName());
            }
        }
        return byName;
    }

    /**
     * The provider of {@code type} named {@code name}.
     *
     * @param key the configuration key the name came from, for the error message
     * @throws ConfigException naming the key and the accepted names when there is no such provider
     */
    public static <P extends PluginProvider<?>> P find(
            Class<P> type, String name, String key, ClassLoader classLoader) {
        requireNonNull(name, "name is null");
        Map<String, P> all = all(type, classLoader);
        P provider = all.get(name.trim().toLowerCase(Locale.ROOT));
        if (provider == null) {
            throw new ConfigException(
                    "Unknown value '"
                            + name
                            + "' for "
                            + key
                            + ": accepted values are "
                            + String.join(", ", all.keySet()));
        }
        return provider;
    }

    public static ClassLoader defaultClassLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Plugins.class.getClassLoader();
    }
}
