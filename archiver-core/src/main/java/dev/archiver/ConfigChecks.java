package dev.archiver;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.internal.KeyTemplate;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks {@link ArchiverConfigBuilder#build()} runs that span several keys or talk to the
 * store. Each throws a {@link ConfigException} naming the key and what is accepted.
 */
final class ConfigChecks {
    private ConfigChecks() {}

    /**
     * The consumer properties the engine runs with: required keys present, keys the engine owns
     * refused, and the engine's defaults filled in.
     */
    static Map<String, Object> consumerProperties(Map<String, Object> given) {
        Map<String, Object> props = new LinkedHashMap<>(given);
        if (props.get("bootstrap.servers") == null
                || props.get("bootstrap.servers").toString().isBlank()) {
            throw new ConfigException("Missing required setting kafka.consumer.bootstrap.servers");
        }
        if (props.get("group.id") == null || props.get("group.id").toString().isBlank()) {
            throw new ConfigException("Missing required setting kafka.consumer.group.id");
        }
        props.put("group.id", props.get("group.id").toString());
        Object autoCommit = props.get("enable.auto.commit");
        if (autoCommit != null && !autoCommit.toString().trim().equalsIgnoreCase("false")) {
            throw new ConfigException(
                    "Invalid value '"
                            + autoCommit
                            + "' for kafka.consumer.enable.auto.commit: "
                            + "the archiver commits offsets itself after uploads; accepted value is false (or leave it unset)");
        }
        for (String forbidden : List.of("key.deserializer", "value.deserializer")) {
            if (props.containsKey(forbidden)) {
                throw new ConfigException(
                        "Setting kafka.consumer."
                                + forbidden
                                + " is not allowed: the archiver reads raw bytes");
            }
        }
        checkConsumerProtocol(props);
        props.put("enable.auto.commit", "false");
        props.putIfAbsent("auto.offset.reset", "earliest");
        props.putIfAbsent("isolation.level", "read_committed");
        Object protocol = props.get("group.protocol");
        if (protocol == null || protocol.toString().trim().equalsIgnoreCase("classic")) {
            // an eager rebalance revokes every partition and throws away all unsealed data
            props.putIfAbsent(
                    "partition.assignment.strategy",
                    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        }
        return props;
    }

    /**
     * Under KIP-848's consumer protocol the session timeout and heartbeat interval are group
     * settings on the broker and the assignor runs there; the client refuses these keys, and only
     * when the consumer is created, long after the configuration was accepted.
     */
    private static void checkConsumerProtocol(Map<String, Object> props) {
        Object protocol = props.get("group.protocol");
        if (protocol == null || !protocol.toString().trim().equalsIgnoreCase("consumer")) {
            return;
        }
        for (String key :
                List.of(
                        "session.timeout.ms",
                        "heartbeat.interval.ms",
                        "partition.assignment.strategy")) {
            if (props.containsKey(key)) {
                throw new ConfigException(
                        "Setting kafka.consumer."
                                + key
                                + " is not allowed with kafka.consumer.group.protocol=consumer"
                                + " (KIP-848): "
                                + (key.equals("partition.assignment.strategy")
                                        ? "the broker assigns partitions (choose its assignor"
                                                + " with kafka.consumer.group.remote.assignor)"
                                        : "it is a group setting on the broker (group.consumer."
                                                + key
                                                + ")")
                                + "; remove it, or use group.protocol=classic");
            }
        }
    }

    /**
     * Without {@code {topic}} in the template, two topics' files of the same Kafka partition,
     * output partition and first offset get the same key, and one overwrites the other.
     */
    static void keysAreUniqueAcrossTopics(
            KeyTemplate keyTemplate,
            String keyTemplateKey,
            List<String> topics,
            Pattern topicPattern,
            String topicsKey) {
        if (keyTemplate.containsTopic() || (topicPattern == null && topics.size() <= 1)) {
            return;
        }
        throw new ConfigException(
                "Invalid value '"
                        + keyTemplate
                        + "' for "
                        + keyTemplateKey
                        + ": the template has no {topic}, but "
                        + (topicPattern != null
                                ? topicsKey
                                        + " '"
                                        + topicPattern.pattern()
                                        + "' can match several topics"
                                : topicsKey
                                        + " lists several topics ("
                                        + String.join(", ", topics)
                                        + ")")
                        + ", so objects of one topic would overwrite another topic's objects"
                        + " with the same Kafka partition and first offset. Add {topic} to "
                        + keyTemplateKey
                        + " (as the default "
                        + ArchiverConfig.DEFAULT_KEY_TEMPLATE
                        + " does), or run one job per topic with its own storage.uri");
    }

    /**
     * Why uploads to the builder's storage root cannot be fenced, when its {@code storage.fencing}
     * accepts that; empty when they can.
     */
    static Optional<String> fencing(ObjectStorage store, ArchiverConfigBuilder b) {
        StorageLocation root = b.storageRoot;
        Optional<String> gap;
        try {
            gap = store.fencingGap(root);
            if (gap.isEmpty()) {
                gap = Fencing.replayGap(store, b.format, b.codec);
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "Cannot check whether uploads to "
                            + root
                            + " can be fenced (docs/design.md, invariant 5): "
                            + e.getMessage(),
                    e);
        }
        if (gap.isEmpty() || b.fencing == Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY) {
            return gap;
        }
        throw new ConfigException(
                "Uploads to "
                        + root
                        + " cannot be fenced: "
                        + gap.get()
                        + ". A consumer that lost its partitions (a zombie after a rebalance,"
                        + " a long pause or a network split) could then overwrite objects that"
                        + " the partition's new owner has already committed, so records could be"
                        + " lost or archived twice. Fix the store, or accept that risk with "
                        + b.fencingKey
                        + "=unsafe-ownership-checks-only (accepted values: required,"
                        + " unsafe-ownership-checks-only)");
    }

    static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(
                    "Invalid value " + value + " for " + key + ": must be positive");
        }
    }

    static void retryBackoff(ArchiverConfigBuilder b) {
        positive("upload.retry.initial-backoff", b.retryInitialBackoff.toMillis());
        if (b.retryMaxBackoff.compareTo(b.retryInitialBackoff) < 0) {
            throw new ConfigException(
                    "Invalid value for upload.retry.max-backoff: must be at least upload.retry.initial-backoff ("
                            + Settings.formatDuration(b.retryInitialBackoff)
                            + ")");
        }
    }

    static void deadLetterPrefix(String prefix) {
        if (prefix.isBlank() || prefix.startsWith("/")) {
            throw new ConfigException(
                    "Invalid value '"
                            + prefix
                            + "' for errors.dead-letter.prefix: expected a relative path");
        }
    }

    static void closeQuietly(ObjectStorage store) {
        try {
            store.close();
        } catch (IOException ignored) {
            // the configuration is rejected anyway
        }
    }
}
