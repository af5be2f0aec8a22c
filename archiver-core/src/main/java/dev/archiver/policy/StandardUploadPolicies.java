package dev.archiver.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The built-in {@link UploadPolicy}s. Every policy returned here is immutable, thread-safe and has
 * a readable {@code toString()} such as {@code anyOf(maxBytes=128MB, maxAge=10m)}.
 *
 * @since 0.1
 */
public final class StandardUploadPolicies {
    private StandardUploadPolicies() {}

    /** Seals once at least {@code maxBytes} bytes are staged. */
    public static UploadPolicy maxBytes(long maxBytes) {
        positive("maxBytes", maxBytes);
        return new MaxBytes(maxBytes);
    }

    /** Seals once at least {@code maxRecords} records are staged. */
    public static UploadPolicy maxRecords(long maxRecords) {
        positive("maxRecords", maxRecords);
        return new MaxRecords(maxRecords);
    }

    /** Seals once the oldest staged record was written at least {@code maxAge} ago. */
    public static UploadPolicy maxAge(Duration maxAge) {
        positive("maxAge", maxAge);
        return new MaxAge(maxAge);
    }

    /**
     * Seals when the clock has crossed a multiple of {@code interval}, counted from the epoch,
     * since the files were created: with 10 minutes, at 12:00, 12:10, 12:20 and so on, whenever the
     * files were opened. That is, when {@code floor(createdAt / interval) != floor(now / interval)}
     * in epoch milliseconds. Boundaries are in UTC epoch time, so an interval that divides an hour
     * lines up with the wall clock in every zone with whole-hour (or half-hour, for divisors of 30
     * minutes) offsets.
     */
    public static UploadPolicy alignedInterval(Duration interval) {
        positive("interval", interval);
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1ms: " + interval);
        }
        return new AlignedInterval(interval);
    }

    /** Seals when any of {@code policies} says so. */
    public static UploadPolicy anyOf(UploadPolicy... policies) {
        requireNonNull(policies, "policies is null");
        return anyOf(List.of(policies));
    }

    /** Seals when any of {@code policies} says so. */
    public static UploadPolicy anyOf(List<? extends UploadPolicy> policies) {
        List<UploadPolicy> copy = List.copyOf(requireNonNull(policies, "policies is null"));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one policy");
        }
        return new AnyOf(copy);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        requireNonNull(value, name + " is null");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** {@code 134217728} as {@code 128MB}; sizes that are not whole KB, MB or GB in bytes. */
    static String formatSize(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + "B";
    }

    private record MaxBytes(long maxBytes) implements UploadPolicy {
        @Override
        public boolean shouldSeal(FileStats stats, Instant now) {
            return stats.bytes() >= maxBytes;
        }

        @Override
        public String toString() {
            return "maxBytes=" + formatSize(maxBytes);
        }
    }

    private record MaxRecords(long maxRecords) implements UploadPolicy {
        @Override
        public boolean shouldSeal(FileStats stats, Instant now) {
            return stats.records() >= maxRecords;
        }

        @Override
        public String toString() {
            return "maxRecords=" + maxRecords;
        }
    }

    private record MaxAge(Duration maxAge) implements UploadPolicy {
        @Override
        public boolean shouldSeal(FileStats stats, Instant now) {
            return Duration.between(stats.createdAt(), now).compareTo(maxAge) >= 0;
        }

        @Override
        public String toString() {
            return "maxAge=" + dev.archiver.config.Settings.formatDuration(maxAge);
        }
    }

    private record AlignedInterval(Duration interval) implements UploadPolicy {
        @Override
        public boolean shouldSeal(FileStats stats, Instant now) {
            long millis = interval.toMillis();
            return Math.floorDiv(stats.createdAt().toEpochMilli(), millis)
                    != Math.floorDiv(now.toEpochMilli(), millis);
        }

        @Override
        public String toString() {
            return "alignedInterval=" + dev.archiver.config.Settings.formatDuration(interval);
        }
    }

    private record AnyOf(List<UploadPolicy> policies) implements UploadPolicy {
        @Override
        public boolean shouldSeal(FileStats stats, Instant now) {
            for (UploadPolicy p : policies) {
                if (p.shouldSeal(stats, now)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return policies.stream()
                    .map(String::valueOf)
                    .collect(Collectors.joining(", ", "anyOf(", ")"));
        }
    }
}
