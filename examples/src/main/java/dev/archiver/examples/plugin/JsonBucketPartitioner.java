package dev.archiver.examples.plugin;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.partition.PartitionPath;
import dev.archiver.partition.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A sample {@link Partitioner}: spreads records over a fixed number of buckets by the value of one
 * field the parser extracted (use the {@code json} parser), e.g. {@code user_bucket=07}. Records
 * without the field go to {@code user_bucket=none}.
 *
 * <p>The bucket is a CRC-32 of the value's text modulo the bucket count: a function of the record
 * alone, as exactly-once requires (never {@code String.hashCode()} of something that may change
 * between JVMs, never the clock).
 *
 * <p>Settings (under {@code partitioner.json-bucket.}): {@code field} (required, a dot path such as
 * {@code user_id}), {@code buckets} (default 16), {@code name} (the segment name, default {@code
 * <last path element>_bucket}).
 */
public final class JsonBucketPartitioner implements Partitioner {
    private final String field;
    private final int buckets;
    private final String name;
    private final String format;

    public JsonBucketPartitioner(String field, int buckets, String name) {
        this.field = requireNonNull(field, "field is null");
        this.name = requireNonNull(name, "name is null");
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        this.buckets = buckets;
        this.format = "%0" + Integer.toString(buckets - 1).length() + "d";
    }

    static JsonBucketPartitioner from(Settings settings) {
        String field = settings.requireString("field");
        int buckets = settings.getInt("buckets", 16);
        if (buckets < 1 || buckets > 10_000) {
            throw new ConfigException(
                    "Invalid value "
                            + buckets
                            + " for "
                            + settings.fullKey("buckets")
                            + ": expected 1 to 10000");
        }
        String last = field.substring(field.lastIndexOf('.') + 1);
        String name = settings.getString("name", last + "_bucket");
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new ConfigException(
                    "Invalid value '"
                            + name
                            + "' for "
                            + settings.fullKey("name")
                            + ": use letters, digits, - and _");
        }
        return new JsonBucketPartitioner(field, buckets, name);
    }

    @Override
    public PartitionPath partition(ParsedRecord record) {
        return record.field(field)
                .map(v -> PartitionPath.of(name + "=" + String.format(format, bucket(v))))
                .orElse(PartitionPath.of(name + "=none"));
    }

    private int bucket(Object value) {
        CRC32 crc = new CRC32();
        crc.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % buckets);
    }
}
