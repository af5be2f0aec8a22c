package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;

/**
 * The {@code offset-range} partitioner, Secor's {@code OffsetMessageParser} layout: one segment
 * {@code offset=<floor(offset / range) * range>} from the record's Kafka offset, so offsets 0 to
 * range-1 go to {@code offset=0}, the next range to {@code offset=<range>}, and so on. Works with
 * any parser.
 *
 * @since 0.1
 */
public final class OffsetRangePartitioner implements Partitioner {

    /**
     * Settings under {@code partitioner.offset-range.}.
     *
     * @param range {@code range}: offsets per folder, positive; default {@value #DEFAULT_RANGE}, as
     *     Secor's {@code secor.offsets.per.partition}
     * @param prefix {@code prefix}: the segment's prefix; default {@value #DEFAULT_PREFIX}, as
     *     Secor's {@code secor.offsets.prefix}
     */
    public record Config(long range, String prefix) {
        public static final long DEFAULT_RANGE = 10_000_000L;
        public static final String DEFAULT_PREFIX = "offset=";

        public Config {
            requireNonNull(prefix, "prefix is null");
            if (range <= 0) {
                throw new IllegalArgumentException("range must be positive: " + range);
            }
            if (prefix.indexOf('/') >= 0 || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(
                        "prefix must not contain '/' or control characters");
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_RANGE, DEFAULT_PREFIX);
        }

        public static Config from(Settings settings) {
            long range = settings.getLong("range", DEFAULT_RANGE);
            if (range <= 0) {
                throw new ConfigException(
                        "Invalid value '"
                                + range
                                + "' for "
                                + settings.fullKey("range")
                                + ": expected a positive integer");
            }
            String prefix = settings.getString("prefix", DEFAULT_PREFIX);
            try {
                return new Config(range, prefix);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "Invalid value '"
                                + prefix
                                + "' for "
                                + settings.fullKey("prefix")
                                + ": "
                                + e.getMessage());
            }
        }
    }

    private final Config config;

    public OffsetRangePartitioner(Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public PartitionPath partition(ParsedRecord record) {
        long offset = record.record().offset();
        return PartitionPath.of(config.prefix() + (offset / config.range()) * config.range());
    }

    @Override
    public String toString() {
        return "offset-range(" + config.range() + ")";
    }
}
