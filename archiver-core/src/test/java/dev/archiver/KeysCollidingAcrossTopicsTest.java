package dev.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.partition.PartitionPath;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hole 5 of issue 14, "keys that collide across sources" (the validation part): a key template
 * without {@code {topic}} lets topic B overwrite topic A's objects when the job reads several
 * topics, so such a template is rejected when the job can see more than one topic.
 */
class KeysCollidingAcrossTopicsTest {
    private static final String NO_TOPIC =
            "{partition_path}/{kafka_partition}-{first_offset}{extension}";

    private static Map<String, String> settings(String topicsKey, String topics, String template) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put(topicsKey, topics);
        m.put("storage.uri", "memory://key-collision-test/archive");
        m.put("key.template", template);
        return m;
    }

    @Test
    void templateWithoutTopicWouldGiveTwoTopicsTheSameKey() {
        ArchiverConfig c = ArchiverConfig.from(Settings.of(settings("topics", "a", NO_TOPIC)));
        assertThat(c.keyTemplate().render("a", PartitionPath.empty(), 0, 0, ".jsonl"))
                .isEqualTo(c.keyTemplate().render("b", PartitionPath.empty(), 0, 0, ".jsonl"));
    }

    @Test
    void templateWithoutTopicIsRejectedForSeveralTopics() {
        assertThatThrownBy(
                        () ->
                                ArchiverConfig.from(
                                        Settings.of(
                                                settings("topics", "orders,payments", NO_TOPIC))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid value '"
                                + NO_TOPIC
                                + "' for key.template: the template has no {topic}, but topics"
                                + " lists several topics (orders, payments), so objects of one"
                                + " topic would overwrite another topic's objects with the same"
                                + " Kafka partition and first offset. Add {topic} to key.template"
                                + " (as the default "
                                + ArchiverConfig.DEFAULT_KEY_TEMPLATE
                                + " does), or run one job per topic with its own storage.uri");
    }

    @Test
    void templateWithoutTopicIsRejectedForATopicPattern() {
        assertThatThrownBy(
                        () ->
                                ArchiverConfig.from(
                                        Settings.of(
                                                settings("topics.pattern", "orders", NO_TOPIC))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key.template")
                .hasMessageContaining("topics.pattern 'orders' can match several topics")
                .hasMessageContaining("Add {topic} to key.template");
    }

    @Test
    void prefixedSettingsNameTheFullKeys() {
        Map<String, String> m = new HashMap<>();
        settings("topics", "a,b", NO_TOPIC).forEach((k, v) -> m.put("jobs.x." + k, v));
        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(m).withPrefix("jobs.x.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("for jobs.x.key.template")
                .hasMessageContaining("jobs.x.topics lists several topics (a, b)");
    }

    @Test
    void builderRejectsItToo() {
        assertThatThrownBy(
                        () ->
                                ArchiverConfig.builder()
                                        .bootstrapServers("localhost:9092")
                                        .groupId("archiver")
                                        .topicPattern(Pattern.compile("events-.*"))
                                        .storage("memory://key-collision-test/archive")
                                        .keyTemplate(NO_TOPIC)
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.pattern 'events-.*' can match several topics");
    }

    @Test
    void templatesThatCannotCollideAreAccepted() {
        assertThat(
                        ArchiverConfig.from(Settings.of(settings("topics", "orders", NO_TOPIC)))
                                .topics())
                .containsExactly("orders");
        assertThat(
                        ArchiverConfig.from(
                                        Settings.of(
                                                settings(
                                                        "topics.pattern",
                                                        "events-.*",
                                                        "x/{topic}_{kafka_partition}_{first_offset}")))
                                .topicPattern()
                                .pattern())
                .isEqualTo("events-.*");
        assertThat(
                        ArchiverConfig.from(
                                        Settings.of(
                                                settings(
                                                        "topics",
                                                        "a,b",
                                                        ArchiverConfig.SECOR_KEY_TEMPLATE)))
                                .topics())
                .containsExactly("a", "b");
    }
}
