package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A configured topic that does not exist: the daemon says so once, holds back the Kafka client's
 * repeated warnings about it, and readiness says the job has nothing to archive until the topic is
 * created.
 */
@ExtendWith(EmbeddedKafka.class)
class MissingTopicTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    @Test
    void aMissingTopicIsReportedOnceAndMakesTheJobNotReadyUntilItIsCreated(
            EmbeddedKafka.Broker kafka) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "not-yet-" + id;
        int port = ChildProcessService.freePort();
        DaemonConfig config =
                DaemonConfig.of(
                        Map.of(
                                "metrics.port",
                                Integer.toString(port),
                                "metrics.bind-address",
                                "127.0.0.1",
                                "metrics.lag-interval",
                                "500ms",
                                "kafka.consumer.bootstrap.servers",
                                kafka.bootstrapServers(),
                                "kafka.consumer.group.id",
                                "archiver-" + id,
                                // as on production clusters: subscribing creates no topic
                                "kafka.consumer.allow.auto.create.topics",
                                "false",
                                "topics",
                                topic,
                                "storage.uri",
                                "file://" + dir.resolve("archive"),
                                "staging.dir",
                                dir.resolve("staging").toString(),
                                "upload.max-file-age",
                                "1s"),
                        k -> null);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try (ArchiverDaemon daemon = new ArchiverDaemon(config)) {
            daemon.start();
            // several checks and many metadata refreshes of the consumer
            Thread.sleep(5_000);
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"default\":\"NO_TOPIC\"");
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(port, "/metrics").body())
                    .containsPattern("archiver_topics_missing\\{[^}]*job=\"default\"[^}]*} 1.0");

            List<ILoggingEvent> reported =
                    matching(
                            events,
                            e ->
                                    e.getFormattedMessage()
                                            .contains("'" + topic + "' does not exist"));
            assertThat(reported).hasSize(1);
            assertThat(reported.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(reported.get(0).getFormattedMessage())
                    .isEqualTo(
                            "Job default: topic '"
                                    + topic
                                    + "' does not exist on the Kafka cluster at "
                                    + kafka.bootstrapServers()
                                    + "; nothing of it is archived until it is created (the job"
                                    + " has nothing to archive)");
            assertThat(
                            matching(
                                    events,
                                    e ->
                                            e.getLoggerName().startsWith("org.apache.kafka")
                                                    && e.getFormattedMessage()
                                                            .contains(
                                                                    "UNKNOWN_TOPIC_OR_PARTITION")))
                    .isEmpty();

            kafka.createTopic(topic, 2);
            kafka.produce(TestData.stampedNow(TestData.json(topic, 2, 50, 0)));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (get(port, "/health/ready").statusCode() != 200) {
                assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(get(port, "/health/ready").body()).contains("\"default\":\"UP\"");
            assertThat(matching(events, e -> e.getFormattedMessage().contains("exists now")))
                    .singleElement()
                    .extracting(ILoggingEvent::getLevel)
                    .isEqualTo(Level.INFO);
            assertThat(daemon.stop()).isTrue();
        } finally {
            root.detachAppender(events);
        }
    }

    private static List<ILoggingEvent> matching(
            ListAppender<ILoggingEvent> events, Predicate<ILoggingEvent> p) {
        synchronized (events) {
            return List.copyOf(events.list).stream().filter(p).toList();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
