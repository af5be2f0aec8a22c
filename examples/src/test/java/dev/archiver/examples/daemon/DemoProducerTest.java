package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.testing.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo's producer path against a real broker: the count it reports is what Kafka holds, when
 * the broker refuses records and when sends fail and are sent again.
 */
@ExtendWith(EmbeddedKafka.class)
class DemoProducerTest {
    private static final int EVENTS = 2_000;
    private static final byte[] DOOMED =
            "{\"doomed\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void recordsTheBrokerRefusesAreReportedAndNotCounted(EmbeddedKafka.Broker kafka)
            throws Exception {
        String topic = "demo-producer-refused";
        kafka.createTopic(topic, 3);
        // the broker refuses any batch above 200 kB: every 250th event carries 300 kB
        kafka.admin()
                .incrementalAlterConfigs(
                        Map.of(
                                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                                List.of(
                                        new AlterConfigOp(
                                                new ConfigEntry("max.message.bytes", "200000"),
                                                AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
        DemoEvents events = events(topic);
        Random random = new Random(7);
        int oversized = 0;
        DemoProducer.Result result;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(DemoProducer.settings(kafka.bootstrapServers()))) {
            DemoProducer sends = DemoProducer.of(producer);
            for (int i = 0; i < EVENTS; i++) {
                ProducerRecord<byte[], byte[]> r = events.event(i);
                if (i % 250 == 0) {
                    byte[] big = new byte[300_000];
                    random.nextBytes(big);
                    r = new ProducerRecord<>(topic, null, r.timestamp(), r.key(), big);
                    oversized++;
                }
                sends.send(r);
            }
            result = sends.finish();
        }

        assertThat(result.failures()).hasSize(oversized);
        assertThat(result.failures())
                .allSatisfy(
                        f -> {
                            assertThat(f.error()).isInstanceOf(RecordTooLargeException.class);
                            assertThat(f.record().value()).hasSize(300_000);
                            assertThat(f.describe()).contains("RecordTooLargeException");
                        });
        assertThat(result.acknowledged()).isEqualTo(EVENTS - oversized);
        assertThat(inKafka(kafka, topic)).isEqualTo(result.acknowledged());
    }

    @Test
    void sendsThatFailWithARetriableErrorAreSentAgainAndCountedOnce(EmbeddedKafka.Broker kafka)
            throws Exception {
        String topic = "demo-producer-retried";
        kafka.createTopic(topic, 3);
        DemoEvents events = events(topic);
        AtomicInteger calls = new AtomicInteger();
        Set<ProducerRecord<byte[], byte[]>> failedOnce =
                Collections.newSetFromMap(new IdentityHashMap<>());
        DemoProducer.Result result;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(DemoProducer.settings(kafka.bootstrapServers()))) {
            // every 7th send of a record not failed before fails before it reaches the broker, as
            // a send that timed out in the client would; every 500th event fails on every attempt
            DemoProducer sends =
                    new DemoProducer(
                            (record, callback) -> {
                                int call = calls.getAndIncrement();
                                boolean doomed = java.util.Arrays.equals(record.value(), DOOMED);
                                if (doomed || (call % 7 == 0 && failedOnce.add(record))) {
                                    callback.onCompletion(
                                            null, new TimeoutException("injected: no answer"));
                                } else {
                                    producer.send(record, callback);
                                }
                            },
                            producer::flush);
            for (int i = 0; i < EVENTS; i++) {
                ProducerRecord<byte[], byte[]> r = events.event(i);
                if (i % 500 == 0) {
                    r = new ProducerRecord<>(topic, null, r.timestamp(), r.key(), DOOMED);
                }
                sends.send(r);
            }
            result = sends.finish();
        }

        int doomed = EVENTS / 500;
        assertThat(result.failures()).hasSize(doomed);
        assertThat(result.failures())
                .allSatisfy(
                        f -> {
                            assertThat(f.attempts()).isEqualTo(DemoProducer.ATTEMPTS);
                            assertThat(f.error()).isInstanceOf(TimeoutException.class);
                        });
        assertThat(result.resent()).isEqualTo(failedOnce.size() + 2L * doomed);
        assertThat(failedOnce).hasSizeGreaterThanOrEqualTo(EVENTS / 8);
        assertThat(result.resent() + EVENTS).isEqualTo(calls.get());
        assertThat(result.acknowledged()).isEqualTo(EVENTS - doomed);
        assertThat(inKafka(kafka, topic)).isEqualTo(result.acknowledged());
    }

    private static DemoEvents events(String topic) {
        return new DemoEvents(topic, Instant.now(), Duration.ofHours(1), EVENTS, 19L);
    }

    private static long inKafka(EmbeddedKafka.Broker kafka, String topic) {
        return kafka.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }
}
