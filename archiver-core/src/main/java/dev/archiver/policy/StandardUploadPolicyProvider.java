package dev.archiver.policy;

import dev.archiver.config.Settings;

/** Provides the {@code standard} policy; settings in {@link StandardUploadPolicyConfig}. */
public final class StandardUploadPolicyProvider implements UploadPolicyProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public UploadPolicy create(Settings settings) {
        return StandardUploadPolicyConfig.from(settings).toPolicy();
    }
}
