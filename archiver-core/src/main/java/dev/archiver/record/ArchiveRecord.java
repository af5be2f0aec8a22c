package dev.archiver.record;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Kafka record as every plug-in sees it: immutable, with the payloads as raw bytes.
 *
 * <p>{@code key} and {@code value} are {@code null} when the Kafka record has a null key or value
 * (a tombstone); an empty array is an empty key or value, which is different and survives a round
 * trip through every lossless format.
 *
 * @param topic the topic name
 * @param partition the Kafka partition
 * @param offset the record's offset in its partition
 * @param timestamp the record's Kafka timestamp in epoch milliseconds, or -1 when it has none
 * @param timestampType how Kafka set the timestamp
 * @param key the key bytes, or {@code null}
 * @param value the value bytes, or {@code null} for a tombstone
 * @param headers the headers in Kafka order; never {@code null}
 * @since 0.1
 */
public record ArchiveRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        TimestampType timestampType,
        byte[] key,
        byte[] value,
        List<RecordHeader> headers) {

    public ArchiveRecord {
        requireNonNull(topic, "topic is null");
        requireNonNull(timestampType, "timestampType is null");
        if (partition < 0) {
            throw new IllegalArgumentException("partition is negative: " + partition);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        headers = List.copyOf(requireNonNull(headers, "headers is null"));
    }

    /** The topic-partition this record belongs to. */
    public TopicPartitionId topicPartition() {
        return new TopicPartitionId(topic, partition);
    }

    /** Approximate size in bytes of the payloads, used for accounting only. */
    public long payloadSize() {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (RecordHeader h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchiveRecord r
                && partition == r.partition
                && offset == r.offset
                && timestamp == r.timestamp
                && topic.equals(r.topic)
                && timestampType == r.timestampType
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value)
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                topic,
                partition,
                offset,
                timestamp,
                timestampType,
                Arrays.hashCode(key),
                Arrays.hashCode(value),
                headers);
    }

    /** Payloads are shown truncated and safely decoded, so logs never carry whole records. */
    @Override
    public String toString() {
        return "ArchiveRecord["
                + topic
                + "-"
                + partition
                + "@"
                + offset
                + ", timestamp="
                + timestamp
                + ", key="
                + preview(key)
                + ", value="
                + preview(value)
                + ", headers="
                + headers.size()
                + "]";
    }

    static String preview(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        int n = Math.min(bytes.length, 32);
        StringBuilder sb = new StringBuilder();
        String s = new String(bytes, 0, n, StandardCharsets.UTF_8);
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        if (bytes.length > n) {
            sb.append("...(").append(bytes.length).append(" bytes)");
        }
        return sb.toString();
    }
}
