package dev.archiver.policy;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link UploadPolicy}s; registered in {@code
 * META-INF/services/dev.archiver.policy.UploadPolicyProvider} and selected with {@code
 * upload.policy=NAME} (default {@code standard}: any of the {@code upload.max-*} and {@code
 * upload.interval} limits); receives the settings under {@code upload.}.
 *
 * @since 0.1
 */
public interface UploadPolicyProvider extends PluginProvider<UploadPolicy> {}
