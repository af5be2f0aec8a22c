package dev.archiver.parse;

import dev.archiver.config.Settings;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records and settings for parser and partitioner tests. */
public final class TestRecords {
    private TestRecords() {}

    public static ArchiveRecord record(long offset, long timestamp, byte[] value) {
        return new ArchiveRecord(
                "events",
                3,
                offset,
                timestamp,
                timestamp < 0 ? TimestampType.NO_TIMESTAMP : TimestampType.CREATE_TIME,
                null,
                value,
                List.of());
    }

    public static ArchiveRecord record(long offset, long timestamp, String value) {
        return record(
                offset, timestamp, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public static ParsedRecord parsed(Instant eventTime) {
        return ParsedRecord.of(record(0, eventTime.toEpochMilli(), (byte[]) null), eventTime);
    }

    public static ParsedRecord parsed(Map<String, Object> fields) {
        return new ParsedRecord(record(0, 0, (byte[]) null), Instant.EPOCH, fields);
    }

    /** Settings {@code prefix + k = v}, scoped to {@code prefix}. */
    public static Settings scoped(String prefix, String... keyValues) {
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(prefix + keyValues[i], keyValues[i + 1]);
        }
        return Settings.of(map).withPrefix(prefix);
    }
}
