package dev.archiver.codec;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link Codec}s; registered in {@code META-INF/services/dev.archiver.codec.CodecProvider},
 * selected with {@code codec=NAME}; receives the settings under {@code codec.NAME.} (e.g. {@code
 * codec.zstd.level}).
 *
 * @since 0.1
 */
public interface CodecProvider extends PluginProvider<Codec> {}
