package dev.archiver.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** The benchmark's records: JSON objects of about a given size, compressible like real events. */
public final class DataSet {
    private static final String[] WORDS = {
        "click",
        "view",
        "purchase",
        "signup",
        "login",
        "logout",
        "search",
        "checkout",
        "mobile",
        "desktop",
        "tablet",
        "europe",
        "america",
        "asia",
        "red",
        "green",
        "blue",
        "alpha",
        "beta",
        "gamma",
        "delta",
        "kafka",
        "archive",
        "stream",
        "object",
        "bucket"
    };

    /**
     * The Avro schema of {@link #jsonRecord} values, for formats that write the value as typed
     * columns ({@code format.parquet.value-schema}). Every member of the JSON object is a field.
     */
    public static final String AVRO_SCHEMA =
            """
            {"type": "record", "name": "BenchEvent", "namespace": "dev.archiver.bench",
             "doc": "A benchmark event (DataSet.jsonRecord)",
             "fields": [
               {"name": "id", "type": "long"},
               {"name": "user", "type": "string"},
               {"name": "event", "type": "string"},
               {"name": "amount", "type": "double"},
               {"name": "session", "type": "string"},
               {"name": "text", "type": "string"}
             ]}
            """;

    private DataSet() {}

    public static byte[] jsonRecord(long id, int size, Random random) {
        StringBuilder sb = new StringBuilder(size + 64);
        sb.append("{\"id\":")
                .append(id)
                .append(",\"user\":\"user-")
                .append(random.nextInt(100_000))
                .append("\",\"event\":\"")
                .append(WORDS[random.nextInt(8)])
                .append("\",\"amount\":")
                .append(random.nextInt(1_000_000) / 100.0)
                .append(",\"session\":\"")
                .append(Long.toHexString(random.nextLong()))
                .append("\",\"text\":\"");
        while (sb.length() < size - 2) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            if (random.nextInt(8) == 0) {
                sb.append(random.nextInt(10_000)).append(' ');
            }
        }
        sb.setLength(Math.max(sb.length(), size - 2));
        sb.setLength(size - 2);
        sb.append("\"}");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
