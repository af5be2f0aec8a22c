package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.KafkaGaps;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 12 from the command line: {@code archiver verify} without {@code --bootstrap-servers} on an
 * archive of a transactional topic (committed and aborted transactions between plain records) and a
 * compacted topic reports exactly once, counting markers, aborted and compacted-away offsets as
 * Kafka gaps; a deleted object still fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyWithoutKafkaTest {
    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String transactional;
    private Path archive;
    private long delivered;

    @BeforeAll
    void archiveTransactionalAndCompactedTopics() throws Exception {
        kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        transactional = "tx-" + id;
        String compacted = "compacted-" + id;
        archive = dir.resolve("archive");
        kafka.createTopic(transactional, 2);
        delivered = KafkaGaps.produceCompacted(kafka, compacted, 5);
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", "archiver-" + id);
        s.put("kafka.consumer.max.poll.records", "4");
        s.put("topics", transactional + "," + compacted);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve("staging").toString());
        s.put("upload.max-records", "4");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        // three runs, each archiving what was produced before it: every partition of the
        // transactional topic gets at least three batches whatever the machine's speed, so one
        // can be deleted from the middle of the archive (the oldest and newest are not judged)
        for (int run = 0; run < 3; run++) {
            delivered += KafkaGaps.produceTransactional(kafka, transactional, 2, 2);
            try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
                    KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
                a.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (admin.uncommitted("archiver-" + id, transactional) > 0
                        || admin.uncommitted("archiver-" + id, compacted) > 0) {
                    assertThat(a.failure()).isEmpty();
                    assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ArchiverCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Order(1)
    void verifyWithoutKafkaReportsKafkaGapsAndNothingLost() {
        Run r = cli("verify", archive.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .as(r.out())
                .contains("OK: " + delivered + " records in ")
                .contains(", 0 duplicated, 0 missing offsets (lost); ")
                .containsPattern("[1-9]\\d* Kafka gaps inside them")
                .contains("consumed ranges: ");
    }

    @Test
    @Order(2)
    void verifyWithoutKafkaReportsADeletedObjectAsLost() throws Exception {
        List<Path> objects;
        try (var files = Files.walk(archive)) {
            objects =
                    files.filter(f -> f.getFileName().toString().startsWith(transactional + "-0-"))
                            .sorted()
                            .toList();
        }
        assertThat(objects).hasSizeGreaterThan(2);
        Files.delete(objects.get(objects.size() / 2));
        Run r = cli("verify", archive.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("FAILED")
                .contains("missing offsets: [")
                .containsPattern("[1-9]\\d* missing offsets \\(lost\\)");
    }
}
