package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.TimestampFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the {@code time} partitioner (under {@code partitioner.time.}).
 *
 * <ul>
 *   <li>{@code pattern}: a {@link DateTimeFormatter} pattern applied to the event time; {@code /}
 *       separates path segments, quoted text is literal, text fields ({@code MMM}, {@code EEE}) use
 *       {@link Locale#ROOT}. Default {@value #DEFAULT_PATTERN}, giving {@code dt=2026-11-24/hr=21}.
 *       Fields finer than minutes (seconds, fractions) are rejected;
 *   <li>{@code zone}: the time zone the event time is shown in; default {@code UTC};
 *   <li>{@code granularity}: {@code minute}, {@code hour} or {@code day}: the event time is
 *       truncated to it, in {@code zone}, before formatting. Default: the finest unit the pattern
 *       shows ({@code hour} for the default pattern);
 *   <li>{@code bucket}: optional duration such as {@code 15m}: truncates the time of day to a
 *       multiple of it instead of to {@code granularity} ({@code min=00}, {@code min=15}, ...). It
 *       must be whole minutes and divide a day evenly.
 * </ul>
 *
 * @param pattern the formatter pattern
 * @param zone the zone
 * @param granularity the truncation unit
 * @param bucket the optional bucket that replaces {@code granularity}
 * @since 0.1
 */
public record TimePartitionerConfig(
        String pattern, ZoneId zone, Granularity granularity, Optional<Duration> bucket) {
    public static final String DEFAULT_PATTERN = "'dt='yyyy-MM-dd'/hr='HH";

    /** The unit event times are truncated to before formatting. */
    public enum Granularity {
        MINUTE(Duration.ofMinutes(1)),
        HOUR(Duration.ofHours(1)),
        DAY(Duration.ofDays(1));

        private final Duration duration;

        Granularity(Duration duration) {
            this.duration = duration;
        }

        public Duration duration() {
            return duration;
        }
    }

    public TimePartitionerConfig {
        requireNonNull(pattern, "pattern is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(granularity, "granularity is null");
        requireNonNull(bucket, "bucket is null");
        DateTimeFormatter formatter = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
        if (finest(pattern) == null) {
            throw new IllegalArgumentException(
                    "the pattern shows seconds or finer; the finest unit allowed is minutes");
        }
        if (bucket.isPresent()) {
            Duration b = bucket.get();
            if (b.isZero()
                    || b.isNegative()
                    || b.toSeconds() % 60 != 0
                    || b.toNanos() % 1_000_000_000L != 0
                    || Duration.ofDays(1).toSeconds() % b.toSeconds() != 0) {
                throw new IllegalArgumentException(
                        "the bucket must be a whole number of minutes that divides a day evenly (e.g. 5m, 15m, 2h)");
            }
        }
        // a pattern that makes empty or unsafe segments fails now rather than on the first record
        for (Instant probe : List.of(Instant.EPOCH, Instant.parse("2026-11-24T21:05:00Z"))) {
            String formatted = formatter.format(probe.atZone(zone));
            new PartitionPath(Arrays.asList(formatted.split("/", -1)));
        }
    }

    public static TimePartitionerConfig defaults() {
        return builder().build();
    }

    public static TimePartitionerConfig from(Settings settings) {
        String pattern = settings.getString("pattern", DEFAULT_PATTERN);
        ZoneId zone = TimestampFormat.zone(settings, "zone");
        Optional<Granularity> granularity =
                settings.contains("granularity")
                        ? Optional.of(
                                settings.getEnum(
                                        "granularity", Granularity.class, Granularity.HOUR))
                        : Optional.empty();
        Optional<Duration> bucket = settings.getDuration("bucket");
        Builder builder = builder().pattern(pattern).zone(zone);
        granularity.ifPresent(builder::granularity);
        bucket.ifPresent(builder::bucket);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            String key =
                    bucket.isPresent()
                                    && e.getMessage() != null
                                    && e.getMessage().startsWith("the bucket")
                            ? "bucket"
                            : "pattern";
            String value = key.equals("bucket") ? settings.getString("bucket", "") : pattern;
            throw new ConfigException(
                    "Invalid value '"
                            + value
                            + "' for "
                            + settings.fullKey(key)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The finest unit {@code pattern} shows, or {@code null} when it shows seconds or finer. */
    static Granularity finest(String pattern) {
        Granularity finest = Granularity.DAY;
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
                continue;
            }
            if (quoted) {
                continue;
            }
            switch (c) {
                case 's', 'S', 'n', 'N', 'A' -> {
                    return null;
                }
                case 'm' -> finest = Granularity.MINUTE;
                case 'H', 'h', 'k', 'K' -> {
                    if (finest == Granularity.DAY) {
                        finest = Granularity.HOUR;
                    }
                }
                default -> {}
            }
        }
        return finest;
    }

    /** The truncation unit: the bucket when set, else the granularity. */
    public Duration unit() {
        return bucket.orElse(granularity.duration());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as documented on {@link TimePartitionerConfig}. */
    public static final class Builder {
        private String pattern = DEFAULT_PATTERN;
        private ZoneId zone = ZoneId.of("UTC");
        private Granularity granularity;
        private Duration bucket;

        private Builder() {}

        public Builder pattern(String pattern) {
            this.pattern = requireNonNull(pattern, "pattern is null");
            return this;
        }

        public Builder zone(ZoneId zone) {
            this.zone = requireNonNull(zone, "zone is null");
            return this;
        }

        public Builder granularity(Granularity granularity) {
            this.granularity = requireNonNull(granularity, "granularity is null");
            return this;
        }

        public Builder bucket(Duration bucket) {
            this.bucket = requireNonNull(bucket, "bucket is null");
            return this;
        }

        /**
         * @throws IllegalArgumentException on an invalid pattern or bucket
         */
        public TimePartitionerConfig build() {
            Granularity g = granularity;
            if (g == null) {
                g = finest(pattern);
                if (g == null) {
                    g = Granularity.MINUTE; // the constructor rejects the pattern with a clear
                    // message
                }
            }
            return new TimePartitionerConfig(pattern, zone, g, Optional.ofNullable(bucket));
        }
    }
}
