package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.parse.TimestampFormat;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the {@code schema-registry} parser (under {@code parser.schema-registry.}):
 *
 * <ul>
 *   <li>{@code schema-source}: required, the schema source's name (e.g. {@code confluent}),
 *       configured under {@code schema-source.NAME.};
 *   <li>{@code timestamp-field}: dot path of the event time in the decoded value ({@code at},
 *       {@code meta.ts}); absent (default): the Kafka timestamp;
 *   <li>{@code timestamp-format}, {@code timestamp-zone}: as for the {@code json} parser; default
 *       {@code epoch-millis}, which reads Avro's {@code timestamp-millis};
 *   <li>{@code on-missing-timestamp}: {@code kafka-timestamp} (default) or {@code fail};
 *   <li>{@code source-wait}: how long a lookup waits for an unavailable schema source before the
 *       record is handled by {@code errors.tolerance}; default {@code 30s}.
 * </ul>
 *
 * @since 0.3
 */
public record RegistryParserConfig(
        Optional<String> timestampField,
        TimestampFormat timestampFormat,
        TimestampFallback onMissingTimestamp,
        Duration sourceWait) {
    public RegistryParserConfig {
        requireNonNull(timestampField, "timestampField is null");
        requireNonNull(timestampFormat, "timestampFormat is null");
        requireNonNull(onMissingTimestamp, "onMissingTimestamp is null");
        requireNonNull(sourceWait, "sourceWait is null");
    }

    public static RegistryParserConfig from(Settings settings) {
        Optional<String> field = settings.getString("timestamp-field").filter(s -> !s.isEmpty());
        field.ifPresent(
                f -> {
                    if (f.isBlank() || f.startsWith(".") || f.endsWith(".") || f.contains("..")) {
                        throw new ConfigException(
                                "Invalid value '"
                                        + f
                                        + "' for "
                                        + settings.fullKey("timestamp-field")
                                        + ": expected a dot-separated field path such as meta.ts");
                    }
                });
        Duration wait = settings.getDuration("source-wait", Duration.ofSeconds(30));
        if (wait.isNegative()) {
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey("source-wait") + ": must be >= 0");
        }
        return new RegistryParserConfig(
                field,
                TimestampFormat.from(
                        settings, "timestamp-format", "timestamp-zone", "epoch-millis"),
                settings.getEnum(
                        "on-missing-timestamp",
                        TimestampFallback.class,
                        TimestampFallback.KAFKA_TIMESTAMP),
                wait);
    }
}
