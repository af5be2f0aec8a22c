package dev.archiver.transform;

import dev.archiver.config.Settings;

/**
 * Provides {@link RecordTransformer#identity()} as {@code identity}: every record passes unchanged.
 */
public final class IdentityTransformerProvider implements RecordTransformerProvider {
    @Override
    public String name() {
        return "identity";
    }

    @Override
    public RecordTransformer create(Settings settings) {
        return RecordTransformer.identity();
    }
}
