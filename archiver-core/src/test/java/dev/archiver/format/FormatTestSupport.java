package dev.archiver.format;

import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Records and helpers shared by the format tests of this module. */
public final class FormatTestSupport {
    public static final byte[] INVALID_UTF8 = {
        (byte) 0xc3, 0x28, (byte) 0xa0, (byte) 0xa1, (byte) 0xed, (byte) 0xa0, (byte) 0x80
    };
    public static final String UNICODE = "événements-日本語-\uD83D\uDE80";

    private FormatTestSupport() {}

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static ArchiveRecord record(
            long offset, byte[] key, byte[] value, RecordHeader... headers) {
        return new ArchiveRecord(
                "events",
                3,
                offset,
                1_764_018_000_000L + offset,
                TimestampType.CREATE_TIME,
                key,
                value,
                List.of(headers));
    }

    /** Null vs empty keys and values, tombstones, binary and unicode payloads, a 1 MB value. */
    public static List<ArchiveRecord> edgeCases() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        byte[] large = new byte[1 << 20];
        new Random(1).nextBytes(large);
        List<ArchiveRecord> records = new ArrayList<>();
        records.add(record(0, null, null));
        records.add(record(1, new byte[0], new byte[0]));
        records.add(record(2, utf8("k"), null));
        records.add(record(3, null, new byte[0]));
        records.add(record(4, new byte[0], null));
        records.add(record(5, allBytes, INVALID_UTF8));
        records.add(
                record(
                        6,
                        utf8("k"),
                        utf8("v"),
                        new RecordHeader("null", null),
                        new RecordHeader("empty", new byte[0]),
                        new RecordHeader("binary", INVALID_UTF8),
                        new RecordHeader("dup", utf8("1")),
                        new RecordHeader("dup", utf8("2")),
                        new RecordHeader(UNICODE, utf8(UNICODE))));
        records.add(
                new ArchiveRecord(
                        UNICODE,
                        7,
                        8,
                        5,
                        TimestampType.LOG_APPEND_TIME,
                        utf8(UNICODE),
                        utf8("line\nbreak\r\t\0\"quote\""),
                        List.of()));
        records.add(record(9, null, large));
        records.add(
                new ArchiveRecord(
                        "t",
                        Integer.MAX_VALUE,
                        Long.MAX_VALUE,
                        -1,
                        TimestampType.NO_TIMESTAMP,
                        null,
                        utf8("max"),
                        List.of()));
        return records;
    }

    public static byte[] write(FileFormat format, List<ArchiveRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RecordWriter writer = format.newWriter(out)) {
            for (ArchiveRecord r : records) {
                writer.write(ParsedRecord.of(r, Instant.EPOCH));
            }
        }
        return out.toByteArray();
    }

    public static List<ArchiveRecord> read(FileFormat format, byte[] file) throws IOException {
        List<ArchiveRecord> records = new ArrayList<>();
        try (RecordReader reader = format.newReader(new ByteArrayInputStream(file))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        }
        return records;
    }
}
