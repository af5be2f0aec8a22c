package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three daemon processes in one consumer group archive one topic while records keep arriving;
 * members are added, killed with SIGKILL, stopped with SIGTERM and restarted at random, from a seed
 * ({@code -Dreliability.seed}, printed; {@code -Dreliability.events} sets how many). Every event
 * forces a rebalance, with partitions moving between live members, members that left cleanly and
 * members that vanished mid-batch. At the end every member catches up, stops with SIGTERM, and the
 * verifier proves against Kafka that every record is archived exactly once. Under both group
 * protocols: the classic one and KIP-848's consumer protocol ({@code group.protocol=consumer};
 * session timeout and heartbeat interval are then the broker's group settings, 6 s and 500 ms in
 * the embedded broker, and the client must not set them).
 */
@ExtendWith(EmbeddedKafka.class)
class DaemonRebalanceTest {
    private static final int PARTITIONS = 8;
    private static final int MEMBERS = 3;
    private static final Duration AWAIT = Duration.ofMinutes(2);

    /** What happens to a member. */
    enum Event {
        /** a stopped member starts and joins the group */
        ADD,
        /** a running member is killed with SIGKILL and stays down */
        SIGKILL,
        /** a running member is stopped with SIGTERM (drains, commits, leaves the group) */
        SIGTERM,
        /** a running member is killed with SIGKILL and started again at once */
        RESTART
    }

    /** One member: its own metrics port, staging directory and configuration. */
    private final class Member {
        final int index;
        final int port;
        final Path config;
        DaemonProcess process;
        int runs;

        Member(int index, int port, Path config) {
            this.index = index;
            this.port = port;
            this.config = config;
        }

        void start() throws IOException {
            runs++;
            process =
                    DaemonProcess.start(
                            config,
                            logs.resolve("member-" + index + "-run-" + runs + ".log"),
                            port,
                            "-Xmx256m");
            all.add(process);
            rebalancesSeen.add(0.0);
        }

        boolean running() {
            return process != null;
        }

