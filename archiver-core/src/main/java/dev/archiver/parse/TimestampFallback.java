package dev.archiver.parse;

/**
 * What a parser does when a record carries no usable event time of its own (missing field, regex
 * without a match): {@code kafka-timestamp} uses the record's Kafka timestamp ({@link
 * java.time.Instant#EPOCH} when it has none), {@code fail} throws {@link RecordParseException}.
 *
 * @since 0.1
 */
public enum TimestampFallback {
    KAFKA_TIMESTAMP,
    FAIL
}
