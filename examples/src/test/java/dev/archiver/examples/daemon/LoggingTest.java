package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.config.ConfigException;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's log lines: JSON on request, levels per logger, never a secret. */
@ExtendWith(EmbeddedKafka.class)
class LoggingTest {
    private static final String SECRET = "hunter2-ssl-key-password-77";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private Process daemon;

    @AfterEach
    void kill() throws InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyLineOfTheJsonFormatIsAJsonObjectWithoutSecrets(EmbeddedKafka.Broker kafka)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "logging-" + id;
        kafka.createTopic(topic, 2);
        kafka.produce(TestData.stampedNow(TestData.mixed(topic, 2, 200, 3)));
        Path archive = dir.resolve("archive");
        Path config = dir.resolve("daemon.yaml");
        Files.writeString(
                config,
                """
                metrics.port: 0
                logging.level:
                  org.apache.kafka: info
                kafka.consumer:
                  bootstrap.servers: %s
                  group.id: archiver-%s
                  ssl.key.password: %s
                topics: %s
                storage.uri: file://%s
                staging.dir: %s
                upload.max-file-age: 1s
                consumer.poll-timeout: 200ms
                """
                        .formatted(
                                kafka.bootstrapServers(),
                                id,
                                SECRET,
                                topic,
                                archive,
                                dir.resolve("staging")));
        Path log = dir.resolve("daemon.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiverCli.class.getName(),
                        "run",
                        "--config",
                        config.toString(),
                        "--log-format",
                        "json");
        pb.environment().remove(Logging.FORMAT_ENV);
        pb.environment().remove(Logging.LEVEL_ENV);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        daemon = pb.start();

        // the archive holding objects shows the engine ran: then a clean stop
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!holdsObjects(archive)) {
            assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", read(log)).isTrue();
            assertThat(System.nanoTime()).as("log:\n%s", read(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
        daemon.destroy();
        assertThat(daemon.waitFor(90, TimeUnit.SECONDS))
                .as("stopped; log:\n%s", read(log))
                .isTrue();
        assertThat(daemon.exitValue()).as(read(log)).isZero();

        List<String> lines = Files.readAllLines(log);
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.isObject()).as(line).isTrue();
            assertThat(n.path("level").asText()).as(line).isNotEmpty();
            assertThat(n.path("loggerName").asText()).as(line).isNotEmpty();
            assertThat(n.path("timestamp").isNumber()).as(line).isTrue();
            assertThat(line).doesNotContain(SECRET);
            events.add(n);
        }
        List<String> messages =
                events.stream().map(n -> n.path("formattedMessage").asText()).toList();
        assertThat(messages)
                .anyMatch(
                        m ->
                                m.startsWith(
                                                "Kafka Archiver "
                                                        + ArchiverCli.version()
                                                        + " on Java ")
                                        && m.contains(Runtime.version().toString())
                                        && m.contains("1 job: job default: topics [" + topic + "]")
                                        && m.contains("-> file://" + archive))
                .contains("  kafka.consumer.ssl.key.password = ******")
                .anyMatch(m -> m.startsWith("SIGTERM: stopping"))
                .contains("All jobs stopped");
        // logging.level.org.apache.kafka: info lifted the default (warn): the client's INFO lines,
        // its configuration dump among them, are there, and hold no secret either
        assertThat(events)
                .anyMatch(
                        n ->
                                n.path("level").asText().equals("INFO")
                                        && n.path("loggerName")
                                                .asText()
                                                .startsWith("org.apache.kafka"));
    }

    @Test
    void formatAndLevelsComeFromTheOptionTheEnvironmentOrTheFileAndAreValidated() {
        assertThat(Logging.chooseFormat("json", "plain", "plain")).isEqualTo(Logging.Format.JSON);
        assertThat(Logging.chooseFormat(null, "json", "plain")).isEqualTo(Logging.Format.JSON);
        assertThat(Logging.chooseFormat(null, null, "json")).isEqualTo(Logging.Format.JSON);
        assertThat(Logging.chooseFormat(null, "", null)).isEqualTo(Logging.Format.PLAIN);
        assertThatThrownBy(() -> Logging.chooseFormat(null, "xml", null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'xml' for ARCHIVER_LOG_FORMAT: expected plain or json");

        assertThat(
                        Logging.chooseLevels(
                                Map.of("dev.archiver", "DEBUG", "org.apache.kafka", "info"),
                                " warn , org.apache.kafka=error"))
                .containsEntry("dev.archiver", "debug")
                .containsEntry("org.apache.kafka", "error")
                .containsEntry("root", "warn");
        assertThatThrownBy(() -> Logging.chooseLevels(Map.of("dev.archiver", "loud"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid level 'loud' for logging.level.dev.archiver: expected one of"
                                + " trace, debug, info, warn, error, off");
        assertThatThrownBy(() -> Logging.chooseLevels(Map.of(), "dev.archiver=verbose"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dev.archiver in ARCHIVER_LOG_LEVEL");
        // a bad level in the file fails when the file is read, before anything starts
        assertThatThrownBy(
                        () ->
                                DaemonConfig.of(
                                        Map.of(
                                                "logging.level.dev.archiver",
                                                "chatty",
                                                "topics",
                                                "t",
                                                "storage.uri",
                                                "memory://x"),
                                        k -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logging.level.dev.archiver");
        assertThatThrownBy(
                        () ->
                                DaemonConfig.of(
                                        Map.of(
                                                "logging.formatt",
                                                "json",
                                                "topics",
                                                "t",
                                                "storage.uri",
                                                "memory://x"),
                                        k -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown setting logging.formatt")
                .hasMessageContaining("logging.format");
    }

    private static boolean holdsObjects(Path archive) throws Exception {
        if (!Files.isDirectory(archive)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(archive)) {
            return s.anyMatch(Files::isRegularFile);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
