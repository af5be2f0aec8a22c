package dev.archiver.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Apache Kafka broker (one combined KRaft node) in the test JVM on loopback, shared by every
 * test class of the run that uses the extension: {@code @ExtendWith(EmbeddedKafka.class)} and a
 * parameter of type {@code EmbeddedKafka} in a test or lifecycle method, or {@link #shared()}. The
 * broker stops when the test run ends.
 */
public final class EmbeddedKafka implements BeforeAllCallback, ParameterResolver {
    private static volatile Broker shared;

    /** A started broker; JUnit closes it at the end of the run. */
    public static final class Broker
            implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        private final KafkaClusterTestKit kit;
        private final Admin admin;

        Broker() throws Exception {
            kit =
                    new KafkaClusterTestKit.Builder(
                                    new TestKitNodes.Builder()
                                            .setCombined(true)
                                            .setNumControllerNodes(1)
                                            .setNumBrokerNodes(1)
                                            .build())
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "4")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0")
                            .setConfigProp("group.min.session.timeout.ms", "1000")
                            // both group protocols (the consumer protocol of KIP-848 is on by
                            // default since Kafka 4.0; named so that a change of default shows),
                            // with the consumer protocol's session and heartbeat as short as the
                            // classic suites set them on the client (6 s, 500 ms)
                            .setConfigProp(
                                    "group.coordinator.rebalance.protocols", "classic,consumer")
                            .setConfigProp("group.consumer.min.session.timeout.ms", "1000")
                            .setConfigProp("group.consumer.session.timeout.ms", "6000")
                            .setConfigProp("group.consumer.min.heartbeat.interval.ms", "500")
                            .setConfigProp("group.consumer.heartbeat.interval.ms", "500")
                            // test records carry timestamps weeks in the past (TestData): with
                            // the default 7-day retention the broker deletes them mid-test
                            .setConfigProp("log.retention.ms", "-1")
                            // the cleaner looks for work often, so compacted topics (KafkaGaps)
                            // are compacted within seconds
                            .setConfigProp("log.cleaner.backoff.ms", "250")
                            // accept any record timestamp, so tests can send hostile ones
                            .setConfigProp(
                                    "log.message.timestamp.after.max.ms",
                                    Long.toString(Long.MAX_VALUE))
                            .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
            admin = Admin.create(props);
        }

        public String bootstrapServers() {
            return kit.bootstrapServers();
        }

        public Admin admin() {
            return admin;
        }

        /** Creates a topic and waits until every partition has a leader. */
        public void createTopic(String name, int partitions) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    String state;
                    try {
                        var description =
                                admin.describeTopics(Set.of(name))
                                        .allTopicNames()
                                        .get(30, TimeUnit.SECONDS)
                                        .get(name);
                        if (description.partitions().size() == partitions
                                && description.partitions().stream()
                                        .allMatch(
                                                p -> p.leader() != null && !p.leader().isEmpty())) {
                            return;
                        }
                        state = description.toString();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // the broker's metadata may not know the new topic yet
                        if (!(e.getCause()
                                instanceof
                                org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        state = e.getCause().getMessage();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Partitions of " + name + " have no leader after 60 s: " + state);
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot create topic " + name, e);
            }
        }

        /** A producer of raw bytes with idempotence on; the caller closes it. */
        public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName());
            props.put(
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName());
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            // generous timeouts: test machines can be very loaded
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
            // one request in flight: a first batch refused while a new partition's leader settles
            // can
            // then not be overtaken by later batches, which would leave the idempotent producer
            // stuck
            // on an out-of-order sequence
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            props.putAll(overrides);
            return new KafkaProducer<>(props);
        }

        /**
         * Sends every record, waits for all acknowledgements, and returns their metadata in order.
         */
        public List<RecordMetadata> produce(Collection<ProducerRecord<byte[], byte[]>> records) {
            try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
                List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
                for (ProducerRecord<byte[], byte[]> r : records) {
                    futures.add(producer.send(r));
                }
                producer.flush();
                List<RecordMetadata> result = new ArrayList<>(futures.size());
                for (Future<RecordMetadata> f : futures) {
                    result.add(f.get(60, TimeUnit.SECONDS));
                }
                return result;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Producing failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The end offsets of a topic's partitions. */
        public Map<TopicPartition, Long> endOffsets(String topic) {
            try {
                var desc =
                        admin.describeTopics(Set.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(topic);
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs =
                        new java.util.HashMap<>();
                desc.partitions()
                        .forEach(
                                p ->
                                        specs.put(
                                                new TopicPartition(topic, p.partition()),
                                                org.apache.kafka.clients.admin.OffsetSpec
                                                        .latest()));
                Map<TopicPartition, Long> result =
                        new java.util.TreeMap<>(
                                java.util.Comparator.comparing(TopicPartition::toString));
                admin.listOffsets(specs)
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .forEach((tp, info) -> result.put(tp, info.offset()));
                return result;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot read end offsets of " + topic, e);
            }
        }

        @Override
        public void close() throws Exception {
            admin.close();
            kit.close();
        }
    }

    /** The broker shared by the test run, started on first use. */
    public static Broker shared() {
        Broker b = shared;
        if (b == null) {
            synchronized (EmbeddedKafka.class) {
                b = shared;
                if (b == null) {
                    try {
                        b = new Broker();
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "Cannot start the embedded Kafka broker", e);
                    }
                    shared = b;
                }
            }
        }
        return b;
    }

    /**
     * Closes the shared broker when JUnit finishes the whole test plan: inside the test run rather
     * than in a JVM shutdown hook, which a slow broker shutdown could make outlast the build tool's
     * wait for the test JVM to exit.
     */
    private static final class Closer
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            Broker b;
            synchronized (EmbeddedKafka.class) {
                b = shared;
                shared = null;
            }
            if (b != null) {
                b.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Closer.class, k -> new Closer(), Closer.class);
        shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Broker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return shared();
    }
}
