package dev.archiver.parse;

import dev.archiver.record.ArchiveRecord;
import java.util.Map;

/**
 * The {@code offset} parser: event time is the Kafka timestamp ({@link java.time.Instant#EPOCH}
 * when there is none) and the single field {@code offset} holds the record's Kafka offset as a
 * {@link Long}, for offset-based layouts such as the {@code offset-range} partitioner. Takes no
 * settings.
 *
 * @since 0.1
 */
public final class OffsetParser implements RecordParser {
    public static final String OFFSET_FIELD = "offset";

    @Override
    public ParsedRecord parse(ArchiveRecord record) {
        return new ParsedRecord(
                record,
                KafkaTimestampParser.kafkaTimeOrEpoch(record),
                Map.of(OFFSET_FIELD, record.offset()));
    }

    @Override
    public String toString() {
        return "offset";
    }
}
