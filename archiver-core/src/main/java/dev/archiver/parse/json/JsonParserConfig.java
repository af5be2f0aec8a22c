package dev.archiver.parse.json;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.parse.TimestampFormat;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Settings of the {@code json} parser (under {@code parser.json.}).
 *
 * <ul>
 *   <li>{@code timestamp-field}: dot path of the event time ({@code meta.ts}); absent (default):
 *       the Kafka timestamp is the event time;
 *   <li>{@code timestamp-format}: see {@link TimestampFormat}; default {@code epoch-millis};
 *   <li>{@code timestamp-zone}: zone for text timestamps without an offset; default {@code UTC};
 *   <li>{@code on-missing-timestamp}: {@code kafka-timestamp} (default) or {@code fail}, when the
 *       field is absent or JSON {@code null};
 *   <li>{@code max-nesting-depth}: deepest allowed nesting of objects and arrays; default 1000.
 * </ul>
 *
 * @param timestampField the dot path, or empty
 * @param timestampFormat how the field is read
 * @param onMissingTimestamp what to do when the field is absent
 * @param maxNestingDepth at least 1
 * @since 0.1
 */
public record JsonParserConfig(
        Optional<String> timestampField,
        TimestampFormat timestampFormat,
        TimestampFallback onMissingTimestamp,
        int maxNestingDepth) {
    public static final int DEFAULT_MAX_NESTING_DEPTH = 1000;

    public JsonParserConfig {
        requireNonNull(timestampField, "timestampField is null");
        requireNonNull(timestampFormat, "timestampFormat is null");
        requireNonNull(onMissingTimestamp, "onMissingTimestamp is null");
        timestampField.ifPresent(JsonParserConfig::checkPath);
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException(
                    "maxNestingDepth must be at least 1: " + maxNestingDepth);
        }
    }

    public static JsonParserConfig defaults() {
        return builder().build();
    }

    public static JsonParserConfig from(Settings settings) {
        Optional<String> field = settings.getString("timestamp-field").filter(s -> !s.isEmpty());
        field.ifPresent(
                f -> {
                    try {
                        checkPath(f);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(
                                "Invalid value '"
                                        + f
                                        + "' for "
                                        + settings.fullKey("timestamp-field")
                                        + ": "
                                        + e.getMessage());
                    }
                });
        TimestampFormat format =
                TimestampFormat.from(
                        settings, "timestamp-format", "timestamp-zone", "epoch-millis");
        TimestampFallback onMissing =
                settings.getEnum(
                        "on-missing-timestamp",
                        TimestampFallback.class,
                        TimestampFallback.KAFKA_TIMESTAMP);
        int depth = settings.getInt("max-nesting-depth", DEFAULT_MAX_NESTING_DEPTH);
        if (depth < 1) {
            throw new ConfigException(
                    "Invalid value '"
                            + depth
                            + "' for "
                            + settings.fullKey("max-nesting-depth")
                            + ": expected a positive integer");
        }
        return new JsonParserConfig(field, format, onMissing, depth);
    }

    private static void checkPath(String path) {
        if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            throw new IllegalArgumentException(
                    "expected a dot-separated field path such as meta.ts");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as documented on {@link JsonParserConfig}. */
    public static final class Builder {
        private String timestampField;
        private String timestampFormat = "epoch-millis";
        private ZoneId timestampZone = ZoneId.of("UTC");
        private TimestampFallback onMissingTimestamp = TimestampFallback.KAFKA_TIMESTAMP;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

        private Builder() {}

        public Builder timestampField(String path) {
            this.timestampField = path;
            return this;
        }

        public Builder timestampFormat(String spec) {
            this.timestampFormat = requireNonNull(spec, "spec is null");
            return this;
        }

        public Builder timestampZone(ZoneId zone) {
            this.timestampZone = requireNonNull(zone, "zone is null");
            return this;
        }

        public Builder onMissingTimestamp(TimestampFallback fallback) {
            this.onMissingTimestamp = requireNonNull(fallback, "fallback is null");
            return this;
        }

        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = depth;
            return this;
        }

        public JsonParserConfig build() {
            return new JsonParserConfig(
                    Optional.ofNullable(timestampField),
                    TimestampFormat.of(timestampFormat, timestampZone),
                    onMissingTimestamp,
                    maxNestingDepth);
        }
    }
}
