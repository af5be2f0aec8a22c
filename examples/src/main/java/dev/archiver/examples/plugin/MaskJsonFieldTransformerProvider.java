package dev.archiver.examples.plugin;

import dev.archiver.config.Settings;
import dev.archiver.transform.RecordTransformer;
import dev.archiver.transform.RecordTransformerProvider;

/**
 * Provides {@link MaskJsonFieldTransformer} as {@code mask-json-field}. Listed in {@code
 * META-INF/services/dev.archiver.transform.RecordTransformerProvider}; select it with {@code
 * transforms=mask-json-field}.
 */
public final class MaskJsonFieldTransformerProvider implements RecordTransformerProvider {
    @Override
    public String name() {
        return "mask-json-field";
    }

    @Override
    public RecordTransformer create(Settings settings) {
        return MaskJsonFieldTransformer.from(settings);
    }
}
