package dev.archiver.format;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link FileFormat}s; registered in {@code
 * META-INF/services/dev.archiver.format.FileFormatProvider}, selected with {@code format=NAME};
 * receives the settings under {@code format.NAME.}.
 *
 * @since 0.1
 */
public interface FileFormatProvider extends PluginProvider<FileFormat> {}
