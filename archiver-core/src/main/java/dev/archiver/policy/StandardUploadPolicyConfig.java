package dev.archiver.policy;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Settings of the {@code standard} upload policy (under {@code upload.}): files are sealed as soon
 * as any configured limit is reached.
 *
 * <ul>
 *   <li>{@code max-file-size}: bytes staged per topic-partition, e.g. {@code 64MB}; default {@code
 *       128MB};
 *   <li>{@code max-records}: records staged; default: no limit;
 *   <li>{@code max-file-age}: time since the first staged record, e.g. {@code 5m}; default {@code
 *       10m};
 *   <li>{@code interval}: optional clock-aligned interval, e.g. {@code 10m} seals at every
 *       10-minute mark crossed ({@link StandardUploadPolicies#alignedInterval(Duration)}).
 * </ul>
 *
 * <p>Every value must be positive.
 *
 * @since 0.1
 */
public record StandardUploadPolicyConfig(
        long maxFileSize,
        OptionalLong maxRecords,
        Duration maxFileAge,
        Optional<Duration> interval) {
    public static final long DEFAULT_MAX_FILE_SIZE = 128L << 20;
    public static final Duration DEFAULT_MAX_FILE_AGE = Duration.ofMinutes(10);

    public StandardUploadPolicyConfig {
        requireNonNull(maxRecords, "maxRecords is null");
        requireNonNull(maxFileAge, "maxFileAge is null");
        requireNonNull(interval, "interval is null");
        if (maxFileSize <= 0) {
            throw new IllegalArgumentException("maxFileSize must be positive: " + maxFileSize);
        }
        if (maxRecords.isPresent() && maxRecords.getAsLong() <= 0) {
            throw new IllegalArgumentException(
                    "maxRecords must be positive: " + maxRecords.getAsLong());
        }
        if (maxFileAge.isZero() || maxFileAge.isNegative()) {
            throw new IllegalArgumentException("maxFileAge must be positive: " + maxFileAge);
        }
        if (interval.isPresent() && interval.get().toMillis() <= 0) {
            throw new IllegalArgumentException("interval must be at least 1ms: " + interval.get());
        }
    }

    public static StandardUploadPolicyConfig defaults() {
        return builder().build();
    }

    public static StandardUploadPolicyConfig from(Settings settings) {
        long size = settings.getDataSize("max-file-size", DEFAULT_MAX_FILE_SIZE);
        if (size <= 0) {
            throw notPositive(settings, "max-file-size");
        }
        OptionalLong records = OptionalLong.empty();
        if (settings.contains("max-records")) {
            long n = settings.getLong("max-records", 0);
            if (n <= 0) {
                throw notPositive(settings, "max-records");
            }
            records = OptionalLong.of(n);
        }
        Duration age = settings.getDuration("max-file-age", DEFAULT_MAX_FILE_AGE);
        if (age.toMillis() <= 0) {
            throw notPositive(settings, "max-file-age");
        }
        Optional<Duration> interval = settings.getDuration("interval");
        if (interval.isPresent() && interval.get().toMillis() <= 0) {
            throw notPositive(settings, "interval");
        }
        return new StandardUploadPolicyConfig(size, records, age, interval);
    }

    private static ConfigException notPositive(Settings settings, String key) {
        return new ConfigException(
                "Invalid value '"
                        + settings.getString(key, "")
                        + "' for "
                        + settings.fullKey(key)
                        + ": must be positive");
    }

    /** {@code anyOf} the configured limits. */
    public UploadPolicy toPolicy() {
        List<UploadPolicy> policies = new ArrayList<>();
        policies.add(StandardUploadPolicies.maxBytes(maxFileSize));
        maxRecords.ifPresent(n -> policies.add(StandardUploadPolicies.maxRecords(n)));
        policies.add(StandardUploadPolicies.maxAge(maxFileAge));
        interval.ifPresent(i -> policies.add(StandardUploadPolicies.alignedInterval(i)));
        return StandardUploadPolicies.anyOf(policies);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as documented on {@link StandardUploadPolicyConfig}. */
    public static final class Builder {
        private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
        private OptionalLong maxRecords = OptionalLong.empty();
        private Duration maxFileAge = DEFAULT_MAX_FILE_AGE;
        private Duration interval;

        private Builder() {}

        public Builder maxFileSize(long bytes) {
            this.maxFileSize = bytes;
            return this;
        }

        public Builder maxRecords(long records) {
            this.maxRecords = OptionalLong.of(records);
            return this;
        }

        public Builder maxFileAge(Duration age) {
            this.maxFileAge = requireNonNull(age, "age is null");
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = requireNonNull(interval, "interval is null");
            return this;
        }

        public StandardUploadPolicyConfig build() {
            return new StandardUploadPolicyConfig(
                    maxFileSize, maxRecords, maxFileAge, Optional.ofNullable(interval));
        }
    }
}