        /** Reads this run's rebalance counter, when its metrics server answers. */
        void scrape() {
            try {
                double r = process.metric("archiver_rebalances_total");
                int i = all.indexOf(process);
                rebalancesSeen.set(i, Math.max(rebalancesSeen.get(i), r));
            } catch (IOException | RuntimeException notListeningYet) {
                // not started far enough to serve metrics: nothing seen yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @TempDir Path dir;
    private Path logs;
    private final List<DaemonProcess> all = new ArrayList<>();
    private final List<Double> rebalancesSeen = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (DaemonProcess d : all) {
            d.close();
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void membersAddedKilledStoppedAndRestartedAtRandomKeepExactlyOnce(String protocol)
            throws Exception {
        long seed = ExactlyOnce.seed();
        int events = Integer.getInteger("reliability.events", 24);
        String context =
                "group.protocol="
                        + protocol
                        + ", seed "
                        + seed
                        + " (replay: -Dreliability.seed="
                        + seed
                        + ")";
        System.out.println("[DaemonRebalanceTest] " + context + ", events " + events);
        Random random = new Random(seed);
        long started = System.nanoTime();

        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "rebalance-" + id;
        String group = "archiver-rebalance-" + id;
        String uri = "file://" + dir.resolve("archive");
        kafka.createTopic(topic, PARTITIONS);
        logs = ExactlyOnce.logDir(topic);
        System.out.println("[DaemonRebalanceTest] daemon logs in " + logs.toAbsolutePath());
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            int port = ChildProcessService.freePort();
            Path config = dir.resolve("member-" + i + ".yaml");
            Files.writeString(
                    config,
                    """
                    metrics:
                      port: %d
                      bind-address: 127.0.0.1
                      jmx.enabled: false
                      lag-interval: 1s
                    shutdown.timeout: 60s
                    kafka.consumer:
                      bootstrap.servers: %s
                      group.id: %s
                      group.protocol: %s
                    %s
                    topics: %s
                    storage.uri: %s
                    staging.dir: %s
                    upload:
                      max-records: 300
                      max-file-age: 1s
                      retry.initial-backoff: 200ms
                      retry.max-backoff: 2s
                    consumer.poll-timeout: 200ms
                    partitioner: offset-range
                    partitioner.offset-range.range: 700
                    """
                            .formatted(
                                    port,
                                    kafka.bootstrapServers(),
                                    group,
                                    protocol,
                                    protocol.equals("classic")
                                            ? "  session.timeout.ms: 3000\n"
                                                    + "  heartbeat.interval.ms: 500"
                                            : "",
                                    topic,
                                    uri,
                                    dir.resolve("staging-" + i)));
            members.add(new Member(i, port, config));
        }

        Map<Event, Integer> counts = new EnumMap<>(Event.class);
        int sigtermsBeforeHandler = 0;
        long produced;
        long committedDuringEvents;
        try (ContinuousProducer producer =
                ContinuousProducer.start(kafka, topic, PARTITIONS, 100, 100)) {
            for (Member m : members) {
                m.start();
            }
            for (int e = 1; e <= events; e++) {
                Thread.sleep(500 + random.nextInt(2500));
                Member m = members.get(random.nextInt(MEMBERS));
                Event event =
                        m.running()
                                ? Event.values()[1 + random.nextInt(Event.values().length - 1)]
                                : Event.ADD;
                String where = context + ", event " + e + " (" + event + " member " + m.index + ")";
                if (m.running()) {
                    assertThat(m.process.isAlive())
                            .as(
                                    "%s: member alive before the event; log:\n%s",
                                    where, ExactlyOnce.tail(m.process.output()))
                            .isTrue();
                    m.scrape();
                }
                switch (event) {
                    case ADD -> m.start();
                    case SIGKILL -> {
                        m.process.kill();
                        m.process = null;
                    }
                    case SIGTERM -> {
                        if (!assertStoppedCleanly(m.process, where)) {
                            sigtermsBeforeHandler++;
                        }
                        m.process = null;
                    }
                    case RESTART -> {
                        m.process.kill();
                        m.start();
                    }
                }
                counts.merge(event, 1, Integer::sum);
                for (Member running : members) {
                    if (running.running()) {
                        running.scrape();
                    }
                }
                System.out.printf(
                        "[DaemonRebalanceTest] %s: %d records produced, %d committed%n",
                        where,
                        producer.acknowledged(),
                        ExactlyOnce.committedTotal(kafka, group, topic));
            }
            committedDuringEvents = ExactlyOnce.committedTotal(kafka, group, topic);
            produced = producer.stop();
        }
        assertThat(committedDuringEvents)
                .as("%s: records committed while members came and went", context)
                .isPositive();

        // every member up again, and caught up
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        assertThat(end.values().stream().mapToLong(Long::longValue).sum())
                .as(context)
                .isEqualTo(produced);
        List<DaemonProcess> last = new ArrayList<>();
        for (Member m : members) {
            if (!m.running()) {
                m.start();
            }
            last.add(m.process);
        }
        ExactlyOnce.awaitCommitted(
                kafka, group, end, last, Duration.ofMinutes(3), context + ", final catch-up");
        awaitBalanced(members, context);
        for (Member m : members) {
            m.scrape();
            assertThat(m.process.stop(Duration.ofSeconds(90)))
                    .as(
                            "%s: member %d exit code after SIGTERM; log:\n%s",
                            context, m.index, ExactlyOnce.tail(m.process.output()))
                    .isZero();
        }

        VerificationReport report = ExactlyOnce.verify(kafka, uri, Map.of(), topic);
        ExactlyOnce.assertExactlyOnce(report, produced, context);
        long rebalances = rebalancesSeen.stream().mapToLong(Double::longValue).sum();
        assertThat(rebalances)
                .as("%s: rebalances seen in the members' metrics", context)
                .isGreaterThanOrEqualTo(MEMBERS);
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Figures.of("three daemons rebalancing (file, group.protocol=" + protocol + ")")
                .put("seed", seed)
                .put("events", counts)
                .put("daemon runs", all.size())
                .put("SIGTERMs during JVM start (exit 143)", sigtermsBeforeHandler)
                .put("rebalances seen", rebalances)
                .put("records produced", produced)
                .put("objects", report.objects())
                .put("lost", report.missingFromArchive() + report.gaps())
                .put("duplicated", report.duplicates())
                .put("wall time", seconds + " s")
                .record();
    }

    /** Waits until the group has settled with every partition assigned and each member working. */
    private static void awaitBalanced(List<Member> members, String context) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        List<Double> assigned = List.of();
        while (System.nanoTime() < deadline) {
            assigned = new ArrayList<>();
            for (Member m : members) {
                if (!m.process.isAlive()) {
                    String log = ExactlyOnce.tail(m.process.output());
                    throw new AssertionError(context + ": member died; log:\n" + log);
                }
                try {
                    assigned.add(m.process.metric("archiver_assigned_partitions"));
                } catch (IOException notListeningYet) {
                    assigned.add(0.0);
                }
            }
            if (assigned.stream().allMatch(a -> a > 0)
                    && assigned.stream().mapToDouble(Double::doubleValue).sum() == PARTITIONS) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                context
                        + ": partitions per member "
                        + assigned
                        + ", expected all "
                        + PARTITIONS
                        + " spread over "
                        + members.size());
    }

    /**
     * SIGTERM: a daemon drains, commits and exits 0. A JVM still starting, before {@code archiver
     * run} installed its signal handler, ends with the JVM's default for SIGTERM (143); that is
     * only acceptable if it had not started archiving yet.
     */
    private static boolean assertStoppedCleanly(DaemonProcess daemon, String where)
            throws Exception {
        int exit = daemon.stop(Duration.ofSeconds(90));
        String log = daemon.output();
        if (exit == 143) {
            assertThat(log)
                    .as("%s: exit 143 (SIGTERM before the handler) after archiving started", where)
                    .doesNotContain("Starting job")
                    .doesNotContain("SIGTERM: stopping");
            return false;
        } else {
            assertThat(exit)
                    .as("%s: exit code after SIGTERM; log:\n%s", where, ExactlyOnce.tail(log))
                    .isZero();
            return true;
        }
    }
}
