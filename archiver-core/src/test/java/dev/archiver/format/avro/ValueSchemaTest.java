package dev.archiver.format.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.RecordNotWritableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueSchemaTest {
    static final String SCHEMA =
            """
            {"type": "record", "name": "PageView", "namespace": "demo", "fields": [
              {"name": "user", "type": "string"},
              {"name": "country", "type": ["null", "string"]},
              {"name": "count", "type": "int", "default": 1},
              {"name": "bytes", "type": "long"},
              {"name": "ratio", "type": ["null", "double"], "default": null},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}]},
              {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                                  "precision": 9, "scale": 2}]},
              {"name": "device", "type": ["null", {"type": "record", "name": "Device", "fields": [
                {"name": "os", "type": {"type": "enum", "name": "Os", "symbols": ["IOS", "ANDROID"]}},
                {"name": "model", "type": ["null", "string"]}]}]},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "attrs", "type": ["null", {"type": "map", "values": "long"}]}
            ]}
            """;

    private final ValueSchema json =
            ValueSchema.from(Settings.of(Map.of("value-schema", SCHEMA))).orElseThrow();

    private GenericRecord decode(String doc) {
        return json.decode(doc.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void convertsEveryKindOfField() {
        GenericRecord r =
                decode(
                        """
                        {"user": "ü1", "country": "ES", "count": 3, "bytes": 12345678901,
                         "ratio": 0.5, "at": "2026-11-24T21:05:00.123Z", "day": "2026-11-24",
                         "price": "12.50", "device": {"os": "IOS", "model": "x"},
                         "tags": ["a", "b"], "attrs": {"k": 7}, "unknown": {"ignored": true}}
                        """);
        assertThat(r.get("user")).isEqualTo("ü1");
        assertThat(r.get("country")).isEqualTo("ES");
        assertThat(r.get("count")).isEqualTo(3);
        assertThat(r.get("bytes")).isEqualTo(12345678901L);
        assertThat(r.get("ratio")).isEqualTo(0.5);
        assertThat(r.get("at")).isEqualTo(Instant.parse("2026-11-24T21:05:00.123Z").toEpochMilli());
        assertThat(r.get("day")).isEqualTo((int) LocalDate.parse("2026-11-24").toEpochDay());
        assertThat(new BigInteger(((ByteBuffer) r.get("price")).array()))
                .isEqualTo(BigInteger.valueOf(1250));
        GenericRecord device = (GenericRecord) r.get("device");
        assertThat(device.get("os").toString()).isEqualTo("IOS");
        assertThat(device.get("model")).isEqualTo("x");
        assertThat((List<Object>) r.get("tags")).containsExactly("a", "b");
        assertThat((Map<Object, Object>) r.get("attrs")).containsEntry("k", 7L);
        assertThat(GenericData.get().validate(json.schema(), r)).isTrue();
    }

    @Test
    void missingFieldsTakeTheirDefaultOrNull() {
        GenericRecord r = decode("{\"user\": \"u\", \"bytes\": 1, \"at\": 1764018000000}");
        assertThat(r.get("country")).isNull();
        assertThat(r.get("count")).isEqualTo(1);
        assertThat(r.get("ratio")).isNull();
        assertThat(r.get("at")).isEqualTo(1764018000000L);
        assertThat((List<?>) r.get("tags")).isEmpty();
        assertThat(r.get("device")).isNull();
        assertThat(GenericData.get().validate(json.schema(), r)).isTrue();
    }

    @Test
    void offsetTimestampsAndNumericDecimalsAreAccepted() {
        GenericRecord r =
                decode(
                        "{\"user\": \"u\", \"bytes\": 1, \"at\": \"2026-11-24T22:05:00+01:00\","
                                + " \"price\": 3.1}");
        assertThat(r.get("at")).isEqualTo(Instant.parse("2026-11-24T21:05:00Z").toEpochMilli());
        assertThat(new BigDecimal(new BigInteger(((ByteBuffer) r.get("price")).array()), 2))
                .isEqualByComparingTo("3.10");
    }

    @Test
    void documentsThatDoNotFitSayWhereAndWhy() {
        assertRejected("{\"bytes\": 1, \"at\": 1}", "$.user: missing");
        assertRejected(
                "{\"user\": 5, \"bytes\": 1, \"at\": 1}",
                "$.user: expected string, found an integer");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1.5, \"at\": 1}",
                "$.bytes: expected long, found a fractional number");
        assertRejected(
                "{\"user\": \"u\", \"count\": 3000000000, \"bytes\": 1, \"at\": 1}",
                "$.count: expected int");
        assertRejected(
                "{\"user\": null, \"bytes\": 1, \"at\": 1}", "$.user: expected string, found null");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": \"yesterday\"}",
                "$.at: the string is not a valid timestamp-millis");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": 1, \"price\": 1.234}",
                "$.price: the number has more than the 2 fraction digits of decimal(9,2)");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": 1, \"price\": 12345678.9}",
                "$.price: the number has more digits than decimal(9,2) holds");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": 1, \"device\": {\"os\": \"PALM\"}}",
                "$.device.os: the string is not one of the symbols of enum demo.Os");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": 1, \"tags\": [\"a\", 2]}",
                "$.tags[1]: expected string, found an integer");
        assertRejected(
                "{\"user\": \"u\", \"bytes\": 1, \"at\": 1, \"attrs\": {\"k\": \"v\"}}",
                "$.attrs.k: expected long, found a string");
        assertRejected("[1, 2]", "$: expected record demo.PageView (an object), found an array");
    }

    @Test
    void invalidJsonIsRejectedWithoutQuotingTheValue() {
        assertThatThrownBy(() -> decode("{\"user\": \"secret-token"))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageStartingWith("value is not one JSON document")
                .hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> decode("{} {}"))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageStartingWith("value is not one JSON document");
        assertThatThrownBy(() -> decode(""))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void avroBinaryValuesAreDecodedAndCheckedForTrailingBytes() throws IOException {
        ValueSchema binary =
                ValueSchema.from(
                                Settings.of(
                                        Map.of(
                                                "value-schema",
                                                SCHEMA,
                                                "value-encoding",
                                                "avro-binary")))
                        .orElseThrow();
        assertThat(binary.encoding()).isEqualTo(ValueSchema.Encoding.AVRO_BINARY);
        GenericRecord original =
                decode("{\"user\": \"u\", \"bytes\": 2, \"at\": 3, \"tags\": [\"t\"]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(binary.schema()).write(original, encoder);
        encoder.flush();
        byte[] bytes = out.toByteArray();
        assertThat(binary.decode(bytes)).isEqualTo(original);
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> binary.decode(longer))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageContaining("bytes are left after the record");
        byte[] shorter = java.util.Arrays.copyOf(bytes, 3);
        assertThatThrownBy(() -> binary.decode(shorter))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageContaining("demo.PageView");
    }

    @Test
    void schemaFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("schema.avsc");
        Files.writeString(file, SCHEMA);
        ValueSchema s =
                ValueSchema.from(Settings.of(Map.of("value-schema-file", file.toString())))
                        .orElseThrow();
        assertThat(s.schema().getFullName()).isEqualTo("demo.PageView");
        assertThat(s.encoding()).isEqualTo(ValueSchema.Encoding.JSON);
    }

    @Test
    void noSchemaMeansEmpty() {
        assertThat(ValueSchema.from(Settings.empty())).isEmpty();
    }

    @Test
    void badConfigurationNamesTheKey(@TempDir Path dir) {
        Settings scoped = Settings.of(Map.of()).withPrefix("format.x.");
        assertThat(ValueSchema.from(scoped)).isEmpty();
        assertConfigError(
                Map.of("format.x.value-schema", SCHEMA, "format.x.value-schema-file", "/a"),
                "format.x.value-schema and format.x.value-schema-file");
        assertConfigError(
                Map.of("format.x.value-schema", "{\"type\": \"recrd\"}"),
                "Invalid value for format.x.value-schema: not an Avro schema");
        assertConfigError(
                Map.of("format.x.value-schema", "\"string\""),
                "format.x.value-schema: the value schema must be an Avro record, not string");
        assertConfigError(
                Map.of("format.x.value-schema-file", dir.resolve("missing.avsc").toString()),
                "for format.x.value-schema-file: cannot read the file");
        assertConfigError(
                Map.of("format.x.value-schema", SCHEMA, "format.x.value-encoding", "protobuf"),
                "Invalid value 'protobuf' for format.x.value-encoding: accepted values are json,"
                        + " avro-binary");
        assertConfigError(
                Map.of("format.x.value-encoding", "json"),
                "format.x.value-encoding needs a schema");
    }

    private static void assertConfigError(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> ValueSchema.from(Settings.of(settings).withPrefix("format.x.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    private void assertRejected(String doc, String message) {
        assertThatThrownBy(() -> decode(doc))
                .isInstanceOf(RecordNotWritableException.class)
                .hasMessageStartingWith("value does not fit schema demo.PageView: ")
                .hasMessageContaining(message);
    }
}
