package dev.archiver.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ids of the topics a consumer thread was assigned ({@code archiver-topic-id}). The
 * consumer API does not expose topic ids, so the engine asks the Admin API ({@code
 * describeTopics}). Thread-safe.
 */
interface TopicIds extends AutoCloseable {
    /** Knows no id: objects are written without one (tests with a fake consumer). */
    TopicIds NONE = topics -> Map.of();

    /**
     * The current id of each topic that could be described; a topic missing from the answer has no
     * known id (the caller may ask again later). Never throws.
     */
    Map<String, String> lookup(Collection<String> topics);

    @Override
    default void close() {}

    /** An Admin client made from the job's consumer properties (bootstrap, security). */
    static TopicIds admin(Map<String, Object> consumerProperties, String clientId) {
        return new AdminTopicIds(consumerProperties, clientId);
    }

    final class AdminTopicIds implements TopicIds {
        private static final Logger log = LoggerFactory.getLogger(TopicIds.class);
        private static final Duration TIMEOUT = Duration.ofSeconds(10);

        private final Map<String, Object> properties;
        private Admin admin;

        private AdminTopicIds(Map<String, Object> consumerProperties, String clientId) {
            Map<String, Object> props = new HashMap<>();
            Set<String> adminKeys = AdminClientConfig.configNames();
            consumerProperties.forEach(
                    (k, v) -> {
                        if (adminKeys.contains(k)) {
                            props.put(k, v);
                        }
                    });
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
            this.properties = props;
        }

        @Override
        public synchronized Map<String, String> lookup(Collection<String> topics) {
            Map<String, String> ids = new HashMap<>();
            if (topics.isEmpty()) {
                return ids;
            }
            try {
                if (admin == null) {
                    admin = Admin.create(properties);
                }
                var described = admin.describeTopics(Set.copyOf(topics)).topicNameValues();
                for (var e : described.entrySet()) {
                    try {
                        TopicDescription d =
                                e.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        ids.put(e.getKey(), d.topicId().toString());
                    } catch (ExecutionException | TimeoutException ex) {
                        log.warn(
                                "Cannot read the topic id of {}; its objects are written without"
                                        + " archiver-topic-id until it can be read: {}",
                                e.getKey(),
                                ex.getMessage());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("Cannot read topic ids of {}: {}", topics, e.toString());
            }
            return ids;
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        }
    }
}
