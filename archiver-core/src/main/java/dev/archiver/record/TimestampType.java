package dev.archiver.record;

/**
 * How Kafka set a record's timestamp; mirrors Kafka's own enum so that plug-ins need not depend on
 * kafka-clients.
 *
 * @since 0.1
 */
public enum TimestampType {
    NO_TIMESTAMP,
    CREATE_TIME,
    LOG_APPEND_TIME
}
