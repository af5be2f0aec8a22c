package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates a consumer thread's consumer from its properties: {@code KafkaConsumer::new} in the
 * engine, a {@code MockConsumer} in unit tests.
 */
@FunctionalInterface
interface ConsumerFactory {
    Consumer<byte[], byte[]> create(Map<String, Object> properties);

    /**
     * The job's consumer properties for consumer thread {@code thread}: raw bytes, the thread's
     * name as client id unless one is set, and with static membership and several threads a {@code
     * group.instance.id} of its own ({@code <id>-<thread>}): one shared id would fence the others.
     */
    static Map<String, Object> properties(ArchiverConfig config, String name, int thread) {
        Map<String, Object> props = new HashMap<>(config.consumerProperties());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.putIfAbsent("client.id", name);
        Object instance = props.get("group.instance.id");
        if (instance != null && config.consumerThreads() > 1) {
            props.put("group.instance.id", instance + "-" + thread);
        }
        return props;
    }
}
