package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.testing.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Lag in seconds, read from the timestamps of real records in the in-JVM broker. */
class LagProbeTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void measuresTheAgeOfTheFirstUnconsumedRecordPerPartition() throws Exception {
        EmbeddedKafka.Broker kafka = EmbeddedKafka.shared();
        String topic = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // partition 0: one record a minute, the first 10 minutes before NOW
            records.add(record(topic, 0, NOW.minus(Duration.ofMinutes(10 - i))));
            // partition 1: the same, an hour earlier
            records.add(record(topic, 1, NOW.minus(Duration.ofMinutes(70 - i))));
        }
        kafka.produce(records);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);
        Map<TopicPartition, Long> end = Map.of(p0, 10L, p1, 10L, p2, 0L);

        try (LagProbe probe =
                LagProbe.create(
                        Map.of(
                                "bootstrap.servers", kafka.bootstrapServers(),
                                "group.id", "ignored-by-the-probe",
                                "auto.offset.reset", "latest"),
                        "test",
                        Duration.ofSeconds(30))) {
            assertThat(probe.measure(Map.of(p0, 0L, p1, 4L, p2, 0L), end, NOW))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 600.0, p1, 66 * 60.0, p2, 0.0));
            // caught up: no lag, whatever the timestamps
            assertThat(probe.measure(Map.of(p0, 10L, p1, 10L), end, NOW))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 0.0, p1, 0.0));
            // a partition the probe has no end offset for is unknown, not 0
            assertThat(probe.measure(Map.of(p0, 9L, p2, 0L), Map.of(p0, 10L), NOW))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 60.0));

            // retention deleted the records at the job's position: the first one left counts
            kafka.admin().deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(7))).all().get();
            assertThat(probe.measure(Map.of(p0, 2L), end, NOW))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(p0, 180.0));
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, Instant ts) {
        return new ProducerRecord<>(
                topic,
                partition,
                ts.toEpochMilli(),
                null,
                ("{\"at\":\"" + ts + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
