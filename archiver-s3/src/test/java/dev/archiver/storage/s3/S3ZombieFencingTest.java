package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.FaultInjectingProxy;
import dev.archiver.testing.TestData;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/design.md invariant 5: a member whose upload stalls (the proxy holds its PUT) is kicked out
 * of the group while it waits; another member takes the partition and archives it. When the stalled
 * request finally reaches the store, its create-only condition makes it fail instead of overwriting
 * the new owner's object, and its commit is refused: the archive holds every record exactly once.
 * Under both group protocols: the classic one (generations) and KIP-848's consumer protocol (member
 * epochs; the stalled member is fenced when it does not finish its revocation within the rebalance
 * timeout, {@code max.poll.interval.ms}).
 */
@ExtendWith(EmbeddedKafka.class)
class S3ZombieFencingTest {
    @TempDir Path staging;
    private String protocol;

    /** The store behind the proxy; subclasses run the scenario against other servers. */
    protected S3TestServer server() {
        return S3ProxyServer.get();
    }

    /** The proxy that holds the stalled member's upload, as the server needs it. */
    protected FaultInjectingProxy.Builder proxy(FaultInjectingProxy.Builder builder)
            throws Exception {
        return builder;
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void stalledMemberCannotOverwriteOrCommitAfterLosingItsPartition(
            String protocol, EmbeddedKafka.Broker kafka) throws Exception {
        this.protocol = protocol;
        S3TestServer s3 = server();
        String bucket = s3.createBucket("zombie");
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "zombie-" + id;
        String group = "archiver-zombie-" + id;
        StorageLocation root = StorageLocation.of("s3://" + bucket + "/archive");
        // two partitions: under the consumer protocol (and any incremental assignor) a newcomer
        // takes only some of a member's partitions, so with one partition nobody would be asked
        // to give one up
        kafka.createTopic(topic, 2);
        int count = 2_000;
        kafka.produce(TestData.json(topic, 2, count, 0));
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);

        try (FaultInjectingProxy proxy =
                proxy(FaultInjectingProxy.builder("127.0.0.1", s3.endpoint().getPort())).build()) {
            proxy.holdMatching(line -> line.startsWith("PUT "));
            Archiver zombie =
                    Archiver.create(
                            ArchiverConfig.from(
                                    Settings.of(
                                            settings(
                                                    kafka, topic, group, root, proxy.endpoint()))));
            Archiver owner = null;
            try {
                zombie.start();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (proxy.requests() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50); // the zombie's first uploads are now held in flight
                }
                assertThat(proxy.requests())
                        .as("the stalled member sent an upload of each partition")
                        .isGreaterThanOrEqualTo(2);

                // a second member joins; the stalled one cannot finish its revocation within the
                // rebalance timeout and is removed from the group, so the newcomer gets the
                // partitions
                owner =
                        Archiver.create(
                                ArchiverConfig.from(
                                        Settings.of(
                                                settings(
                                                        kafka,
                                                        topic,
                                                        group,
                                                        root,
                                                        s3.endpoint().toString()))));
                owner.start();
                for (var e : end.entrySet()) {
                    awaitCommitted(kafka, group, e.getKey(), e.getValue());
                }
                long uploadsBeforeRelease = owner.stats().objectsUploaded();
                assertThat(uploadsBeforeRelease).isPositive();

                // the stalled request finally lands: create-only refuses it
                proxy.release();
                Thread.sleep(3_000);
                for (var e : end.entrySet()) {
                    assertThat(committed(kafka, group, e.getKey())).isEqualTo(e.getValue());
                }
            } finally {
                if (owner != null) {
                    owner.close();
                }
                zombie.close();
            }
        }

        try (ObjectStorage storage =
                StorageProviders.load()
                        .create(root, Settings.of(storageSettings(s3.endpoint().toString())))) {
            VerificationReport report =
                    ArchiveVerifier.builder(storage, root)
                            .compareWithKafka(kafka.bootstrapServers())
                            .build()
                            .verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.records()).isEqualTo(count);
        }
    }

    private Map<String, String> settings(
            EmbeddedKafka.Broker kafka,
            String topic,
            String group,
            StorageLocation root,
            String endpoint) {
        Map<String, String> s = new HashMap<>(storageSettings(endpoint));
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        // also the rebalance timeout: a member stuck in its revocation longer than this is removed
        s.put("kafka.consumer.max.poll.interval.ms", "5000");
        s.put("kafka.consumer.group.protocol", protocol);
        if (protocol.equals("classic")) {
            // group settings under the consumer protocol (the embedded broker's: 6 s, 500 ms)
            s.put("kafka.consumer.session.timeout.ms", "6000");
            s.put("kafka.consumer.heartbeat.interval.ms", "500");
        }
        s.put("topics", topic);
        s.put("storage.uri", root.toString());
        s.put("staging.dir", staging.toString());
        s.put("upload.max-file-age", "1s");
        s.put("upload.retry.initial-backoff", "200ms");
        s.put("upload.retry.max-backoff", "1s");
        s.put("consumer.poll-timeout", "200ms");
        return s;
    }

    private Map<String, String> storageSettings(String endpoint) {
        Map<String, String> s = new HashMap<>(server().settings(endpoint));
        // the SDK must not give up on the held request by itself before the test releases it
        s.put("storage.s3.api-call-timeout", "5m");
        s.put("storage.s3.api-call-attempt-timeout", "5m");
        return s;
    }

    private static long committed(EmbeddedKafka.Broker kafka, String group, TopicPartition tp)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin()
                        .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group)
                        .get(30, TimeUnit.SECONDS);
        OffsetAndMetadata om = offsets.get(tp);
        return om == null ? -1 : om.offset();
    }

    private static void awaitCommitted(
            EmbeddedKafka.Broker kafka, String group, TopicPartition tp, long offset)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (committed(kafka, group, tp) >= offset) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "offset "
                        + offset
                        + " of "
                        + tp
                        + " not committed; committed "
                        + committed(kafka, group, tp));
    }
}
