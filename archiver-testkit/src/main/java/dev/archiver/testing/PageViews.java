package dev.archiver.testing;

import dev.archiver.record.ArchiveRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An Avro value schema and JSON values that fit it, for the typed-value modes of formats (a value
 * schema in {@code format.NAME.value-schema}): nullable unions, a {@code timestamp-millis}, a
 * decimal, an array, a nested record and a map.
 */
public final class PageViews {
    /** The Avro record schema {@code demo.PageView}, as JSON. */
    public static final String SCHEMA =
            """
            {"type": "record", "name": "PageView", "namespace": "demo", "fields": [
              {"name": "user", "type": "string"},
              {"name": "country", "type": ["null", "string"]},
              {"name": "duration_ms", "type": "long"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                                  "precision": 9, "scale": 2}], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "device", "type": ["null", {"type": "record", "name": "Device", "fields": [
                {"name": "os", "type": "string"}, {"name": "version", "type": "int"}]}],
               "default": null},
              {"name": "attrs", "type": {"type": "map", "values": "string"}, "default": {}}
            ]}
            """;

    private static final String[] COUNTRIES = {"ES", "FR", "DE", "JP", "BR"};

    private PageViews() {}

    /** The JSON document of page view {@code i}: nulls, nested records, arrays and maps vary. */
    public static String json(int i, Random random) {
        StringBuilder b = new StringBuilder();
        b.append("{\"user\":\"ü-").append(i).append('"');
        b.append(",\"country\":")
                .append(i % 7 == 0 ? "null" : "\"" + COUNTRIES[i % COUNTRIES.length] + "\"");
        b.append(",\"duration_ms\":").append(random.nextInt(100_000));
        b.append(",\"at\":").append(1_764_018_000_000L + i * 1000L);
        if (i % 2 == 0) {
            b.append(",\"price\":\"")
                    .append(i)
                    .append('.')
                    .append(i % 100 < 10 ? "0" : "")
                    .append(i % 100)
                    .append('"');
        }
        b.append(",\"tags\":[");
        for (int t = 0; t < i % 3; t++) {
            b.append(t == 0 ? "" : ",").append("\"t").append(t).append('"');
        }
        b.append(']');
        if (i % 4 != 0) {
            b.append(",\"device\":{\"os\":\"")
                    .append(i % 2 == 0 ? "ios" : "android")
                    .append("\",\"version\":")
                    .append(i % 20)
                    .append('}');
        }
        if (i % 5 == 0) {
            b.append(",\"attrs\":{\"ref\":\"r").append(i).append("\"}");
        }
        b.append('}');
        return b.toString();
    }

    public static byte[] jsonBytes(int i, Random random) {
        return json(i, random).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code records} with every non-null value replaced by a page view; nulls stay null. */
    public static List<ArchiveRecord> withPageViews(List<ArchiveRecord> records, Random random) {
        List<ArchiveRecord> result = new ArrayList<>(records.size());
        int i = 0;
        for (ArchiveRecord r : records) {
            result.add(
                    new ArchiveRecord(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.timestamp(),
                            r.timestampType(),
                            r.key(),
                            r.value() == null ? null : jsonBytes(i, random),
                            r.headers()));
            i++;
        }
        return result;
    }
}
