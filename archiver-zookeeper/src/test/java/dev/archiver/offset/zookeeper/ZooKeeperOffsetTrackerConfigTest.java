package dev.archiver.offset.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.offset.zookeeper.ZooKeeperOffsetTrackerConfig.Acl;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZooKeeperOffsetTrackerConfigTest {
    private static final String PREFIX = "offsets.zookeeper.";

    @Test
    void defaults() {
        ZooKeeperOffsetTrackerConfig config = from(Map.of("connect", "zk1:2181"));

        assertThat(config).isEqualTo(ZooKeeperOffsetTrackerConfig.of("zk1:2181"));
        assertThat(config.connect()).isEqualTo("zk1:2181");
        assertThat(config.kafkaPath()).isEmpty();
        assertThat(config.archiverPath()).isEqualTo("/archiver");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.retryBaseSleep()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.retryMaxRetries()).isEqualTo(3);
        assertThat(config.lockTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.auth()).isEmpty();
        assertThat(config.acl()).isEqualTo(Acl.OPEN);
        assertThat(config.offsetsPath("secor_backup")).isEqualTo("/consumers/secor_backup/offsets");
        assertThat(config.locksPath()).isEqualTo("/archiver/locks");
    }

    @Test
    void explicitMappingOfEveryKey() {
        Settings settings =
                settings(
                        Map.ofEntries(
                                Map.entry("connect", "zk1:2181,zk2:2181/chroot"),
                                Map.entry("kafka-path", "/kafka"),
                                Map.entry("archiver-path", "/secor-migration/"),
                                Map.entry("session-timeout", "20s"),
                                Map.entry("connection-timeout", "5s"),
                                Map.entry("retry.base-sleep", "250ms"),
                                Map.entry("retry.max-retries", "7"),
                                Map.entry("lock-timeout", "2m"),
                                Map.entry("auth-scheme", "digest"),
                                Map.entry("auth", "archiver:s3cret"),
                                Map.entry("acl", "creator-all")));

        ZooKeeperOffsetTrackerConfig config = ZooKeeperOffsetTrackerConfig.from(settings);

        assertThat(config)
                .isEqualTo(
                        new ZooKeeperOffsetTrackerConfig(
                                "zk1:2181,zk2:2181/chroot",
                                "/kafka",
                                "/secor-migration",
                                Duration.ofSeconds(20),
                                Duration.ofSeconds(5),
                                Duration.ofMillis(250),
                                7,
                                Duration.ofMinutes(2),
                                Optional.of(Secret.of("archiver:s3cret")),
                                Acl.CREATOR_ALL));
        assertThat(config.offsetsPath("g")).isEqualTo("/kafka/consumers/g/offsets");
        assertThat(config.locksPath()).isEqualTo("/secor-migration/locks");
        assertThat(settings.unusedKeys()).isEmpty();
    }

    @Test
    void kafkaPathIsJoinedAsSecorDoes() {
        for (String path : new String[] {"kafka", "/kafka", "kafka/", "//kafka//"}) {
            assertThat(from(Map.of("connect", "zk:2181", "kafka-path", path)).offsetsPath("g"))
                    .isEqualTo("/kafka/consumers/g/offsets");
        }
        assertThat(from(Map.of("connect", "zk:2181", "kafka-path", "/")).offsetsPath("g"))
                .isEqualTo("/consumers/g/offsets");
        assertThat(from(Map.of("connect", "zk:2181", "kafka-path", "a/b")).offsetsPath("g"))
                .isEqualTo("/a/b/consumers/g/offsets");
    }

    @Test
    void authWithoutSchemeMeansDigest() {
        ZooKeeperOffsetTrackerConfig config =
                from(Map.of("connect", "zk:2181", "auth", "user:password"));
        assertThat(config.auth()).contains(Secret.of("user:password"));
    }

    @Test
    void secretIsRedacted() {
        ZooKeeperOffsetTrackerConfig config =
                from(Map.of("connect", "zk:2181", "auth", "user:hunter2"));
        assertThat(config.toString()).doesNotContain("hunter2").contains("******");

        assertThatThrownBy(() -> from(Map.of("connect", "zk:2181", "auth", "hunter2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PREFIX + "auth")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void validationErrorsNameTheKey() {
        assertInvalid(Map.of(), "connect");
        assertInvalid(Map.of("connect", " "), "connect");
        assertInvalid(Map.of("kafka-path", "/a//b"), "kafka-path");
        assertInvalid(Map.of("archiver-path", "/locks/./x"), "archiver-path");
        assertInvalid(Map.of("session-timeout", "soon"), "session-timeout");
        assertInvalid(Map.of("session-timeout", "0s"), "session-timeout");
        assertInvalid(Map.of("connection-timeout", "0"), "connection-timeout");
        assertInvalid(Map.of("connection-timeout", "30d"), "connection-timeout");
        assertInvalid(Map.of("retry.base-sleep", "-1s"), "retry.base-sleep");
        assertInvalid(Map.of("retry.max-retries", "30"), "retry.max-retries");
        assertInvalid(Map.of("retry.max-retries", "-1"), "retry.max-retries");
        assertInvalid(Map.of("retry.max-retries", "many"), "retry.max-retries");
        assertInvalid(Map.of("lock-timeout", "forever"), "lock-timeout");
        assertInvalid(Map.of("auth-scheme", "digest"), "auth");
        assertThatThrownBy(
                        () ->
                                from(
                                        Map.of(
                                                "connect",
                                                "zk:2181",
                                                "auth-scheme",
                                                "sasl",
                                                "auth",
                                                "u:p")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PREFIX + "auth-scheme")
                .hasMessageContaining("accepted values are digest");
        assertThatThrownBy(() -> from(Map.of("connect", "zk:2181", "acl", "world")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PREFIX + "acl")
                .hasMessageContaining("open, creator-all");
        assertInvalid(Map.of("acl", "creator-all"), "acl");
        assertThatThrownBy(() -> from(Map.of("connect", "zk:2181", "lock-timout", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown setting " + PREFIX + "lock-timout")
                .hasMessageContaining("lock-timeout");
    }

    @Test
    void constructorValidates() {
        ZooKeeperOffsetTrackerConfig base = ZooKeeperOffsetTrackerConfig.of("zk:2181");
        assertThatThrownBy(
                        () ->
                                new ZooKeeperOffsetTrackerConfig(
                                        "zk:2181",
                                        "/",
                                        "/archiver",
                                        base.sessionTimeout(),
                                        base.connectionTimeout(),
                                        base.retryBaseSleep(),
                                        30,
                                        base.lockTimeout(),
                                        Optional.empty(),
                                        Acl.OPEN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryMaxRetries");
        assertThatThrownBy(() -> base.offsetsPath("bad\u0000group"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Consumer group");
    }

    private static void assertInvalid(Map<String, String> values, String key) {
        Map<String, String> withConnect = new HashMap<>(values);
        if (!key.equals("connect")) {
            withConnect.putIfAbsent("connect", "zk:2181");
        }
        assertThatThrownBy(() -> from(withConnect))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PREFIX + key);
    }

    private static ZooKeeperOffsetTrackerConfig from(Map<String, String> values) {
        return ZooKeeperOffsetTrackerConfig.from(settings(values));
    }

    private static Settings settings(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put(PREFIX + k, v));
        return Settings.of(prefixed).withPrefix(PREFIX);
    }
}
