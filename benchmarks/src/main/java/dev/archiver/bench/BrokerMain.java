package dev.archiver.bench;

import java.io.IOException;
import java.io.InputStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The benchmark's broker: one combined KRaft node in its own JVM, so that the benchmark JVM
 * measures only the consumer or the archiver. Prints {@code BOOTSTRAP=<servers>} when ready and
 * stops when its standard input closes (the parent exits or closes the pipe).
 */
public final class BrokerMain {
    static final String READY_PREFIX = "BOOTSTRAP=";

    private BrokerMain() {}

    public static void main(String[] args) throws Exception {
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
                        .setConfigProp("log.retention.ms", "-1")
                        .setConfigProp("num.partitions", "1")
                        .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            System.out.println(READY_PREFIX + kit.bootstrapServers());
            System.out.flush();
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // wait for the parent to close the pipe
                }
            } catch (IOException e) {
                // the parent is gone
            }
        } finally {
            kit.close();
        }
        System.exit(0);
    }
}
