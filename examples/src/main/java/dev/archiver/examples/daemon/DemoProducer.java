package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's producer: an event counts as produced only once Kafka acknowledged it. A send that
 * fails with a retriable error is sent again, up to {@value #ATTEMPTS} attempts in all; one that
 * still fails, or fails for good, is reported in {@link Result#failures()} and not counted.
 *
 * <p>Not thread-safe: one thread calls {@link #send} and then {@link #finish}.
 */
final class DemoProducer {
    static final int ATTEMPTS = 3;

    /** How one record goes to Kafka: {@link KafkaProducer#send(ProducerRecord, Callback)}. */
    @FunctionalInterface
    interface Sender {
        void send(ProducerRecord<byte[], byte[]> record, Callback callback);
    }

    /** A record Kafka did not take, with the error of its last attempt. */
    record Failure(ProducerRecord<byte[], byte[]> record, int attempts, Exception error) {
        String describe() {
            String key =
                    record.key() == null
                            ? "null"
                            : new String(record.key(), StandardCharsets.UTF_8);
            return "key "
                    + key
                    + " after "
                    + attempts
                    + (attempts == 1 ? " attempt: " : " attempts: ")
                    + error.getClass().getSimpleName()
                    + ": "
                    + error.getMessage();
        }
    }

    /**
     * @param acknowledged records Kafka acknowledged, each counted once
     * @param resent sends repeated after a retriable failure
     * @param failures records that were not acknowledged; they may or may not be in Kafka (a
     *     timed-out send can have landed), so they are never counted as produced
     */
    record Result(long acknowledged, long resent, List<Failure> failures) {
        Result {
            failures = List.copyOf(failures);
        }
    }

    private record Attempt(ProducerRecord<byte[], byte[]> record, int number, Exception error) {}

    private final Sender sender;
    private final Runnable flush;
    private final AtomicLong acknowledged = new AtomicLong();
    private final Queue<Attempt> failed = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private long outstanding;
    private long resent;

    DemoProducer(Sender sender, Runnable flush) {
        this.sender = requireNonNull(sender, "sender is null");
        this.flush = requireNonNull(flush, "flush is null");
    }

    static DemoProducer of(KafkaProducer<byte[], byte[]> producer) {
        return new DemoProducer(producer::send, producer::flush);
    }

    /**
     * Producer settings that keep every partition's records in order and never strand a batch:
     * idempotence with {@code acks=all}, and one request in flight per connection, so that a first
     * batch refused while a new partition's leader settles cannot be overtaken by the next one
     * (which the broker would refuse as out of sequence, over and over, until delivery times out).
     */
    static Map<String, Object> settings(String bootstrapServers) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // a machine busy with other work can take a while to answer
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
        return p;
    }

    /** Sends one record; its outcome is known after {@link #finish}. */
    void send(ProducerRecord<byte[], byte[]> record) {
        send(record, 1);
    }

    /** Records acknowledged so far. */
    long acknowledged() {
        return acknowledged.get();
    }

    /**
     * Waits for every send, sends the retriable failures again until they succeed or run out of
     * attempts, and returns the outcome.
     */
    Result finish() throws InterruptedException {
        List<Failure> failures = new ArrayList<>();
        while (true) {
            flush.run();
            synchronized (lock) {
                while (outstanding > 0) {
                    lock.wait();
                }
            }
            List<Attempt> round = new ArrayList<>();
            for (Attempt a; (a = failed.poll()) != null; ) {
                round.add(a);
            }
            if (round.isEmpty()) {
                return new Result(acknowledged.get(), resent, failures);
            }
            boolean retrying = false;
            for (Attempt a : round) {
                if (a.error() instanceof RetriableException && a.number() < ATTEMPTS) {
                    if (!retrying) {
                        // give a struggling broker a moment before the next round
                        Thread.sleep(500);
                        retrying = true;
                    }
                    resent++;
                    send(a.record(), a.number() + 1);
                } else {
                    failures.add(new Failure(a.record(), a.number(), a.error()));
                }
            }
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, int attempt) {
        synchronized (lock) {
            outstanding++;
        }
        Callback callback =
                (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.add(new Attempt(record, attempt, error));
                    }
                    synchronized (lock) {
                        outstanding--;
                        lock.notifyAll();
                    }
                };
        try {
            sender.send(record, callback);
        } catch (RuntimeException e) {
            // KafkaProducer reports most failures through the callback, but throws for some
            // (a closed producer, a serializer error)
            callback.onCompletion(null, e);
        }
    }
}
