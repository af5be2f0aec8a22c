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

    /**
     * Payloads that are JSON, almost JSON, or JSON that a line-based layout must not embed as it
     * is: documents with spaces, tabs and line breaks between tokens, documents followed by garbage
     * or by a second document, a byte order mark, huge numbers, deep nesting, duplicate names,
     * escaped lone surrogates, JSON strings and {@code null}, invalid UTF-8 inside a string.
     */
    public static List<byte[]> jsonLike() {
        List<byte[]> out = new ArrayList<>();
        for (String s :
                new String[] {
                    "{\"country\":\"ES\",\"n\":1}",
                    "{\"a\": [1, 2.50e3, true, false, null], \"b\": {\"c\": \"\\u00e9\"}}",
                    "{\"a\":\t1}",
                    "{}",
                    "[]",
                    "42",
                    "-0",
                    "1.5E-10",
                    "123456789012345678901234567890",
                    "1e999999",
                    "9".repeat(5000),
                    "true",
                    "false",
                    "null",
                    "\"a JSON string\"",
                    "",
                    " ",
                    "{\"a\":1}x",
                    "{\"a\":1}{\"b\":2}",
                    "{\"a\":1}\n{\"b\":2}",
                    "1 2",
                    " {\"a\":1}",
                    "{\"a\":1} ",
                    "{\"a\":1}\n",
                    "{\"a\":1}\r\n",
                    "\uFEFF{\"a\":1}",
                    "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}",
                    "{\"a\":\"raw\nline break\"}",
                    "{\"a\":1,\"a\":2}",
                    "{\"a\":\"\\ud800\"}",
                    "{\"a\":\"\\ud83d\\ude80\"}",
                    "{\"a\":\"\uD83D\uDE80 \u00e9 \u2028\"}",
                    "{\"a\":\"\\u0000\"}",
                    "{\"a\":NaN}",
                    "{\"a\":01}",
                    "{'a':1}",
                    "{\"a\":1,}",
                    "[1,]",
                    "{\"a\":1}//comment",
                    "[",
                    "[".repeat(64) + "]".repeat(64),
                    "[".repeat(100) + "]".repeat(100),
                    "[".repeat(101) + "]".repeat(101),
                    "[".repeat(10_000) + "]".repeat(10_000),
                    "{\"k\":\"x\",\"y\":\"" + "z".repeat(100_000) + "\"}",
                }) {
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        out.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'});
        out.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'});
        out.add(new byte[] {'[', '1', ']', 0});
        return out;
    }
}
