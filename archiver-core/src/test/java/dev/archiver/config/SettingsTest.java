package dev.archiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void typedGettersAndPrefixes() {
        Settings s =
                Settings.of(
                        Map.of(
                                "a.size", "64MB", "a.age", "10m", "a.n", "3", "a.flag", "true",
                                "a.list", "x, y,,z"));
        Settings a = s.withPrefix("a.");
        assertThat(a.getDataSize("size", 0)).isEqualTo(64L << 20);
        assertThat(a.getDuration("age", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.getInt("n", 0)).isEqualTo(3);
        assertThat(a.getBoolean("flag", false)).isTrue();
        assertThat(a.getList("list", List.of())).containsExactly("x", "y", "z");
        assertThat(a.fullKey("size")).isEqualTo("a.size");
        assertThat(s.unusedKeys()).isEmpty();
    }

    @Test
    void durationsAreFormattedTheWayUsersWriteThem() {
        assertThat(Settings.formatDuration(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Settings.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Settings.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Settings.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Settings.formatDuration(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Settings.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Settings.formatDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(Settings.formatDuration(Duration.ofNanos(250_000))).isEqualTo("0.25ms");
        assertThat(Settings.formatDuration(Duration.ofSeconds(-10))).isEqualTo("-10s");
        // what it prints reads back as the same duration
        for (Duration d :
                List.of(
                        Duration.ofMillis(1),
                        Duration.ofMillis(61_001),
                        Duration.ofMinutes(90),
                        Duration.ofHours(36),
                        Duration.ofDays(400))) {
            assertThat(Settings.parseDuration("k", Settings.formatDuration(d))).isEqualTo(d);
        }
    }

    @Test
    void unusedKeysAreReported() {
        Settings s = Settings.of(Map.of("used", "1", "typo", "2"));
        s.getString("used");
        assertThat(s.unusedKeys()).containsExactly("typo");
    }

    @Test
    void errorsNameTheFullKey() {
        Settings s =
                Settings.of(Map.of("x.n", "many", "x.d", "5 parsecs", "x.s", "lots", "x.b", "yes"))
                        .withPrefix("x.");
        assertThatThrownBy(() -> s.getInt("n", 0))
                .hasMessage("Invalid value 'many' for x.n: expected an integer");
        assertThatThrownBy(() -> s.getDuration("d", Duration.ZERO))
                .hasMessageStartingWith("Invalid duration '5 parsecs' for x.d");
        assertThatThrownBy(() -> s.getDataSize("s", 0))
                .hasMessageStartingWith("Invalid size 'lots' for x.s");
        assertThatThrownBy(() -> s.getBoolean("b", false))
                .hasMessage("Invalid value 'yes' for x.b: expected true or false");
    }

    @Test
    void secretsAreRedacted() {
        Secret secret =
                Settings.of(Map.of("password", "hunter2")).getSecret("password").orElseThrow();
        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret.toString()).doesNotContain("hunter2").isEqualTo("******");
    }
}
