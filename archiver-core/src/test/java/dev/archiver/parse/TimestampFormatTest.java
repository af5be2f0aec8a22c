package dev.archiver.parse;

import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimestampFormatTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant T = Instant.parse("2026-11-24T21:05:30.123456789Z");

    private static Instant read(String spec, Object value) {
        return TimestampFormat.of(spec, UTC).toInstant(value);
    }

    @Test
    void epochUnitsFromNumbersAndStrings() {
        assertThat(read("epoch-seconds", 1_795_554_330L))
                .isEqualTo(T.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(read("epoch-seconds", 1_795_554_330))
                .isEqualTo(Instant.ofEpochSecond(1_795_554_330L));
        assertThat(read("epoch-millis", 1_795_554_330_123L))
                .isEqualTo(Instant.parse("2026-11-24T21:05:30.123Z"));
        assertThat(read("epoch-micros", "1795554330123456"))
                .isEqualTo(Instant.parse("2026-11-24T21:05:30.123456Z"));
        assertThat(read("epoch-nanos", 1_795_554_330_123_456_789L)).isEqualTo(T);
        assertThat(read("epoch-nanos", new BigInteger("1795554330123456789"))).isEqualTo(T);
        assertThat(read("EPOCH-MILLIS", " 1000 ")).isEqualTo(Instant.ofEpochSecond(1));
    }

    @Test
    void fractionsAndNegativesAreExact() {
        assertThat(read("epoch-seconds", 1.5)).isEqualTo(Instant.ofEpochMilli(1_500));
        assertThat(read("epoch-seconds", "1795554330.123456789")).isEqualTo(T);
        assertThat(read("epoch-millis", new BigDecimal("0.001")))
                .isEqualTo(Instant.ofEpochSecond(0, 1_000));
        assertThat(read("epoch-millis", -1L)).isEqualTo(Instant.ofEpochMilli(-1));
        assertThat(read("epoch-seconds", -0.5)).isEqualTo(Instant.ofEpochMilli(-500));
        assertThat(read("epoch-seconds", "1e3")).isEqualTo(Instant.ofEpochSecond(1_000));
    }

    @Test
    void iso8601WithOffsetZoneOrNone() {
        assertThat(read("iso-8601", "2026-11-24T21:05:30.123456789Z")).isEqualTo(T);
        assertThat(read("iso-8601", "2026-11-24T22:05:30.123456789+01:00")).isEqualTo(T);
        assertThat(read("iso-8601", "2026-11-24T22:05:30.123456789+01:00[Europe/Paris]"))
                .isEqualTo(T);
        assertThat(read("iso-8601", "2026-11-24T21:05:30.123456789")).isEqualTo(T);
        assertThat(
                        TimestampFormat.of("iso-8601", ZoneId.of("Europe/Paris"))
                                .toInstant("2026-11-24T22:05:30.123456789"))
                .isEqualTo(T);
    }

    @Test
    void patternsUseTheZoneUnlessTheTextHasAnOffset() {
        TimestampFormat paris =
                TimestampFormat.of("yyyy-MM-dd HH:mm:ss", ZoneId.of("Europe/Paris"));
        assertThat(paris.toInstant("2026-11-24 22:05:30"))
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
        assertThat(paris.toInstant("2026-07-01 12:00:00"))
                .isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));
        TimestampFormat withOffset =
                TimestampFormat.of("yyyy-MM-dd HH:mm:ssXXX", ZoneId.of("Europe/Paris"));
        assertThat(withOffset.toInstant("2026-11-24 21:05:30Z"))
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
        assertThat(TimestampFormat.of("yyyyMMdd", UTC).toInstant(20261124))
                .isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(
                        TimestampFormat.of("dd/MMM/yyyy:HH:mm:ss Z", UTC)
                                .toInstant("24/Nov/2026:22:05:30 +0100"))
                .isEqualTo(Instant.parse("2026-11-24T21:05:30Z"));
    }

    @Test
    void dstGapAndOverlapResolveDeterministically() {
        TimestampFormat paris = TimestampFormat.of("yyyy-MM-dd HH:mm", ZoneId.of("Europe/Paris"));
        // 2026-10-25 02:30 happens twice in Paris: the earlier offset (+02:00) is used
        assertThat(paris.toInstant("2026-10-25 02:30"))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        // 2026-03-29 02:30 does not exist: it moves forward by the gap
        assertThat(paris.toInstant("2026-03-29 02:30"))
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void rejectsUnreadableValuesWithoutQuotingThem() {
        assertThatThrownBy(() -> read("epoch-millis", "secret-text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-text");
        assertThatThrownBy(() -> read("iso-8601", "secret-text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-text");
        assertThatThrownBy(() -> read("yyyy-MM-dd", "24.11.2026"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("epoch-millis", true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("epoch-millis", Map.of())).hasMessageContaining("an object");
        assertThatThrownBy(() -> read("iso-8601", List.of())).hasMessageContaining("an array");
        assertThatThrownBy(() -> read("epoch-seconds", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("epoch-seconds", "1e30"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("epoch-seconds", Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("HH:mm", "12:00"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configErrorsNameTheKey() {
        assertThatThrownBy(
                        () ->
                                TimestampFormat.from(
                                        scoped("p.", "fmt", "yyyy-MM-dd'T"),
                                        "fmt",
                                        "zone",
                                        "epoch-millis"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.fmt")
                .hasMessageContaining(
                        "epoch-seconds, epoch-millis, epoch-micros, epoch-nanos, iso-8601");
        assertThatThrownBy(
                        () ->
                                TimestampFormat.from(
                                        scoped("p.", "zone", "Mars/Olympus"),
                                        "fmt",
                                        "zone",
                                        "epoch-millis"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.zone");
        TimestampFormat f = TimestampFormat.from(scoped("p."), "fmt", "zone", "epoch-seconds");
        assertThat(f.spec()).isEqualTo("epoch-seconds");
        assertThat(f.zone()).isEqualTo(ZoneId.of("UTC"));
    }
}
