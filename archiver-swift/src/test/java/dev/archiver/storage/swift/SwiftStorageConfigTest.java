package dev.archiver.storage.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.storage.swift.SwiftStorageConfig.Auth;
import dev.archiver.storage.swift.SwiftStorageConfig.EndpointInterface;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwiftStorageConfigTest {
    private static SwiftStorageConfig parse(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.swift." + k, v));
        return SwiftStorageConfig.from(Settings.of(prefixed).withPrefix("storage.swift."));
    }

    private static Map<String, String> tempauth() {
        Map<String, String> m = new HashMap<>();
        m.put("auth-url", "http://swift:8080/auth/v1.0");
        m.put("user", "acct:user");
        m.put("key", "tempauth-secret-key");
        return m;
    }

    @Test
    void defaults() {
        SwiftStorageConfig c = parse(tempauth());
        assertThat(c)
                .isEqualTo(
                        SwiftStorageConfig.tempAuth(
                                URI.create("http://swift:8080/auth/v1.0"),
                                "acct:user",
                                Secret.of("tempauth-secret-key")));
        assertThat(c.auth()).isEqualTo(Auth.TEMPAUTH);
        assertThat(c.sloThreshold()).isEqualTo(128L << 20);
        assertThat(c.segmentSize()).isEqualTo(64L << 20);
        assertThat(c.segmentContainerSuffix()).isEqualTo("_segments");
        assertThat(c.uploadParallelism()).isEqualTo(4);
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.listPageSize()).isEqualTo(10_000);
        assertThat(c.endpointInterface()).isEqualTo(EndpointInterface.PUBLIC);
        assertThat(c.userDomain()).isEqualTo("Default");
        assertThat(c.projectDomain()).isEqualTo("Default");
        assertThat(c.region()).isEmpty();
    }

    @Test
    void explicitTempAuthMapping() {
        Map<String, String> m = tempauth();
        m.put("auth", "tempauth");
        m.put("slo.threshold", "10MB");
        m.put("slo.segment-size", "2MB");
        m.put("slo.segment-container-suffix", "-parts");
        m.put("slo.upload-parallelism", "7");
        m.put("retry.max-attempts", "2");
        m.put("retry.initial-backoff", "1s");
        m.put("retry.max-backoff", "3s");
        m.put("connect-timeout", "4s");
        m.put("request-timeout", "1m");
        m.put("list.page-size", "123");
        Settings settings = settings(m);
        SwiftStorageConfig c = SwiftStorageConfig.from(settings.withPrefix("storage.swift."));
        assertThat(settings.unusedKeys()).isEmpty();
        assertThat(c)
                .isEqualTo(
                        new SwiftStorageConfig(
                                Auth.TEMPAUTH,
                                Optional.of(URI.create("http://swift:8080/auth/v1.0")),
                                Optional.of("acct:user"),
                                Optional.of(Secret.of("tempauth-secret-key")),
                                Optional.empty(),
                                Optional.empty(),
                                "Default",
                                Optional.empty(),
                                "Default",
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                EndpointInterface.PUBLIC,
                                Optional.empty(),
                                Optional.empty(),
                                10L << 20,
                                2L << 20,
                                "-parts",
                                7,
                                2,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(4),
                                Duration.ofMinutes(1),
                                123));
    }

    private static Settings settings(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.swift." + k, v));
        return Settings.of(prefixed);
    }

    @Test
    void explicitKeystonePasswordMapping() {
        Map<String, String> m =
                Map.of(
                        "auth", "keystone-v3",
                        "auth-url", "https://keystone:5000/v3",
                        "keystone.user", "archiver",
                        "keystone.password", "keystone-password",
                        "keystone.user-domain", "users",
                        "keystone.project", "archive",
                        "keystone.project-domain", "projects",
                        "region", "RegionTwo",
                        "interface", "internal");
        Settings settings = settings(m);
        SwiftStorageConfig c = SwiftStorageConfig.from(settings.withPrefix("storage.swift."));
        assertThat(settings.unusedKeys()).isEmpty();
        assertThat(c.auth()).isEqualTo(Auth.KEYSTONE_V3);
        assertThat(c.authUrl()).contains(URI.create("https://keystone:5000/v3"));
        assertThat(c.keystoneUser()).contains("archiver");
        assertThat(c.keystonePassword()).contains(Secret.of("keystone-password"));
        assertThat(c.userDomain()).isEqualTo("users");
        assertThat(c.project()).contains("archive");
        assertThat(c.projectDomain()).isEqualTo("projects");
        assertThat(c.region()).contains("RegionTwo");
        assertThat(c.endpointInterface()).isEqualTo(EndpointInterface.INTERNAL);
        assertThat(c.applicationCredentialId()).isEmpty();
    }

    @Test
    void explicitApplicationCredentialAndTokenMapping() {
        SwiftStorageConfig app =
                parse(
                        Map.of(
                                "auth", "keystone-v3",
                                "auth-url", "https://keystone:5000",
                                "keystone.application-credential-id", "app-id",
                                "keystone.application-credential-secret", "app-secret"));
        assertThat(app.applicationCredentialId()).contains("app-id");
        assertThat(app.applicationCredentialSecret()).contains(Secret.of("app-secret"));
        assertThat(app.keystoneUser()).isEmpty();
        assertThat(app.project()).isEmpty();

        SwiftStorageConfig token =
                parse(
                        Map.of(
                                "auth", "token",
                                "storage-url", "https://swift/v1/AUTH_acct",
                                "token", "gAAAA-token"));
        assertThat(token.auth()).isEqualTo(Auth.TOKEN);
        assertThat(token.storageUrl()).contains(URI.create("https://swift/v1/AUTH_acct"));
        assertThat(token.token()).contains(Secret.of("gAAAA-token"));
        assertThat(token.authUrl()).isEmpty();
    }

    @Test
    void validation() {
        assertInvalid(Map.of("auth", "v2"), "storage.swift.auth", "tempauth, keystone-v3, token");
        Map<String, String> noKey = tempauth();
        noKey.remove("key");
        assertInvalid(noKey, "storage.swift.key");
        Map<String, String> noUrl = tempauth();
        noUrl.remove("auth-url");
        assertInvalid(noUrl, "storage.swift.auth-url");
        Map<String, String> badUrl = tempauth();
        badUrl.put("auth-url", "swift:8080");
        assertInvalid(badUrl, "storage.swift.auth-url", "http");
        Map<String, String> foreign = tempauth();
        foreign.put("keystone.project", "p");
        assertInvalid(foreign, "storage.swift.keystone.project", "storage.swift.auth=tempauth");
        assertInvalid(
                Map.of(
                        "auth", "keystone-v3",
                        "auth-url", "https://keystone/v3",
                        "keystone.user", "u",
                        "keystone.password", "p"),
                "storage.swift.keystone.project");
        assertInvalid(
                Map.of(
                        "auth", "keystone-v3",
                        "auth-url", "https://keystone/v3",
                        "keystone.user", "u",
                        "keystone.application-credential-id", "id",
                        "keystone.application-credential-secret", "s"),
                "storage.swift.keystone.user",
                "storage.swift.keystone.application-credential-id");
        assertInvalid(
                Map.of(
                        "auth", "keystone-v3",
                        "auth-url", "https://keystone/v3",
                        "keystone.application-credential-id", "id"),
                "storage.swift.keystone.application-credential-secret");
        Map<String, String> ks =
                new HashMap<>(
                        Map.of(
                                "auth", "keystone-v3",
                                "auth-url", "https://keystone/v3",
                                "keystone.user", "u",
                                "keystone.password", "p",
                                "keystone.project", "pr",
                                "interface", "private"));
        assertInvalid(ks, "storage.swift.interface", "public, internal, admin");
        assertInvalid(
                Map.of("auth", "token", "storage-url", "https://swift/v1/AUTH_a"),
                "storage.swift.token");
        assertInvalid(
                Map.of(
                        "auth", "token",
                        "storage-url", "https://swift/v1/AUTH_a",
                        "token", "t",
                        "auth-url", "https://keystone/v3"),
                "storage.swift.auth-url");
        assertInvalidSetting("slo.threshold", "0", "storage.swift.slo.threshold");
        assertInvalidSetting("slo.segment-size", "6GB", "storage.swift.slo.segment-size");
        assertInvalidSetting(
                "slo.segment-container-suffix",
                "a/b",
                "storage.swift.slo.segment-container-suffix");
        assertInvalidSetting("slo.upload-parallelism", "0", "storage.swift.slo.upload-parallelism");
        assertInvalidSetting("retry.max-attempts", "-1", "storage.swift.retry.max-attempts");
        assertInvalidSetting("retry.max-backoff", "1ms", "storage.swift.retry.max-backoff");
        assertInvalidSetting("connect-timeout", "0s", "storage.swift.connect-timeout");
        assertInvalidSetting("list.page-size", "10001", "storage.swift.list.page-size");
    }

    private static void assertInvalidSetting(String key, String value, String fullKey) {
        Map<String, String> m = tempauth();
        m.put(key, value);
        assertInvalid(m, fullKey);
    }

    private static void assertInvalid(Map<String, String> m, String... fragments) {
        assertThatThrownBy(() -> parse(m))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> {
                            for (String f : fragments) {
                                assertThat(e.getMessage()).contains(f);
                            }
                        });
    }

    @Test
    void secretsAreRedacted() {
        SwiftStorageConfig tempauth = parse(tempauth());
        assertThat(tempauth.toString())
                .doesNotContain("tempauth-secret-key")
                .contains("acct:user")
                .contains("******");
        SwiftStorageConfig keystone =
                parse(
                        Map.of(
                                "auth", "keystone-v3",
                                "auth-url", "https://keystone:5000/v3",
                                "keystone.user", "archiver",
                                "keystone.password", "keystone-password",
                                "keystone.project", "archive"));
        assertThat(keystone.toString()).doesNotContain("keystone-password");
        SwiftStorageConfig app =
                parse(
                        Map.of(
                                "auth", "keystone-v3",
                                "auth-url", "https://keystone:5000",
                                "keystone.application-credential-id", "app-id",
                                "keystone.application-credential-secret", "app-secret"));
        assertThat(app.toString()).doesNotContain("app-secret");
        SwiftStorageConfig token =
                parse(
                        Map.of(
                                "auth", "token",
                                "storage-url", "https://swift/v1/AUTH_acct",
                                "token", "gAAAA-token"));
        assertThat(token.toString()).doesNotContain("gAAAA-token");
        // a secret never reaches a validation message either
        Map<String, String> bad = tempauth();
        bad.put("slo.threshold", "-1");
        assertThatThrownBy(() -> parse(bad)).hasMessageNotContaining("tempauth-secret-key");
    }
}
