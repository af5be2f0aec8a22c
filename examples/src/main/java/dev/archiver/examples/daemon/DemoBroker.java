package dev.archiver.examples.daemon;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A one-node KRaft Kafka broker in this JVM, on loopback, for {@code archiver demo}. */
final class DemoBroker implements AutoCloseable {
    private final KafkaClusterTestKit kit;

    private DemoBroker(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    static DemoBroker start() throws Exception {
        KafkaClusterTestKit kit =
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
                        .setConfigProp(
                                "log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                        .setConfigProp(
                                "log.message.timestamp.before.max.ms",
                                Long.toString(Long.MAX_VALUE))
                        .build();
        // formatting prints its bootstrap metadata to System.out; the demo's output is for people
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
        return new DemoBroker(kit);
    }

    String bootstrapServers() {
        return kit.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
