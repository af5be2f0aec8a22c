package dev.archiver.transform;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link RecordTransformer}s; registered in {@code
 * META-INF/services/dev.archiver.transform.RecordTransformerProvider}, selected with {@code
 * transforms=NAME[,NAME...]}; receives the settings under {@code transform.NAME.}.
 *
 * @since 0.1
 */
public interface RecordTransformerProvider extends PluginProvider<RecordTransformer> {}
