package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a job's configured topics exist: one metadata request ({@code listTopics}) per check. A
 * topic that is missing is reported once, at WARN, and again at INFO when it appears; meanwhile the
 * Kafka client's repeated "UNKNOWN_TOPIC_OR_PARTITION" warnings about it are held back (see {@link
 * Logging#holdBackUnknownTopicWarnings}). A job whose topics are all missing has nothing to
 * archive, which readiness reports.
 *
 * <p>Thread-safe: checks run on the metrics poller, readers are the health endpoints.
 */
final class TopicWatch {
    private static final Logger log = LoggerFactory.getLogger(TopicWatch.class);

    private final String job;
    private final List<String> topics;
    private final KafkaAdmin admin;
    private final String servers;
    private volatile Set<String> missing = Set.of();

    TopicWatch(String job, List<String> topics, KafkaAdmin admin, String servers) {
        this.job = requireNonNull(job, "job is null");
        this.topics = List.copyOf(topics);
        this.admin = requireNonNull(admin, "admin is null");
        this.servers = String.valueOf(servers);
    }

    /** Checks once; a failed check (Kafka unreachable) changes nothing. */
    void check() {
        Set<String> existing;
        try {
            existing = KafkaAdmin.get(admin.admin().listTopics().names());
        } catch (RuntimeException e) {
            log.debug("Job {}: topics not checked: {}", job, e.toString());
            return;
        }
        Set<String> now = new TreeSet<>(topics);
        now.removeAll(existing);
        Set<String> before = missing;
        for (String t : now) {
            if (!before.contains(t)) {
                Logging.holdBackUnknownTopicWarnings(t);
                log.warn(
                        "Job {}: topic '{}' does not exist on the Kafka cluster at {}; nothing of it"
                                + " is archived until it is created{}",
                        job,
                        t,
                        servers,
                        now.containsAll(topics) ? " (the job has nothing to archive)" : "");
            }
        }
        for (String t : before) {
            if (!now.contains(t)) {
                Logging.releaseUnknownTopicWarnings(t);
                log.info("Job {}: topic '{}' exists now; archiving it", job, t);
            }
        }
        missing = Set.copyOf(now);
    }

    /** The configured topics that did not exist at the last check. */
    Set<String> missing() {
        return missing;
    }

    /** Whether every configured topic was missing at the last check. */
    boolean nothingToArchive() {
        return !topics.isEmpty() && missing.containsAll(topics);
    }
}
