package dev.archiver.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.storage.gcs.GcsStorageConfig.Credentials;
import dev.archiver.storage.gcs.GcsStorageConfig.Retry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcsStorageConfigTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir Path tempDir;

    private static Settings settings(Map<String, String> values) {
        Map<String, String> full = new HashMap<>();
        values.forEach((k, v) -> full.put("storage.gcs." + k, v));
        return Settings.of(full).withPrefix("storage.gcs.");
    }

    private static GcsStorageConfig config(Map<String, String> values) {
        return GcsStorageConfig.from(settings(values), NO_ENV);
    }

    private static void assertInvalid(Map<String, String> values, String... messageParts) {
        assertThatThrownBy(() -> config(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void defaults() {
        GcsStorageConfig c = config(Map.of());
        assertThat(c).isEqualTo(GcsStorageConfig.defaults());
        assertThat(c.projectId()).isEmpty();
        assertThat(c.credentials()).isEqualTo(Credentials.AUTO);
        assertThat(c.credentialsFile()).isEmpty();
        assertThat(c.credentialsJson()).isEmpty();
        assertThat(c.endpoint()).isEmpty();
        assertThat(c.chunkSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(c.resumableThreshold()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.storageClass()).isEmpty();
        assertThat(c.retry())
                .isEqualTo(
                        new Retry(
                                6,
                                Duration.ofSeconds(50),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(32)));
    }

    @Test
    void explicitMapping() {
        Settings s =
                settings(
                        Map.of(
                                "project-id", "my-project",
                                "credentials", "file",
                                "credentials-file", "/etc/archiver/sa.json",
                                "endpoint", "https://storage.example.com:8443/",
                                "chunk-size", "8MB",
                                "resumable-threshold", "2MB",
                                "storage-class", "coldline",
                                "retry.max-attempts", "3",
                                "retry.total-timeout", "2m",
                                "retry.initial-delay", "250ms"));
        Map<String, String> more = Map.of("storage.gcs.retry.max-delay", "10s");
        GcsStorageConfig c =
                GcsStorageConfig.from(merge(s, more), Map.of("STORAGE_EMULATOR_HOST", "ignored:1"));
        assertThat(c.projectId()).contains("my-project");
        assertThat(c.credentials()).isEqualTo(Credentials.FILE);
        assertThat(c.credentialsFile()).contains(Path.of("/etc/archiver/sa.json"));
        assertThat(c.endpoint()).contains(URI.create("https://storage.example.com:8443"));
        assertThat(c.chunkSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.resumableThreshold()).isEqualTo(2L * 1024 * 1024);
        assertThat(c.storageClass()).contains("COLDLINE");
        assertThat(c.retry())
                .isEqualTo(
                        new Retry(
                                3,
                                Duration.ofMinutes(2),
                                Duration.ofMillis(250),
                                Duration.ofSeconds(10)));
    }

    private static Settings merge(Settings base, Map<String, String> more) {
        Map<String, String> all = new HashMap<>();
        base.asMap().forEach((k, v) -> all.put("storage.gcs." + k, v));
        all.putAll(more);
        return Settings.of(all).withPrefix("storage.gcs.");
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> full = new HashMap<>();
        Map.of(
                        "project-id", "p",
                        "credentials", "none",
                        "endpoint", "http://127.0.0.1:1",
                        "chunk-size", "256KB",
                        "resumable-threshold", "0",
                        "storage-class", "standard",
                        "retry.max-attempts", "1",
                        "retry.total-timeout", "1s",
                        "retry.initial-delay", "0ms",
                        "retry.max-delay", "0ms")
                .forEach((k, v) -> full.put("storage.gcs." + k, v));
        Settings root = Settings.of(full);
        GcsStorageConfig.from(root.withPrefix("storage.gcs."), NO_ENV);
        assertThat(root.unusedKeys()).isEmpty();
    }

    @Test
    void retrySettingsAndEndpointAreMappedOntoTheClient() {
        GcsStorageConfig c =
                config(
                        Map.of(
                                "credentials", "none",
                                "project-id", "p1",
                                "endpoint", "http://127.0.0.1:4443",
                                "retry.max-attempts", "4",
                                "retry.total-timeout", "90s",
                                "retry.initial-delay", "500ms",
                                "retry.max-delay", "8s"));
        StorageOptions options = GcsStorage.storageOptions(c);
        assertThat(options.getHost()).isEqualTo("http://127.0.0.1:4443");
        assertThat(options.getProjectId()).isEqualTo("p1");
        assertThat(options.getCredentials()).isSameAs(NoCredentials.getInstance());
        RetrySettings retry = options.getRetrySettings();
        assertThat(retry.getMaxAttempts()).isEqualTo(4);
        assertThat(retry.getTotalTimeoutDuration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(retry.getInitialRetryDelayDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(retry.getMaxRetryDelayDuration()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void emulatorHostFromTheEnvironment() {
        GcsStorageConfig c =
                GcsStorageConfig.from(
                        settings(Map.of()), Map.of("STORAGE_EMULATOR_HOST", "localhost:4443"));
        assertThat(c.endpoint()).contains(URI.create("http://localhost:4443"));
        assertThat(c.credentials()).isEqualTo(Credentials.NONE);

        GcsStorageConfig withScheme =
                GcsStorageConfig.from(
                        settings(Map.of()),
                        Map.of("STORAGE_EMULATOR_HOST", "https://emulator.internal:9000"));
        assertThat(withScheme.endpoint()).contains(URI.create("https://emulator.internal:9000"));

        GcsStorageConfig explicit =
                GcsStorageConfig.from(
                        settings(Map.of("endpoint", "http://other:1", "credentials", "auto")),
                        Map.of("STORAGE_EMULATOR_HOST", "localhost:4443"));
        assertThat(explicit.endpoint()).contains(URI.create("http://other:1"));
        assertThat(explicit.credentials()).isEqualTo(Credentials.AUTO);

        // an explicit endpoint alone does not drop authentication
        assertThat(config(Map.of("endpoint", "http://127.0.0.1:1")).credentials())
                .isEqualTo(Credentials.AUTO);
    }

    @Test
    void credentialsAreInferredFromTheKeyGiven() {
        assertThat(config(Map.of("credentials-file", "/k.json")).credentials())
                .isEqualTo(Credentials.FILE);
        assertThat(config(Map.of("credentials-json", "{}")).credentials())
                .isEqualTo(Credentials.JSON);
    }

    @Test
    void validation() {
        assertInvalid(
                Map.of("credentials", "key"), "storage.gcs.credentials", "auto, file, json, none");
        assertInvalid(Map.of("credentials", "file"), "storage.gcs.credentials-file");
        assertInvalid(Map.of("credentials", "json"), "storage.gcs.credentials-json");
        assertInvalid(
                Map.of("credentials", "none", "credentials-file", "/k.json"),
                "storage.gcs.credentials-file",
                "storage.gcs.credentials");
        assertInvalid(
                Map.of("credentials", "auto", "credentials-json", "{}"),
                "storage.gcs.credentials-json",
                "storage.gcs.credentials");
        assertInvalid(Map.of("chunk-size", "100KB"), "storage.gcs.chunk-size", "256KB");
        assertInvalid(Map.of("chunk-size", "0"), "storage.gcs.chunk-size");
        assertInvalid(Map.of("chunk-size", "lots"), "storage.gcs.chunk-size");
        assertInvalid(Map.of("resumable-threshold", "1GB"), "storage.gcs.resumable-threshold");
        assertInvalid(
                Map.of("storage-class", "glacier"),
                "storage.gcs.storage-class",
                "standard",
                "nearline",
                "coldline",
                "archive");
        assertInvalid(Map.of("endpoint", "ftp://host"), "storage.gcs.endpoint");
        assertInvalid(Map.of("endpoint", "http://host/some/path"), "storage.gcs.endpoint");
        assertInvalid(Map.of("retry.max-attempts", "0"), "storage.gcs.retry.max-attempts");
        assertInvalid(Map.of("retry.total-timeout", "0s"), "storage.gcs.retry.total-timeout");
        assertInvalid(Map.of("retry.initial-delay", "soon"), "storage.gcs.retry.initial-delay");
        assertInvalid(
                Map.of("retry.initial-delay", "10s", "retry.max-delay", "1s"),
                "storage.gcs.retry.max-delay",
                "storage.gcs.retry.initial-delay");
        assertThatThrownBy(
                        () ->
                                GcsStorageConfig.from(
                                        settings(Map.of()),
                                        Map.of("STORAGE_EMULATOR_HOST", "ftp://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STORAGE_EMULATOR_HOST");
    }

    @Test
    void recordValidatesItsInvariants() {
        GcsStorageConfig d = GcsStorageConfig.defaults();
        assertThatThrownBy(
                        () ->
                                new GcsStorageConfig(
                                        d.projectId(),
                                        Credentials.FILE,
                                        Optional.empty(),
                                        Optional.empty(),
                                        d.endpoint(),
                                        d.chunkSize(),
                                        d.resumableThreshold(),
                                        d.storageClass(),
                                        d.retry()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                new GcsStorageConfig(
                                        d.projectId(),
                                        d.credentials(),
                                        d.credentialsFile(),
                                        d.credentialsJson(),
                                        d.endpoint(),
                                        1000,
                                        d.resumableThreshold(),
                                        d.storageClass(),
                                        d.retry()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retry(0, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretsAreRedacted() throws Exception {
        String privateKey = "-----BEGIN PRIVATE KEY-----\\nTOP-SECRET-KEY-MATERIAL\\n-----END";
        String json =
                "{\"type\":\"service_account\",\"private_key\":\"" + privateKey + "\", broken";
        GcsStorageConfig c = config(Map.of("credentials-json", json));
        assertThat(c.credentialsJson()).contains(Secret.of(json));
        assertThat(c.toString()).doesNotContain("TOP-SECRET").contains("******");

        // a key that does not parse: the error names the key, never the content
        assertThatThrownBy(() -> GcsStorage.create(c))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.gcs.credentials-json")
                .message()
                .doesNotContain("TOP-SECRET");
        assertThatThrownBy(
                        () ->
                                new GcsStorageProvider()
                                        .create(settings(Map.of("credentials-json", json))))
                .isInstanceOf(ConfigException.class)
                .message()
                .doesNotContain("TOP-SECRET");

        Path file = tempDir.resolve("sa.json");
        Files.writeString(file, json);
        assertThatThrownBy(
                        () ->
                                GcsStorage.create(
                                        config(Map.of("credentials-file", file.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.gcs.credentials-file")
                .hasMessageContaining(file.toString())
                .message()
                .doesNotContain("TOP-SECRET");

        Path missing = tempDir.resolve("missing.json");
        assertThatThrownBy(
                        () ->
                                GcsStorage.create(
                                        config(Map.of("credentials-file", missing.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.gcs.credentials-file")
                .hasMessageContaining("does not exist");

        assertThatThrownBy(() -> config(Map.of("endpoint", "ftp://user:hunter2@host")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.gcs.endpoint")
                .message()
                .doesNotContain("hunter2");
    }

    @Test
    void providerNameAndScheme() {
        GcsStorageProvider p = new GcsStorageProvider();
        assertThat(p.name()).isEqualTo("gcs");
        assertThat(p.schemes()).containsExactly("gs");
    }
}
