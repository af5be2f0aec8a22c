package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.storage.s3.S3StorageConfig.AssumeRole;
import dev.archiver.storage.s3.S3StorageConfig.ChecksumAlgorithm;
import dev.archiver.storage.s3.S3StorageConfig.Credentials;
import dev.archiver.storage.s3.S3StorageConfig.Encryption;
import dev.archiver.storage.s3.S3StorageConfig.StaticKeys;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3StorageConfigTest {
    private static final String KEY_32 =
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // "0123456789abcdef" x 2

    private static S3StorageConfig from(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.s3." + k, v));
        return S3StorageConfig.from(Settings.of(prefixed).withPrefix("storage.s3."));
    }

    private static void assertRejected(Map<String, String> values, String... messageParts) {
        assertThatThrownBy(() -> from(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> {
                            for (String part : messageParts) {
                                assertThat(e.getMessage()).contains(part);
                            }
                        });
    }

    @Test
    void defaults() {
        S3StorageConfig config = from(Map.of());

        assertThat(config).isEqualTo(S3StorageConfig.builder().build());
        assertThat(config.region()).isEmpty();
        assertThat(config.endpoint()).isEmpty();
        assertThat(config.pathStyleAccess()).isFalse();
        assertThat(config.credentials()).isEqualTo(Credentials.defaultChain());
        assertThat(config.multipartThreshold()).isEqualTo(32L << 20);
        assertThat(config.partSize()).isEqualTo(16L << 20);
        assertThat(config.uploadParallelism()).isEqualTo(4);
        assertThat(config.checksumAlgorithm()).isEqualTo(ChecksumAlgorithm.CRC32C);
        assertThat(config.encryption()).isEqualTo(Encryption.none());
        assertThat(config.storageClass()).isEmpty();
        assertThat(config.cannedAcl()).isEmpty();
        assertThat(config.tags()).isEmpty();
        assertThat(config.conditionalWrites()).isTrue();
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.apiCallTimeout()).isEmpty();
        assertThat(config.apiCallAttemptTimeout()).isEmpty();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxConnections()).isEqualTo(50);
        assertThat(config.listPageSize()).isEqualTo(1000);
    }

    @Test
    void explicitMappingOfEveryKey() {
        Map<String, String> values = new HashMap<>();
        values.put("region", "eu-central-1");
        values.put("endpoint", "https://s3.openshift-storage.svc:443");
        values.put("path-style-access", "true");
        values.put("credentials", "static");
        values.put("access-key", "AKIAEXAMPLE");
        values.put("secret-key", "s3cr3t-value");
        values.put("session-token", "t0ken-value");
        values.put("multipart.threshold", "64MB");
        values.put("multipart.part-size", "8MB");
        values.put("multipart.parallelism", "6");
        values.put("checksum-algorithm", "crc32");
        values.put("sse.type", "kms");
        values.put("sse.kms-key-id", "arn:aws:kms:eu-central-1:111122223333:key/abcd");
        values.put("storage-class", "standard_ia");
        values.put("canned-acl", "bucket-owner-full-control");
        values.put("tags.team", "data");
        values.put("tags.cost-center", "42");
        values.put("conditional-writes", "false");
        values.put("retry.max-attempts", "7");
        values.put("api-call-timeout", "5m");
        values.put("api-call-attempt-timeout", "90s");
        values.put("connect-timeout", "3s");
        values.put("max-connections", "128");
        values.put("list.page-size", "250");
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("storage.s3." + k, v));
        Settings settings = Settings.of(prefixed);

        S3StorageConfig config = S3StorageConfig.from(settings.withPrefix("storage.s3."));

        S3StorageConfig expected =
                S3StorageConfig.builder()
                        .region("eu-central-1")
                        .endpoint(URI.create("https://s3.openshift-storage.svc:443"))
                        .pathStyleAccess(true)
                        .credentials(
                                new StaticKeys(
                                        "AKIAEXAMPLE",
                                        Secret.of("s3cr3t-value"),
                                        Optional.of(Secret.of("t0ken-value"))))
                        .multipartThreshold(64L << 20)
                        .partSize(8L << 20)
                        .uploadParallelism(6)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32)
                        .encryption(
                                Encryption.kms("arn:aws:kms:eu-central-1:111122223333:key/abcd"))
                        .storageClass("STANDARD_IA")
                        .cannedAcl("bucket-owner-full-control")
                        .tags(Map.of("team", "data", "cost-center", "42"))
                        .conditionalWrites(false)
                        .maxAttempts(7)
                        .apiCallTimeout(Duration.ofMinutes(5))
                        .apiCallAttemptTimeout(Duration.ofSeconds(90))
                        .connectTimeout(Duration.ofSeconds(3))
                        .maxConnections(128)
                        .listPageSize(250)
                        .build();
        assertThat(config).isEqualTo(expected);
        assertThat(settings.unusedKeys()).isEmpty();
    }

    @Test
    void everyChecksumChoiceIsAccepted() {
        assertThat(from(Map.of("checksum-algorithm", "crc32c")).checksumAlgorithm())
                .isEqualTo(ChecksumAlgorithm.CRC32C);
        assertThat(from(Map.of("checksum-algorithm", "md5")).checksumAlgorithm())
                .isEqualTo(ChecksumAlgorithm.MD5);
        assertThat(from(Map.of("checksum-algorithm", "none")).checksumAlgorithm())
                .isEqualTo(ChecksumAlgorithm.NONE);
    }

    @Test
    void accessKeyAloneImpliesStaticCredentials() {
        assertThat(from(Map.of("access-key", "ak", "secret-key", "sk")).credentials())
                .isEqualTo(Credentials.staticKeys("ak", Secret.of("sk")));
    }

    @Test
    void assumeRoleMapping() {
        assertThat(
                        from(Map.of(
                                        "credentials", "assume-role",
                                        "role-arn", "arn:aws:iam::111122223333:role/archiver",
                                        "external-id", "ext-123",
                                        "role-session-name", "archiver-prod"))
                                .credentials())
                .isEqualTo(
                        new AssumeRole(
                                "arn:aws:iam::111122223333:role/archiver",
                                Optional.of("ext-123"),
                                "archiver-prod"));
        assertThat(
                        from(Map.of(
                                        "credentials",
                                        "assume-role",
                                        "role-arn",
                                        "arn:aws:iam::1:role/r"))
                                .credentials())
                .isEqualTo(Credentials.assumeRole("arn:aws:iam::1:role/r"));
    }

    @Test
    void encryptionMapping() {
        assertThat(from(Map.of("sse.type", "s3")).encryption()).isEqualTo(Encryption.s3Managed());
        assertThat(from(Map.of("sse.type", "kms")).encryption()).isEqualTo(Encryption.kms());
        assertThat(from(Map.of("sse.type", "sse-c", "sse.customer-key", KEY_32)).encryption())
                .isEqualTo(Encryption.customerKey(Secret.of(KEY_32)));
    }

    @Test
    void validationNamesTheFullKey() {
        assertRejected(
                Map.of("credentials", "static", "access-key", "ak"),
                "Missing required setting storage.s3.secret-key");
        assertRejected(
                Map.of("secret-key", "sk"), "Missing required setting storage.s3.access-key");
        assertRejected(
                Map.of("credentials", "iam"),
                "storage.s3.credentials",
                "default, static, assume-role");
        assertRejected(
                Map.of("credentials", "default", "access-key", "ak"),
                "storage.s3.access-key is set",
                "storage.s3.credentials");
        assertRejected(
                Map.of("credentials", "assume-role"),
                "Missing required setting storage.s3.role-arn");
        assertRejected(Map.of("external-id", "x"), "storage.s3.external-id is set", "assume-role");
        assertRejected(Map.of("endpoint", "minio:9000"), "storage.s3.endpoint", "http or https");
        assertRejected(Map.of("region", ""), "storage.s3.region");
        assertRejected(
                Map.of("path-style-access", "yes"),
                "storage.s3.path-style-access",
                "true or false");
        assertRejected(
                Map.of("multipart.part-size", "1MB"),
                "storage.s3.multipart.part-size",
                "5MB to 5GB");
        assertRejected(Map.of("multipart.part-size", "6GB"), "storage.s3.multipart.part-size");
        assertRejected(Map.of("multipart.threshold", "0"), "storage.s3.multipart.threshold");
        assertRejected(Map.of("multipart.threshold", "lots"), "storage.s3.multipart.threshold");
        assertRejected(
                Map.of("multipart.parallelism", "0"),
                "storage.s3.multipart.parallelism",
                "at least 1");
        assertRejected(
                Map.of("checksum-algorithm", "sha1"),
                "storage.s3.checksum-algorithm",
                "crc32c, crc32, md5, none");
        assertRejected(Map.of("sse.type", "aes"), "storage.s3.sse.type", "none, s3, kms, sse-c");
        assertRejected(
                Map.of("sse.type", "sse-c"),
                "Missing required setting storage.s3.sse.customer-key");
        assertRejected(
                Map.of("sse.kms-key-id", "k"),
                "storage.s3.sse.kms-key-id is set",
                "storage.s3.sse.type");
        assertRejected(Map.of("sse.customer-key", KEY_32), "storage.s3.sse.customer-key is set");
        assertRejected(Map.of("storage-class", "COLD"), "storage.s3.storage-class", "STANDARD_IA");
        assertRejected(
                Map.of("canned-acl", "everyone"),
                "storage.s3.canned-acl",
                "bucket-owner-full-control");
        assertRejected(Map.of("tags.bad*name", "x"), "storage.s3.tags.bad*name");
        Map<String, String> tooManyTags = new HashMap<>();
        for (int i = 0; i < 11; i++) {
            tooManyTags.put("tags.t" + i, "v");
        }
        assertRejected(tooManyTags, "storage.s3.tags.", "at most 10");
        assertRejected(Map.of("retry.max-attempts", "0"), "storage.s3.retry.max-attempts");
        assertRejected(Map.of("api-call-timeout", "0s"), "storage.s3.api-call-timeout", "positive");
        assertRejected(
                Map.of("api-call-attempt-timeout", "soon"), "storage.s3.api-call-attempt-timeout");
        assertRejected(Map.of("connect-timeout", "0ms"), "storage.s3.connect-timeout");
        assertRejected(Map.of("max-connections", "0"), "storage.s3.max-connections");
        assertRejected(Map.of("list.page-size", "1001"), "storage.s3.list.page-size", "1 to 1000");
    }

    @Test
    void badCustomerKeyIsRejectedWithoutEchoingIt() {
        String notAKey = "bm90LWEtMzItYnl0ZS1rZXk=";
        assertThatThrownBy(() -> from(Map.of("sse.type", "sse-c", "sse.customer-key", notAKey)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.s3.sse.customer-key")
                .hasMessageContaining("256-bit")
                .hasMessageNotContaining(notAKey);
    }

    @Test
    void secretsAreRedactedInToString() {
        S3StorageConfig config =
                from(
                        Map.of(
                                "access-key", "AKIAEXAMPLE",
                                "secret-key", "very-secret-key-value",
                                "session-token", "very-secret-session-token",
                                "sse.type", "sse-c",
                                "sse.customer-key", KEY_32));

        assertThat(config.toString())
                .doesNotContain("very-secret-key-value")
                .doesNotContain("very-secret-session-token")
                .doesNotContain(KEY_32)
                .contains("******");
    }

    @Test
    void builderValidatesToo() {
        assertThatThrownBy(() -> S3StorageConfig.builder().partSize(1024).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partSize");
        assertThatThrownBy(() -> S3StorageConfig.builder().storageClass("COLD").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Encryption.customerKey(Secret.of("c2hvcnQ=")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("c2hvcnQ=");
        assertThat(
                        S3StorageConfig.builder().region("eu-west-1").build().toBuilder()
                                .build()
                                .region())
                .contains("eu-west-1");
    }
}
