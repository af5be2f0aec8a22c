package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A realistic, deterministic stream of page-view events: users (the record key) browse pages over a
 * few hours of event time, a few events arrive late, and each record carries headers.
 */
final class DemoEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PAGES = {
        "/",
        "/search",
        "/products/%d",
        "/products/%d/reviews",
        "/cart",
        "/checkout",
        "/blog/%d",
        "/account",
        "/help"
    };
    private static final String[] COUNTRIES = {
        "DE", "FR", "US", "BR", "IN", "JP", "GB", "NL", "ES"
    };
    private static final String[] SOURCES = {"web", "ios", "android"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
        "ShopApp/4.12 (iPhone; iOS 18.1)",
        "ShopApp/4.12 (Android 15; Pixel 9)"
    };

    private final String topic;
    private final Instant start;
    private final Duration span;
    private final long count;
    private final Random random;

    /**
     * @param start event time of the first event
     * @param span event time the {@code count} events cover
     */
    DemoEvents(String topic, Instant start, Duration span, long count, long seed) {
        this.topic = requireNonNull(topic, "topic is null");
        this.start = requireNonNull(start, "start is null");
        this.span = requireNonNull(span, "span is null");
        this.count = count;
        this.random = new Random(seed);
    }

    /** The {@code i}-th event (0-based); call in order for a deterministic stream. */
    ProducerRecord<byte[], byte[]> event(long i) {
        long offsetMillis = count <= 1 ? 0 : span.toMillis() * i / count;
        // one event in 50 arrives late, by up to 20 minutes of event time
        long lateness = random.nextInt(50) == 0 ? random.nextInt(20 * 60_000) : 0;
        Instant eventTime = start.plusMillis(Math.max(0, offsetMillis - lateness));
        int user = zipfUser();
        String page = PAGES[random.nextInt(PAGES.length)];
        String url = page.contains("%d") ? String.format(page, 1 + random.nextInt(500)) : page;
        String source = SOURCES[user % SOURCES.length];
        ObjectNode n = JSON.createObjectNode();
        n.put("event_id", String.format("%016x", random.nextLong()));
        n.put("event_time", eventTime.toString());
        n.put("user_id", "user-" + user);
        n.put("session_id", String.format("s-%d-%d", user, eventTime.toEpochMilli() / 1_800_000));
        n.put("url", url);
        n.put("referrer", random.nextInt(4) == 0 ? "https://www.example.org/" : null);
        n.put("country", COUNTRIES[user % COUNTRIES.length]);
        n.put("user_agent", AGENTS[user % AGENTS.length]);
        n.put("duration_ms", 200 + random.nextInt(30_000));
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("source", source.getBytes(StandardCharsets.UTF_8));
        // the Kafka timestamp is when the event reached the broker: a little after it happened
        long kafkaTimestamp = eventTime.toEpochMilli() + lateness + random.nextInt(2_000);
        return new ProducerRecord<>(
                topic,
                null,
                kafkaTimestamp,
                ("user-" + user).getBytes(StandardCharsets.UTF_8),
                n.toString().getBytes(StandardCharsets.UTF_8),
                headers);
    }

    /** A few users are far more active than the rest. */
    private int zipfUser() {
        double u = random.nextDouble();
        return 1 + (int) Math.floor(Math.pow(2_000, u)) - 1 + random.nextInt(3);
    }
}
