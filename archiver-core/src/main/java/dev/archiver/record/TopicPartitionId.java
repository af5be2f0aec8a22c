package dev.archiver.record;

import static java.util.Objects.requireNonNull;

/**
 * A topic and a Kafka partition, as a value. Sorts by topic, then partition.
 *
 * @since 0.1
 */
public record TopicPartitionId(String topic, int partition)
        implements Comparable<TopicPartitionId> {

    public TopicPartitionId {
        requireNonNull(topic, "topic is null");
        if (partition < 0) {
            throw new IllegalArgumentException("partition is negative: " + partition);
        }
    }

    @Override
    public int compareTo(TopicPartitionId o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
