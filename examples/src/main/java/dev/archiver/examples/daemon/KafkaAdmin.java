package dev.archiver.examples.daemon;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The few Admin calls the tools need, with timeouts, over one client. */
final class KafkaAdmin implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    private KafkaAdmin(Admin admin) {
        this.admin = admin;
    }

    /**
     * An admin client with the connection and security settings among {@code clientProperties}
     * (consumer-only settings such as {@code group.id} are left out).
     */
    static KafkaAdmin create(Map<String, ?> clientProperties) {
        Map<String, Object> props = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        clientProperties.forEach(
                (k, v) -> {
                    if (known.contains(k) || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                        props.put(k, v);
                    }
                });
        if (!props.containsKey(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG)) {
            // the admin client refuses a request timeout above default.api.timeout.ms, which
            // users may lower for the consumer
            long timeout = 30_000;
            Object api = props.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
            if (api != null) {
                try {
                    timeout = Math.min(timeout, Long.parseLong(api.toString().trim()));
                } catch (NumberFormatException e) {
                    // the admin client reports the bad value itself
                }
            }
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        }
        return new KafkaAdmin(Admin.create(props));
    }

    static KafkaAdmin create(String bootstrapServers) {
        return create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    Admin admin() {
        return admin;
    }

    List<TopicPartition> partitions(String topic) {
        TopicDescription d = get(admin.describeTopics(Set.of(topic)).allTopicNames()).get(topic);
        return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    Map<TopicPartition, Long> endOffsets(Iterable<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> result = new HashMap<>();
        if (specs.isEmpty()) {
            return result;
        }
        get(admin.listOffsets(specs).all()).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, Long> result = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(
                        admin.listConsumerGroupOffsets(
                                        Map.of(group, new ListConsumerGroupOffsetsSpec()))
                                .partitionsToOffsetAndMetadata(group));
        offsets.forEach(
                (tp, om) -> {
                    if (om != null) {
                        result.put(tp, om.offset());
                    }
                });
        return result;
    }

    /** Records not yet committed by {@code group} on {@code topic}. */
    long uncommitted(String group, String topic) {
        Map<TopicPartition, Long> end = endOffsets(partitions(topic));
        Map<TopicPartition, Long> committed = committed(group);
        long behind = 0;
        for (var e : end.entrySet()) {
            behind += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return behind;
    }

    static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within "
                            + dev.archiver.config.Settings.formatDuration(
                                    Duration.ofSeconds(TIMEOUT_SECONDS)),
                    e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
