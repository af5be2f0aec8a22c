package dev.archiver.parse;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.Settings;
import dev.archiver.record.ArchiveRecord;
import java.time.Instant;
import java.util.Locale;

/**
 * The default parser ({@code kafka-timestamp}): the event time is the record's Kafka timestamp, no
 * fields are extracted. Never reads the wall clock, so replays route identically.
 *
 * @since 0.1
 */
public final class KafkaTimestampParser implements RecordParser {

    /** What to do with a record that has no Kafka timestamp (-1). */
    public enum OnMissing {
        /** Use {@link Instant#EPOCH}. */
        EPOCH,
        /** Throw {@link RecordParseException}. */
        FAIL
    }

    /**
     * @param onMissing setting {@code on-missing}: {@code epoch} (default) or {@code fail}
     */
    public record Config(OnMissing onMissing) {
        public Config {
            requireNonNull(onMissing, "onMissing is null");
        }

        public static Config defaults() {
            return new Config(OnMissing.EPOCH);
        }

        public static Config from(Settings settings) {
            return new Config(settings.getEnum("on-missing", OnMissing.class, OnMissing.EPOCH));
        }
    }

    private final Config config;

    public KafkaTimestampParser(Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    /** The record's Kafka timestamp, or {@link Instant#EPOCH} when it has none. */
    public static Instant kafkaTimeOrEpoch(ArchiveRecord record) {
        return record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.EPOCH;
    }

    @Override
    public ParsedRecord parse(ArchiveRecord record) {
        if (record.timestamp() < 0 && config.onMissing() == OnMissing.FAIL) {
            throw new RecordParseException(record, "the record has no Kafka timestamp");
        }
        return ParsedRecord.of(record, kafkaTimeOrEpoch(record));
    }

    @Override
    public String toString() {
        return "kafka-timestamp(on-missing="
                + config.onMissing().name().toLowerCase(Locale.ROOT)
                + ")";
    }
}
