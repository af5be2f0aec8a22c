package dev.archiver.plugin;

import dev.archiver.config.Settings;

/**
 * A factory for one kind of plug-in, found by its short {@link #name()} through {@link
 * java.util.ServiceLoader}. Each SPI has its own sub-interface ({@code RecordParserProvider},
 * {@code PartitionerProvider}, ...); a plug-in jar lists its implementations in {@code
 * META-INF/services/<sub-interface>}.
 *
 * <p>Rules for implementations: a public no-arg constructor that does nothing (no I/O, no threads);
 * stateless and thread-safe; all work happens in {@link #create(Settings)}.
 *
 * @param <T> what the provider creates
 * @since 0.1
 */
public interface PluginProvider<T> {

    /**
     * The short name users select it with, e.g. {@code jsonl}, {@code zstd}, {@code time}.
     * Lowercase.
     */
    String name();

    /**
     * Creates a configured instance.
     *
     * @param settings this plug-in's settings only (the caller has scoped them, e.g. {@code
     *     parser.json.}); never {@code null}, possibly empty
     * @throws dev.archiver.config.ConfigException when a setting is invalid; the message names the
     *     full key
     */
    T create(Settings settings);
}
