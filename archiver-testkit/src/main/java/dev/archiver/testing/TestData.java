package dev.archiver.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Deterministic test records with every shape an archive must survive. */
public final class TestData {
    /** 2026-11-01T00:00:00Z: a fixed base in the past, so that time partitions are predictable. */
    public static final long BASE_TIMESTAMP = 1_793_491_200_000L;

    private TestData() {}

    /**
     * {@code count} records spread round-robin over {@code partitions}, with explicit timestamps
     * one second apart from {@link #BASE_TIMESTAMP}: null keys, empty keys, tombstones, empty
     * values, binary (non-UTF-8) values, JSON values, headers with null and binary values, unicode.
     */
    public static List<ProducerRecord<byte[], byte[]>> mixed(
            String topic, int partitions, int count, long seed) {
        Random random = new Random(seed);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key =
                    switch (i % 10) {
                        case 0 -> null;
                        case 1 -> new byte[0];
                        default -> ("key-" + i).getBytes(StandardCharsets.UTF_8);
                    };
            byte[] value;
            if (i % 17 == 0) {
                value = null; // tombstone
            } else if (i % 19 == 0) {
                value = new byte[0];
            } else if (i % 5 == 0) {
                value = new byte[16 + random.nextInt(64)];
                random.nextBytes(value);
                value[0] = (byte) 0xff; // never valid UTF-8
            } else {
                value =
                        ("{\"id\":"
                                        + i
                                        + ",\"user\":\"ü"
                                        + random.nextInt(1000)
                                        + "\",\"ts\":"
                                        + (BASE_TIMESTAMP + i * 1000L)
                                        + "}")
                                .getBytes(StandardCharsets.UTF_8);
            }
            RecordHeaders headers = new RecordHeaders();
            if (i % 3 == 0) {
                headers.add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
            }
            if (i % 7 == 0) {
                headers.add("null-header", null);
            }
            if (i % 11 == 0) {
                byte[] bin = new byte[8];
                random.nextBytes(bin);
                headers.add("bin", bin);
                headers.add(
                        "trace", "second value for the same key".getBytes(StandardCharsets.UTF_8));
            }
            records.add(
                    new ProducerRecord<>(
                            topic,
                            i % partitions,
                            BASE_TIMESTAMP + i * 1000L,
                            key,
                            value,
                            headers));
        }
        return records;
    }

    /**
     * JSON events {"id":n,"ts":millis}, each {@code badEvery}-th one (if positive) not valid JSON.
     */
    public static List<ProducerRecord<byte[], byte[]>> json(
            String topic, int partitions, int count, int badEvery) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long ts = BASE_TIMESTAMP + i * 1000L;
            String value =
                    badEvery > 0 && i % badEvery == 0
                            ? "not json {" + i
                            : "{\"id\":" + i + ",\"ts\":" + ts + "}";
            records.add(
                    new ProducerRecord<>(
                            topic,
                            i % partitions,
                            ts,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    /**
     * The same records with their timestamps set to now, for runs against a broker with time-based
     * retention (or a daemon whose lag and age figures should look live).
     */
    public static List<ProducerRecord<byte[], byte[]>> stampedNow(
            List<ProducerRecord<byte[], byte[]>> records) {
        long now = System.currentTimeMillis();
        return records.stream()
                .map(
                        r ->
                                new ProducerRecord<>(
                                        r.topic(),
                                        r.partition(),
                                        now,
                                        r.key(),
                                        r.value(),
                                        r.headers()))
                .toList();
    }
}
