package dev.archiver.reliability;

import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces the test kit's mixed records (null and empty keys, tombstones, binary values, headers)
 * to every partition of a topic from a thread of the test JVM, until {@link #stop()}. Records are
 * stamped with the current time, or the broker's retention would delete them during the run. Counts
 * acknowledged records; a failed send fails {@link #stop()}.
 */
final class ContinuousProducer implements AutoCloseable {
    private final EmbeddedKafka.Broker kafka;
    private final String topic;
    private final int partitions;
    private final int batch;
    private final long pauseMillis;
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    private ContinuousProducer(
            EmbeddedKafka.Broker kafka, String topic, int partitions, int batch, long pauseMillis) {
        this.kafka = kafka;
        this.topic = topic;
        this.partitions = partitions;
        this.batch = batch;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "producer-" + topic);
        this.thread.setDaemon(true);
    }

    /** Starts producing {@code batch} records, then pausing {@code pauseMillis}, in a loop. */
    static ContinuousProducer start(
            EmbeddedKafka.Broker kafka, String topic, int partitions, int batch, long pauseMillis) {
        ContinuousProducer p = new ContinuousProducer(kafka, topic, partitions, batch, pauseMillis);
        p.thread.start();
        return p;
    }

    private void run() {
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
            long n = 0;
            while (producing.get() && failure.get() == null) {
                for (ProducerRecord<byte[], byte[]> r : records(n++)) {
                    producer.send(
                            r,
                            (metadata, e) -> {
                                if (e == null) {
                                    acknowledged.incrementAndGet();
                                } else {
                                    failure.compareAndSet(null, e);
                                }
                            });
                }
                producer.flush();
                Thread.sleep(pauseMillis);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private List<ProducerRecord<byte[], byte[]>> records(long seed) {
        return TestData.stampedNow(TestData.mixed(topic, partitions, batch, seed));
    }

    /** Records acknowledged so far. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Stops, waits for every send to be acknowledged and returns how many records were. */
    long stop() throws InterruptedException {
        producing.set(false);
        thread.join(TimeUnit.MINUTES.toMillis(5));
        if (thread.isAlive()) {
            throw new AssertionError("producer did not stop in 5 minutes");
        }
        if (failure.get() != null) {
            throw new AssertionError("a record could not be produced", failure.get());
        }
        return acknowledged.get();
    }

    @Override
    public void close() throws InterruptedException {
        producing.set(false);
        thread.join(TimeUnit.MINUTES.toMillis(5));
    }
}
