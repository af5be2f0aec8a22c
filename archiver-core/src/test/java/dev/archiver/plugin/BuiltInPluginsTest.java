package dev.archiver.plugin;

import static dev.archiver.parse.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.KafkaTimestampParserProvider;
import dev.archiver.parse.OffsetParserProvider;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.parse.json.JsonParserProvider;
import dev.archiver.parse.regex.RegexParserProvider;
import dev.archiver.partition.FieldPartitionerProvider;
import dev.archiver.partition.NonePartitionerProvider;
import dev.archiver.partition.OffsetRangePartitionerProvider;
import dev.archiver.partition.PartitionerProvider;
import dev.archiver.partition.TimePartitionerProvider;
import dev.archiver.policy.StandardUploadPolicyProvider;
import dev.archiver.policy.UploadPolicyProvider;
import dev.archiver.transform.IdentityTransformerProvider;
import dev.archiver.transform.RecordTransformerProvider;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BuiltInPluginsTest {
    private static final ClassLoader CL = Plugins.defaultClassLoader();

    @Test
    void parsersAreFoundByName() {
        assertThat(Plugins.find(RecordParserProvider.class, "kafka-timestamp", "parser", CL))
                .isInstanceOf(KafkaTimestampParserProvider.class);
        assertThat(Plugins.find(RecordParserProvider.class, "json", "parser", CL))
                .isInstanceOf(JsonParserProvider.class);
        assertThat(Plugins.find(RecordParserProvider.class, "regex", "parser", CL))
                .isInstanceOf(RegexParserProvider.class);
        assertThat(Plugins.find(RecordParserProvider.class, " Offset ", "parser", CL))
                .isInstanceOf(OffsetParserProvider.class);
    }

    @Test
    void transformersPartitionersAndPoliciesAreFoundByName() {
        assertThat(Plugins.find(RecordTransformerProvider.class, "identity", "transforms", CL))
                .isInstanceOf(IdentityTransformerProvider.class);
        assertThat(Plugins.find(PartitionerProvider.class, "none", "partitioner", CL))
                .isInstanceOf(NonePartitionerProvider.class);
        assertThat(Plugins.find(PartitionerProvider.class, "time", "partitioner", CL))
                .isInstanceOf(TimePartitionerProvider.class);
        assertThat(Plugins.find(PartitionerProvider.class, "field", "partitioner", CL))
                .isInstanceOf(FieldPartitionerProvider.class);
        assertThat(Plugins.find(PartitionerProvider.class, "offset-range", "partitioner", CL))
                .isInstanceOf(OffsetRangePartitionerProvider.class);
        assertThat(Plugins.find(UploadPolicyProvider.class, "standard", "upload.policy", CL))
                .isInstanceOf(StandardUploadPolicyProvider.class);
    }

    @Test
    void unknownNamesListTheBuiltIns() {
        assertThatThrownBy(() -> Plugins.find(RecordParserProvider.class, "xml", "parser", CL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser")
                .hasMessageContainingAll("json", "kafka-timestamp", "offset", "regex");
        assertThatThrownBy(
                        () -> Plugins.find(PartitionerProvider.class, "hourly", "partitioner", CL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("field", "none", "offset-range", "time");
    }

    @Test
    void everyBuiltInWorksWithEmptySettingsExceptTheRequiredOnes() {
        var record = record(5, 1_000, "{\"a\":1}");
        var parsed =
                Plugins.find(RecordParserProvider.class, "json", "parser", CL)
                        .create(Settings.empty())
                        .parse(record);
        assertThat(parsed.field("a")).contains(1);
        assertThat(
                        Plugins.find(RecordTransformerProvider.class, "identity", "transforms", CL)
                                .create(Settings.empty())
                                .transform(parsed))
                .contains(parsed);
        assertThat(
                        Plugins.find(PartitionerProvider.class, "time", "partitioner", CL)
                                .create(Settings.empty())
                                .partition(parsed)
                                .path())
                .isEqualTo("dt=1970-01-01/hr=00");
        assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochSecond(1));
        assertThatThrownBy(
                        () ->
                                Plugins.find(RecordParserProvider.class, "regex", "parser", CL)
                                        .create(
                                                Settings.of(java.util.Map.of())
                                                        .withPrefix("parser.regex.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parser.regex.pattern");
        assertThatThrownBy(
                        () ->
                                Plugins.find(PartitionerProvider.class, "field", "partitioner", CL)
                                        .create(Settings.empty().withPrefix("partitioner.field.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.fields");
    }
}
