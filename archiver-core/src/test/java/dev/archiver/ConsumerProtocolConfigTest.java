package dev.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hole 2 of issue 14, configuration part: under {@code group.protocol=consumer} (KIP-848) the
 * KafkaConsumer refuses {@code session.timeout.ms}, {@code heartbeat.interval.ms} and {@code
 * partition.assignment.strategy}, but only when it is created, after the engine started. The
 * configuration is rejected when it is built instead, naming the key and the fix.
 */
class ConsumerProtocolConfigTest {
    private static Map<String, String> settings(String protocol) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("kafka.consumer.group.protocol", protocol);
        m.put("topics", "events");
        m.put("storage.uri", "memory://consumer-protocol-test/archive");
        return m;
    }

    @Test
    void clientSideGroupSettingsAreRejectedUnderTheConsumerProtocol() {
        for (String key : new String[] {"session.timeout.ms", "heartbeat.interval.ms"}) {
            Map<String, String> m = settings("consumer");
            m.put("kafka.consumer." + key, "6000");
            assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(m)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(
                            "Setting kafka.consumer."
                                    + key
                                    + " is not allowed with kafka.consumer.group.protocol=consumer"
                                    + " (KIP-848): it is a group setting on the broker"
                                    + " (group.consumer."
                                    + key
                                    + "); remove it, or use group.protocol=classic");
        }
        Map<String, String> m = settings("CONSUMER");
        m.put(
                "kafka.consumer.partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(m)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.consumer.partition.assignment.strategy")
                .hasMessageContaining("kafka.consumer.group.remote.assignor");
    }

    @Test
    void bothProtocolsAreAccepted() {
        assertThat(ArchiverConfig.from(Settings.of(settings("consumer"))).consumerProperties())
                .containsEntry("group.protocol", "consumer")
                .doesNotContainKeys(
                        "session.timeout.ms",
                        "heartbeat.interval.ms",
                        "partition.assignment.strategy");
        Map<String, String> classic = settings("classic");
        classic.put("kafka.consumer.session.timeout.ms", "6000");
        assertThat(ArchiverConfig.from(Settings.of(classic)).consumerProperties())
                .containsEntry("session.timeout.ms", "6000");
    }
}
