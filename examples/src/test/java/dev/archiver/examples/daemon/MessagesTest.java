package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.archiver.testing.EmbeddedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** What a user reads: help texts and the daemon's log lines. */
@ExtendWith(EmbeddedKafka.class)
class MessagesTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"verify", "cat", "restore"})
    void helpShowsTheSubstitutionSyntaxLiterally(String command) {
        StringWriter out = new StringWriter();
        int code =
                ArchiverCli.execute(
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()),
                        command,
                        "--help");
        assertThat(code).isZero();
        // picocli wraps lines, also after a colon: compare without the white space
        assertThat(out.toString().replaceAll("\\s+", ""))
                .contains("${ENV}and${file:/path}aresubstituted")
                .doesNotContain("nullandnull");
    }

    @Test
    void versionNamesTheBuildAndTheJava() {
        StringWriter out = new StringWriter();
        int code =
                ArchiverCli.execute(
                        new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
        assertThat(code).isZero();
        assertThat(ArchiverCli.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(out.toString())
                .startsWith("archiver " + ArchiverCli.version())
                .contains("Java " + Runtime.version());
    }

    @Test
    void jobsThatDoNotStopInTimeAreAnErrorWithTheTimeoutAsConfigured(EmbeddedKafka.Broker kafka)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "stop-" + id;
        kafka.createTopic(topic, 1);
        DaemonConfig config =
                DaemonConfig.of(
                        Map.of(
                                "metrics.port",
                                "0",
                                "shutdown.timeout",
                                "1ms",
                                "kafka.consumer.bootstrap.servers",
                                kafka.bootstrapServers(),
                                "kafka.consumer.group.id",
                                "archiver-" + id,
                                "topics",
                                topic,
                                "storage.uri",
                                "file://" + dir.resolve("archive"),
                                "staging.dir",
                                dir.resolve("staging").toString()),
                        k -> null);
        Logger logger = (Logger) LoggerFactory.getLogger(ArchiverDaemon.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (ArchiverDaemon daemon = new ArchiverDaemon(config)) {
            daemon.start();
            Thread.sleep(500);
            assertThat(daemon.stop()).isFalse();
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list)
                .anySatisfy(
                        e -> {
                            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                            assertThat(e.getFormattedMessage())
                                    .isEqualTo(
                                            "Some jobs did not stop within shutdown.timeout (1ms);"
                                                    + " exiting with code 1");
                        })
                .anySatisfy(
                        e ->
                                assertThat(e.getFormattedMessage())
                                        .isEqualTo("Stopping 1 job(s) within 1ms"))
                .noneMatch(e -> e.getFormattedMessage().matches("(?s).*\\bPT\\d.*"));
    }
}
