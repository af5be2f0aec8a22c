package dev.archiver.record;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record header. The value may be {@code null} (Kafka allows it) and is otherwise kept as
 * raw bytes, so binary header values survive archiving.
 *
 * @since 0.1
 */
public record RecordHeader(String key, byte[] value) {

    public RecordHeader {
        requireNonNull(key, "key is null");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return key + "=" + ArchiveRecord.preview(value);
    }
}
