package dev.archiver.storage;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The user metadata the engine stores with every archived object ({@link
 * UploadOptions#metadata()}), one constant per key. The engine writes them; fencing reads the owner
 * keys back before it replaces an existing object; tools and tests read the record counts and
 * offsets without opening the object.
 *
 * <p>Values are ASCII. Stores that lower-case or prefix metadata names (S3's {@code x-amz-meta-})
 * give them back under these names. A store that cannot keep metadata returns none: every reader
 * treats a missing key as "unknown", never as zero.
 *
 * @since 0.1
 */
public final class ArchiveMetadata {
    /** Number of records in the object (decimal). */
    public static final String RECORDS = "archiver-records";

    /** Kafka offset of the object's first record; also the offset in its key. */
    public static final String FIRST_OFFSET = "archiver-first-offset";

    /** Kafka offset of the object's last record. */
    public static final String LAST_OFFSET = "archiver-last-offset";

    /** Smallest record timestamp (epoch milliseconds); absent when no record had a timestamp. */
    public static final String MIN_TIMESTAMP = "archiver-min-timestamp";

    /** Largest record timestamp (epoch milliseconds); absent when no record had a timestamp. */
    public static final String MAX_TIMESTAMP = "archiver-max-timestamp";

    /** Name of the file format ({@code jsonl} for dead-letter objects). */
    public static final String FORMAT = "archiver-format";

    /**
     * The consumer group that wrote the object. An engine never replaces an object of another group
     * (a second job on the same keys, or a group that was renamed): its offsets and generations say
     * nothing about that object.
     */
    public static final String GROUP = "archiver-group";

    /**
     * The Kafka topic id ({@code Uuid}, base64) of the topic incarnation the records came from. A
     * topic deleted and re-created under the same name gets a new id and starts its offsets again,
     * so its objects can get the keys of the older incarnation's: an engine never replaces an
     * object of another topic id. Absent when the id could not be read.
     */
    public static final String TOPIC_ID = "archiver-topic-id";

    /** Consumer-group generation of the writer when it sealed the object (fencing). */
    public static final String OWNER_EPOCH = "archiver-owner-epoch";

    /** Consumer-group member id of the writer (fencing). */
    public static final String OWNER = "archiver-owner";

    /**
     * The writer's {@code group.instance.id} (static membership); absent for dynamic members. Two
     * incarnations of one static member share it and, restarted within the session timeout, also
     * the generation (fencing).
     */
    public static final String OWNER_INSTANCE = "archiver-owner-instance";

    /**
     * When the writer's consumer started (epoch milliseconds): orders two incarnations of one
     * static member that share a generation (fencing).
     */
    public static final String OWNER_STARTED = "archiver-owner-started";

    /**
     * The offset the object's batch started consuming its topic-partition from (inclusive): the end
     * of the range archived before it. Every object of a batch carries the batch's whole range, so
     * offsets inside it that no object holds are Kafka's own gaps (transaction markers, aborted
     * records, compaction) or records the job filtered or skipped, never a lost range
     * (docs/engine.md).
     */
    public static final String RANGE_START = "archiver-range-start";

    /** The consumer position after the object's batch (exclusive end of its consumed range). */
    public static final String RANGE_END = "archiver-range-end";

    /**
     * How many objects the batch wrote for its topic-partition (dead letters included): a batch
     * whose objects are not all found does not cover its range.
     */
    public static final String BATCH_OBJECTS = "archiver-batch-objects";

    private ArchiveMetadata() {}

    /**
     * The consumed range of an object's batch: offsets {@code start} (inclusive) to {@code end}
     * (exclusive), written as {@code objects} objects.
     */
    public record Range(long start, long end, int objects) {
        public Range {
            if (start < 0 || end < start || objects < 1) {
                throw new IllegalArgumentException(
                        "Bad range " + start + ".." + end + " of " + objects + " object(s)");
            }
        }
    }

    /**
     * Who wrote an object: the consumer group (empty when the object does not say), the group
     * generation and member id at sealing time, the static instance id (empty for dynamic members)
     * and when the writer's consumer started.
     */
    public record Owner(
            String group, int epoch, String memberId, String instanceId, long startedMillis) {
        public Owner {
            requireNonNull(group, "group is null");
            requireNonNull(memberId, "memberId is null");
            requireNonNull(instanceId, "instanceId is null");
        }

        /**
         * Whether both are the same static member ({@code group.instance.id}), in any incarnation.
         */
        public boolean sameStaticMember(Owner other) {
            return !instanceId.isEmpty() && instanceId.equals(other.instanceId);
        }
    }

    /** Starts the metadata of one object. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds the metadata map of one object; keys with no value are left out. */
    public static final class Builder {
        private final Map<String, String> map = new LinkedHashMap<>();

        private Builder() {}

        /** The record count and the offsets of the first and last record. */
        public Builder records(long records, long firstOffset, long lastOffset) {
            map.put(RECORDS, Long.toString(records));
            map.put(FIRST_OFFSET, Long.toString(firstOffset));
            map.put(LAST_OFFSET, Long.toString(lastOffset));
            return this;
        }

        /** The timestamp range; call only when at least one record had a timestamp. */
        public Builder timestamps(long min, long max) {
            map.put(MIN_TIMESTAMP, Long.toString(min));
            map.put(MAX_TIMESTAMP, Long.toString(max));
            return this;
        }

        /** The consumed range of the batch the object belongs to. */
        public Builder range(Range range) {
            map.put(RANGE_START, Long.toString(range.start()));
            map.put(RANGE_END, Long.toString(range.end()));
            map.put(BATCH_OBJECTS, Integer.toString(range.objects()));
            return this;
        }

        public Builder format(String format) {
            map.put(FORMAT, requireNonNull(format, "format is null"));
            return this;
        }

        /** The source topic's id ({@link #TOPIC_ID}); an empty id is left out. */
        public Builder topicId(String topicId) {
            if (!topicId.isEmpty()) {
                map.put(TOPIC_ID, asciiOnly(topicId));
            }
            return this;
        }

        public Builder owner(Owner owner) {
            if (!owner.group().isEmpty()) {
                map.put(GROUP, asciiOnly(owner.group()));
            }
            map.put(OWNER_EPOCH, Integer.toString(owner.epoch()));
            map.put(OWNER, asciiOnly(owner.memberId()));
            if (!owner.instanceId().isEmpty()) {
                map.put(OWNER_INSTANCE, asciiOnly(owner.instanceId()));
            }
            map.put(OWNER_STARTED, Long.toString(owner.startedMillis()));
            return this;
        }

        /** An unmodifiable copy of what was set, in insertion order. */
        public Map<String, String> build() {
            return Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }
    }

    /** The value of a numeric key, or empty when it is missing or not a number. */
    public static OptionalLong longValue(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The source topic's id ({@link #TOPIC_ID}), when the object carries it. */
    public static Optional<String> topicId(Map<String, String> metadata) {
        String v = metadata.get(TOPIC_ID);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The record count, when the object carries it. */
    public static OptionalLong records(Map<String, String> metadata) {
        return longValue(metadata, RECORDS);
    }

    /**
     * The consumed range of the object's batch, or empty when the object does not carry one
     * (written before ranges were recorded, or by a store that keeps no metadata) or it is not
     * valid.
     */
    public static Optional<Range> range(Map<String, String> metadata) {
        OptionalLong start = longValue(metadata, RANGE_START);
        OptionalLong end = longValue(metadata, RANGE_END);
        OptionalLong objects = longValue(metadata, BATCH_OBJECTS);
        if (start.isEmpty() || end.isEmpty() || objects.isEmpty()) {
            return Optional.empty();
        }
        long s = start.getAsLong();
        long e = end.getAsLong();
        long n = objects.getAsLong();
        if (s < 0 || e < s || n < 1 || n > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new Range(s, e, (int) n));
    }

    /**
     * The writer of an object, or empty when it carries no owner epoch (written by a store or
     * version without fencing metadata). A missing group or member id reads as empty, a missing
     * start as 0.
     */
    public static Optional<Owner> owner(Map<String, String> metadata) {
        OptionalLong epoch = longValue(metadata, OWNER_EPOCH);
        if (epoch.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new Owner(
                        metadata.getOrDefault(GROUP, ""),
                        (int) epoch.getAsLong(),
                        metadata.getOrDefault(OWNER, ""),
                        metadata.getOrDefault(OWNER_INSTANCE, ""),
                        longValue(metadata, OWNER_STARTED).orElse(0)));
    }

    /** Replaces characters outside printable ASCII, which not every store accepts in metadata. */
    public static String asciiOnly(String s) {
        return s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "_");
    }
}
