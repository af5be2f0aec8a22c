package dev.archiver.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.common.policy.RequestRetryOptions;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.storage.azure.AzureBlobStorageConfig.AccessTier;
import dev.archiver.storage.azure.AzureBlobStorageConfig.Credential;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AzureBlobStorageConfigTest {
    private static final String KEY = Azurite.KEY;
    private static final String CONNECTION_STRING =
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
                    + KEY
                    + ";EndpointSuffix=core.windows.net";

    private static AzureBlobStorageConfig from(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.azure." + k, v));
        return AzureBlobStorageConfig.from(Settings.of(prefixed).withPrefix("storage.azure."));
    }

    @Test
    void defaults() {
        AzureBlobStorageConfig c = from(Map.of("account", "acct"));
        assertThat(c.account()).contains("acct");
        assertThat(c.endpoint()).isEmpty();
        assertThat(c.credential()).isEqualTo(Credential.AUTO);
        assertThat(c.effectiveCredential()).isEqualTo(Credential.DEFAULT);
        assertThat(c.connectionString()).isEmpty();
        assertThat(c.accountKey()).isEmpty();
        assertThat(c.sasToken()).isEmpty();
        assertThat(c.managedIdentityClientId()).isEmpty();
        assertThat(c.blockSize()).isEqualTo(8L << 20);
        assertThat(c.maxSingleUploadSize()).isEqualTo(8L << 20);
        assertThat(c.maxConcurrency()).isEqualTo(4);
        assertThat(c.accessTier()).isEmpty();
        assertThat(c.tags()).isEmpty();
        assertThat(c.contentMd5()).isTrue();
        assertThat(c.listPageSize()).isEqualTo(5000);
        assertThat(c.batchDelete()).isFalse();
        assertThat(c.retryMaxTries()).isEqualTo(4);
        assertThat(c.retryTryTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.retryDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.maxRetryDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.serviceEndpoint()).contains("https://acct.blob.core.windows.net");
        assertThat(c).isEqualTo(AzureBlobStorageConfig.builder().account("acct").build());
    }

    @Test
    void explicitMapping() {
        Map<String, String> values = new HashMap<>();
        values.put("account", "acct");
        values.put("endpoint", "https://acct.blob.core.usgovcloudapi.net");
        values.put("credential", "shared-key");
        values.put("account-key", KEY);
        values.put("block-size", "16MB");
        values.put("max-single-upload-size", "32MB");
        values.put("max-concurrency", "8");
        values.put("access-tier", "cold");
        values.put("tags.env", "prod");
        values.put("tags.team", "data");
        values.put("content-md5", "false");
        values.put("list-page-size", "1000");
        values.put("batch-delete", "true");
        values.put("retry.max-tries", "7");
        values.put("retry.try-timeout", "30s");
        values.put("retry.retry-delay", "500ms");
        values.put("retry.max-retry-delay", "10s");
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.azure." + k, v));
        Settings settings = Settings.of(prefixed);

        AzureBlobStorageConfig c =
                AzureBlobStorageConfig.from(settings.withPrefix("storage.azure."));

        assertThat(c)
                .isEqualTo(
                        AzureBlobStorageConfig.builder()
                                .account("acct")
                                .endpoint("https://acct.blob.core.usgovcloudapi.net")
                                .credential(Credential.SHARED_KEY)
                                .accountKey(Secret.of(KEY))
                                .blockSize(16L << 20)
                                .maxSingleUploadSize(32L << 20)
                                .maxConcurrency(8)
                                .accessTier(AccessTier.COLD)
                                .tags(Map.of("env", "prod", "team", "data"))
                                .contentMd5(false)
                                .listPageSize(1000)
                                .batchDelete(true)
                                .retryMaxTries(7)
                                .retryTryTimeout(Duration.ofSeconds(30))
                                .retryDelay(Duration.ofMillis(500))
                                .maxRetryDelay(Duration.ofSeconds(10))
                                .build());
        assertThat(settings.unusedKeys()).as("every key is read").isEmpty();
        assertThat(c.serviceEndpoint()).contains("https://acct.blob.core.usgovcloudapi.net");
        RequestRetryOptions retry = c.retryOptions();
        assertThat(retry.getMaxTries()).isEqualTo(7);
        assertThat(retry.getTryTimeoutDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.getRetryDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(retry.getMaxRetryDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void otherCredentialsAndTheirResolution() {
        assertThat(from(Map.of("connection-string", CONNECTION_STRING)).effectiveCredential())
                .isEqualTo(Credential.CONNECTION_STRING);
        assertThat(from(Map.of("account", "acct", "account-key", KEY)).effectiveCredential())
                .isEqualTo(Credential.SHARED_KEY);
        AzureBlobStorageConfig sas = from(Map.of("account", "acct", "sas-token", "?sv=1&sig=abc"));
        assertThat(sas.effectiveCredential()).isEqualTo(Credential.SAS);
        assertThat(sas.sasToken().orElseThrow().reveal()).isEqualTo("sv=1&sig=abc");
        AzureBlobStorageConfig managed =
                from(
                        Map.of(
                                "endpoint", "https://acct.blob.core.windows.net",
                                "credential", "default",
                                "managed-identity-client-id", "1234-abcd"));
        assertThat(managed.effectiveCredential()).isEqualTo(Credential.DEFAULT);
        assertThat(managed.managedIdentityClientId()).contains("1234-abcd");
        assertThat(AzureBlobStorageConfig.builder().build().effectiveCredential())
                .as("a config for a caller's own client needs no endpoint")
                .isEqualTo(Credential.DEFAULT);
    }

    @Test
    void validationNamesTheKeys() {
        assertInvalid(Map.of(), "storage.azure.account", "storage.azure.endpoint");
        assertInvalid(Map.of("account", "Not_Valid"), "storage.azure.account");
        assertInvalid(Map.of("endpoint", "ftp://x"), "storage.azure.endpoint");
        assertInvalid(
                Map.of("account", "acct", "credential", "magic"),
                "storage.azure.credential",
                "auto, connection-string, shared-key, sas, default");
        assertInvalid(
                Map.of("account", "acct", "account-key", KEY, "sas-token", "sv=1"),
                "storage.azure.account-key",
                "storage.azure.sas-token",
                "storage.azure.credential");
        assertInvalid(
                Map.of(
                        "account",
                        "acct",
                        "credential",
                        "sas",
                        "account-key",
                        KEY,
                        "sas-token",
                        "s"),
                "storage.azure.account-key");
        assertInvalid(
                Map.of("account", "acct", "credential", "shared-key"), "storage.azure.account-key");
        assertInvalid(Map.of("account-key", KEY), "storage.azure.account");
        assertInvalid(
                Map.of("account", "acct", "account-key", "not base64!"),
                "storage.azure.account-key");
        assertInvalid(Map.of("credential", "connection-string"), "storage.azure.connection-string");
        assertInvalid(Map.of("connection-string", "garbage"), "storage.azure.connection-string");
        assertInvalid(
                Map.of("sas-token", "sv=1"), "storage.azure.account", "storage.azure.endpoint");
        assertInvalid(
                Map.of("account", "acct", "account-key", KEY, "managed-identity-client-id", "id"),
                "storage.azure.managed-identity-client-id");
        assertInvalid(Map.of("account", "acct", "block-size", "0"), "storage.azure.block-size");
        assertInvalid(
                Map.of("account", "acct", "block-size", "5000MB"), "storage.azure.block-size");
        assertInvalid(Map.of("account", "acct", "block-size", "big"), "storage.azure.block-size");
        assertInvalid(
                Map.of("account", "acct", "max-single-upload-size", "6000MB"),
                "storage.azure.max-single-upload-size");
        assertInvalid(
                Map.of("account", "acct", "max-concurrency", "0"), "storage.azure.max-concurrency");
        assertInvalid(
                Map.of("account", "acct", "list-page-size", "5001"),
                "storage.azure.list-page-size");
        assertInvalid(
                Map.of("account", "acct", "access-tier", "frozen"),
                "storage.azure.access-tier",
                "hot, cool, cold, archive");
        assertInvalid(Map.of("account", "acct", "tags.bad!", "x"), "storage.azure.tags.bad!");
        assertInvalid(Map.of("account", "acct", "tags.env", "no*stars"), "storage.azure.tags.env");
        assertInvalid(
                Map.of("account", "acct", "retry.max-tries", "0"), "storage.azure.retry.max-tries");
        assertInvalid(
                Map.of("account", "acct", "retry.try-timeout", "0s"),
                "storage.azure.retry.try-timeout");
        assertInvalid(
                Map.of(
                        "account",
                        "acct",
                        "retry.retry-delay",
                        "10s",
                        "retry.max-retry-delay",
                        "1s"),
                "storage.azure.retry.max-retry-delay",
                "storage.azure.retry.retry-delay");
        Map<String, String> tooManyTags = new HashMap<>(Map.of("account", "acct"));
        for (int i = 0; i < 11; i++) {
            tooManyTags.put("tags.t" + i, "v");
        }
        assertInvalid(tooManyTags, "storage.azure.tags.");
    }

    private static void assertInvalid(Map<String, String> values, String... mentions) {
        assertThatThrownBy(() -> from(values))
                .as(values.toString())
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> {
                            for (String m : mentions) {
                                assertThat(e.getMessage()).contains(m);
                            }
                        });
    }

    @Test
    void secretsAreNeverShown() {
        String sas = "sv=2024-01-01&sig=supersecretsignature";
        for (AzureBlobStorageConfig c :
                new AzureBlobStorageConfig[] {
                    from(Map.of("connection-string", CONNECTION_STRING)),
                    from(Map.of("account", "acct", "account-key", KEY)),
                    from(Map.of("account", "acct", "sas-token", sas))
                }) {
            assertThat(c.toString())
                    .doesNotContain(KEY)
                    .doesNotContain("supersecretsignature")
                    .doesNotContain("AccountKey");
        }
        // invalid secrets: the message names the key, never the value
        String badKey = "secret-but-not-base64!";
        assertThatThrownBy(() -> from(Map.of("account", "acct", "account-key", badKey)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(badKey);
        String badConnection = "this is secret " + KEY;
        assertThatThrownBy(() -> from(Map.of("connection-string", badConnection)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(KEY);
        String conflictSas = "sv=1&sig=" + "s3cr3t";
        assertThatThrownBy(
                        () ->
                                from(
                                        Map.of(
                                                "connection-string",
                                                CONNECTION_STRING,
                                                "sas-token",
                                                conflictSas)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("s3cr3t")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void builderValidatesToo() {
        assertThatThrownBy(() -> AzureBlobStorageConfig.builder().maxConcurrency(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.azure.max-concurrency");
        assertThatThrownBy(
                        () ->
                                AzureBlobStorageConfig.builder()
                                        .credential(Credential.SHARED_KEY)
                                        .accountKey(Secret.of(KEY))
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.azure.account");
        assertThat(AzureBlobStorageConfig.builder().account("acct").build().accessTier())
                .isEqualTo(Optional.empty());
    }

    @Test
    void providerCreatesAStorageWithoutNetworkAccess() throws Exception {
        // building the client does not connect; the storage is usable later
        var storage =
                new AzureBlobStorageProvider()
                        .create(
                                Settings.of(
                                                Map.of(
                                                        "storage.azure.account",
                                                        "acct",
                                                        "storage.azure.account-key",
                                                        KEY))
                                        .withPrefix("storage.azure."));
        storage.close();
        storage.close();
        assertThatThrownBy(() -> new AzureBlobStorageProvider().create(Settings.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("account");
    }
}
