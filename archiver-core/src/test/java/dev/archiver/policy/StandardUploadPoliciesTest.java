package dev.archiver.policy;

import static dev.archiver.policy.StandardUploadPolicies.alignedInterval;
import static dev.archiver.policy.StandardUploadPolicies.anyOf;
import static dev.archiver.policy.StandardUploadPolicies.maxAge;
import static dev.archiver.policy.StandardUploadPolicies.maxBytes;
import static dev.archiver.policy.StandardUploadPolicies.maxRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardUploadPoliciesTest {
    private static final Instant CREATED = Instant.parse("2026-11-24T21:03:17Z");

    private static FileStats stats(long records, long bytes) {
        return new FileStats(records, bytes, 1, CREATED, 100, 100 + records - 1);
    }

    @Test
    void maxBytesSealsAtTheLimit() {
        UploadPolicy p = maxBytes(1000);
        assertThat(p.shouldSeal(stats(1, 999), CREATED)).isFalse();
        assertThat(p.shouldSeal(stats(1, 1000), CREATED)).isTrue();
        assertThat(p.shouldSeal(stats(1, 5000), CREATED)).isTrue();
    }

    @Test
    void maxRecordsSealsAtTheLimit() {
        UploadPolicy p = maxRecords(10);
        assertThat(p.shouldSeal(stats(9, 1), CREATED)).isFalse();
        assertThat(p.shouldSeal(stats(10, 1), CREATED)).isTrue();
    }

    @Test
    void maxAgeSealsOnceOldEnough() {
        UploadPolicy p = maxAge(Duration.ofMinutes(10));
        assertThat(p.shouldSeal(stats(1, 1), CREATED.plus(Duration.ofMinutes(10)).minusMillis(1)))
                .isFalse();
        assertThat(p.shouldSeal(stats(1, 1), CREATED.plus(Duration.ofMinutes(10)))).isTrue();
        // a clock that went backwards never seals early
        assertThat(p.shouldSeal(stats(1, 1), CREATED.minusSeconds(60))).isFalse();
    }

    @Test
    void alignedIntervalSealsWhenABoundaryIsCrossed() {
        UploadPolicy p = alignedInterval(Duration.ofMinutes(10));
        assertThat(p.shouldSeal(stats(1, 1), CREATED)).isFalse();
        assertThat(p.shouldSeal(stats(1, 1), Instant.parse("2026-11-24T21:09:59.999Z"))).isFalse();
        assertThat(p.shouldSeal(stats(1, 1), Instant.parse("2026-11-24T21:10:00Z"))).isTrue();
        // created just before a mark: sealed right after it, not 10 minutes later
        FileStats late = new FileStats(1, 1, 1, Instant.parse("2026-11-24T21:09:58Z"), 0, 0);
        assertThat(p.shouldSeal(late, Instant.parse("2026-11-24T21:10:00Z"))).isTrue();
        FileStats exact = new FileStats(1, 1, 1, Instant.parse("2026-11-24T21:10:00Z"), 0, 0);
        assertThat(p.shouldSeal(exact, Instant.parse("2026-11-24T21:19:59Z"))).isFalse();
        UploadPolicy hourly = alignedInterval(Duration.ofHours(1));
        assertThat(hourly.shouldSeal(stats(1, 1), Instant.parse("2026-11-24T21:59:59Z"))).isFalse();
        assertThat(hourly.shouldSeal(stats(1, 1), Instant.parse("2026-11-24T22:00:00Z"))).isTrue();
        FileStats beforeEpoch = new FileStats(1, 1, 1, Instant.ofEpochMilli(-1), 0, 0);
        assertThat(alignedInterval(Duration.ofSeconds(1)).shouldSeal(beforeEpoch, Instant.EPOCH))
                .isTrue();
    }

    @Test
    void anyOfSealsWhenOneDoes() {
        UploadPolicy p = anyOf(maxBytes(100), maxRecords(5));
        assertThat(p.shouldSeal(stats(1, 1), CREATED)).isFalse();
        assertThat(p.shouldSeal(stats(5, 1), CREATED)).isTrue();
        assertThat(p.shouldSeal(stats(1, 100), CREATED)).isTrue();
        assertThat(anyOf(List.of(maxRecords(1))).shouldSeal(stats(1, 1), CREATED)).isTrue();
    }

    @Test
    void readableToString() {
        assertThat(anyOf(maxBytes(128L << 20), maxAge(Duration.ofMinutes(10))))
                .hasToString("anyOf(maxBytes=128MB, maxAge=10m)");
        assertThat(maxBytes(1L << 30)).hasToString("maxBytes=1GB");
        assertThat(maxBytes(3 << 10)).hasToString("maxBytes=3KB");
        assertThat(maxBytes(1000)).hasToString("maxBytes=1000B");
        assertThat(maxRecords(42)).hasToString("maxRecords=42");
        assertThat(alignedInterval(Duration.ofMinutes(15))).hasToString("alignedInterval=15m");
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> maxBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> maxRecords(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecords");
        assertThatThrownBy(() -> maxAge(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAge");
        assertThatThrownBy(() -> alignedInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alignedInterval(Duration.ofNanos(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> anyOf()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> anyOf(maxBytes(1), null)).isInstanceOf(NullPointerException.class);
    }
}
