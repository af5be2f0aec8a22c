package dev.archiver.policy;

import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StandardUploadPolicyProviderTest {
    private static final String PREFIX = "upload.";
    private static final Instant CREATED = Instant.parse("2026-11-24T21:03:17Z");

    private static UploadPolicy policy(String... keyValues) {
        return new StandardUploadPolicyProvider().create(scoped(PREFIX, keyValues));
    }

    @Test
    void defaults() {
        assertThat(policy()).hasToString("anyOf(maxBytes=128MB, maxAge=10m)");
        StandardUploadPolicyConfig config = StandardUploadPolicyConfig.from(Settings.empty());
        assertThat(config).isEqualTo(StandardUploadPolicyConfig.defaults());
        assertThat(config.maxFileSize()).isEqualTo(128L << 20);
        assertThat(config.maxRecords()).isEmpty();
        assertThat(config.maxFileAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.interval()).isEmpty();
        UploadPolicy p = policy();
        assertThat(
                        p.shouldSeal(
                                new FileStats(1_000_000, (128L << 20) - 1, 1, CREATED, 0, 1),
                                CREATED.plusSeconds(599)))
                .isFalse();
        assertThat(p.shouldSeal(new FileStats(1, 128L << 20, 1, CREATED, 0, 1), CREATED)).isTrue();
        assertThat(p.shouldSeal(new FileStats(1, 1, 1, CREATED, 0, 1), CREATED.plusSeconds(600)))
                .isTrue();
    }

    @Test
    void everyKey() {
        UploadPolicy p =
                policy(
                        "max-file-size",
                        "64KB",
                        "max-records",
                        "500",
                        "max-file-age",
                        "90s",
                        "interval",
                        "15m");
        assertThat(p)
                .hasToString(
                        "anyOf(maxBytes=64KB, maxRecords=500, maxAge=90s, alignedInterval=15m)");
        assertThat(p.shouldSeal(new FileStats(499, 1, 1, CREATED, 0, 1), CREATED)).isFalse();
        assertThat(p.shouldSeal(new FileStats(500, 1, 1, CREATED, 0, 1), CREATED)).isTrue();
        assertThat(
                        p.shouldSeal(
                                new FileStats(1, 1, 1, CREATED, 0, 1),
                                Instant.parse("2026-11-24T21:04:46Z")))
                .isFalse();
        assertThat(
                        p.shouldSeal(
                                new FileStats(1, 1, 1, Instant.parse("2026-11-24T21:14:59Z"), 0, 1),
                                Instant.parse("2026-11-24T21:15:00Z")))
                .isTrue();
        assertThat(StandardUploadPolicyConfig.from(scoped(PREFIX, "max-records", "7")).maxRecords())
                .isEqualTo(OptionalLong.of(7));
    }

    @Test
    void builderMatchesSettings() {
        StandardUploadPolicyConfig built =
                StandardUploadPolicyConfig.builder()
                        .maxFileSize(1L << 20)
                        .maxRecords(10)
                        .maxFileAge(Duration.ofSeconds(30))
                        .interval(Duration.ofHours(1))
                        .build();
        assertThat(built)
                .isEqualTo(
                        StandardUploadPolicyConfig.from(
                                scoped(
                                        PREFIX,
                                        "max-file-size",
                                        "1MB",
                                        "max-records",
                                        "10",
                                        "max-file-age",
                                        "30s",
                                        "interval",
                                        "1h")));
        assertThat(built.toPolicy())
                .hasToString("anyOf(maxBytes=1MB, maxRecords=10, maxAge=30s, alignedInterval=1h)");
    }

    @Test
    void zeroNegativeAndMalformedValuesNameTheKey() {
        String[][] cases = {
            {"max-file-size", "0"},
            {"max-file-size", "-1"},
            {"max-file-size", "big"},
            {"max-records", "0"},
            {"max-records", "-3"},
            {"max-records", "lots"},
            {"max-file-age", "0"},
            {"max-file-age", "-5m"},
            {"max-file-age", "0s"},
            {"max-file-age", "later"},
            {"interval", "0m"},
            {"interval", "-1h"},
            {"interval", "weekly"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> policy(c[0], c[1]))
                    .as("%s=%s", c[0], c[1])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("upload." + c[0]);
        }
    }

    @Test
    void ignoresThePolicySelectorKey() {
        Settings settings =
                Settings.of(
                        java.util.Map.of("upload.policy", "standard", "upload.max-records", "3"));
        UploadPolicy p = new StandardUploadPolicyProvider().create(settings.withPrefix(PREFIX));
        assertThat(p).hasToString("anyOf(maxBytes=128MB, maxRecords=3, maxAge=10m)");
    }
}
