package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.partition.Partitioner;
import dev.archiver.partition.PartitionerProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class RegistryParserTest {
    static final Schema EVENT =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Event", "fields": [
                              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
                              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                              {"name": "user", "type": {"type": "record", "name": "User", "fields": [
                                {"name": "country", "type": "string"}]}},
                              {"name": "tags", "type": {"type": "array", "items": "string"}}
                            ]}""");

    static byte[] event(int id, String kind, long at, String country) throws Exception {
        GenericData.Record user = new GenericData.Record(EVENT.getField("user").schema());
        user.put("country", country);
        GenericData.Record r = new GenericData.Record(EVENT);
        r.put("kind", new GenericData.EnumSymbol(EVENT.getField("kind").schema(), kind));
        r.put("at", at);
        r.put("user", user);
        r.put("tags", List.of("x", "y"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(EVENT).write(r, enc);
        enc.flush();
        return WireFormat.frame(id, out.toByteArray());
    }

    static ArchiveRecord record(byte[] value) {
        return new ArchiveRecord(
                "events", 0, 5, 1_000L, TimestampType.CREATE_TIME, null, value, List.of());
    }

    static RecordParser parser(TestSchemaRegistry registry, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        m.put("parser.schema-registry.schema-source", "confluent");
        m.put("parser.schema-registry.schema-source.confluent.url", registry.url().toString());
        m.put("parser.schema-registry.schema-source.confluent.retries", "0");
        return Plugins.find(
                        RecordParserProvider.class,
                        "schema-registry",
                        "parser",
                        Plugins.defaultClassLoader())
                .create(Settings.of(m).withPrefix("parser.schema-registry."));
    }

    @Test
    void decodedFieldsDriveTimeAndFieldPartitioning() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("events-value", "AVRO", EVENT.toString());
            RecordParser parser =
                    parser(registry, Map.of("parser.schema-registry.timestamp-field", "at"));
            long at = Instant.parse("2026-11-24T21:05:00Z").toEpochMilli();
            ParsedRecord parsed = parser.parse(record(event(id, "B", at, "NO")));
            assertThat(parsed.eventTime()).isEqualTo(Instant.ofEpochMilli(at));
            assertThat(parsed.field("kind")).contains("B");
            assertThat(parsed.field("user.country")).contains("NO");
            assertThat(parsed.field("tags")).contains(List.of("x", "y"));

            Partitioner time =
                    Plugins.find(
                                    PartitionerProvider.class,
                                    "time",
                                    "partitioner",
                                    Plugins.defaultClassLoader())
                            .create(Settings.of(Map.of("pattern", "'dt='yyyy-MM-dd/'hr='HH")));
            assertThat(time.partition(parsed).toString()).isEqualTo("dt=2026-11-24/hr=21");
            Partitioner field =
                    Plugins.find(
                                    PartitionerProvider.class,
                                    "field",
                                    "partitioner",
                                    Plugins.defaultClassLoader())
                            .create(Settings.of(Map.of("fields", "user.country,kind")));
            assertThat(field.partition(parsed).toString()).contains("NO").contains("B");

            ParsedRecord tombstone = parser.parse(record(null));
            assertThat(tombstone.eventTime()).isEqualTo(Instant.ofEpochMilli(1_000L));
            assertThat(tombstone.fields()).isEmpty();
        }
    }

    @Test
    void undecodableValuesAndAnAbsentSourceAreParseErrors() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("events-value", "AVRO", EVENT.toString());
            RecordParser parser =
                    parser(registry, Map.of("parser.schema-registry.source-wait", "1s"));
            assertThatThrownBy(() -> parser.parse(record(WireFormat.frame(77, new byte[] {1}))))
                    .isInstanceOf(RecordParseException.class)
                    .hasMessageContaining("unknown schema id 77");
            assertThatThrownBy(() -> parser.parse(record("{\"a\": 1}".getBytes())))
                    .isInstanceOf(RecordParseException.class)
                    .hasMessageContaining("magic byte");
            byte[] good = event(id, "A", 1, "SE");
            registry.pause();
            long start = System.nanoTime();
            assertThatThrownBy(() -> parser.parse(record(good)))
                    .isInstanceOf(RecordParseException.class)
                    .hasMessageContaining("schema source unavailable");
            assertThat(System.nanoTime() - start).isGreaterThan(500_000_000L);
            registry.resume();
            assertThat(parser.parse(record(good)).field("user.country")).contains("SE");
        }
    }
}
