package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.format.RecordNotWritableException;
import dev.archiver.testing.TestSchemaRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonSchemaToAvroTest {
    static final String ORDER =
            """
            {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order",
             "type": "object", "required": ["id", "at"],
             "properties": {
               "id": {"type": "integer"},
               "customer": {"type": "string"},
               "amount": {"type": "number"},
               "paid": {"type": ["boolean", "null"]},
               "at": {"type": "string", "format": "date-time"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "attrs": {"type": "object", "additionalProperties": {"type": "string"}},
               "ship": {"$ref": "#/definitions/Address"}
             },
             "definitions": {
               "Address": {"type": "object", "properties": {"city": {"type": "string"}}}
             }}""";

    @Test
    void convertsTheUnderstoodSubset() {
        Schema s = JsonSchemaToAvro.convert(ORDER);
        assertThat(s.getName()).isEqualTo("Order");
        assertThat(s.getField("id").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(s.getField("customer").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(s.getField("amount").schema().getTypes().get(1).getType())
                .isEqualTo(Schema.Type.DOUBLE);
        assertThat(s.getField("paid").schema().toString()).isEqualTo("[\"null\",\"boolean\"]");
        assertThat(s.getField("at").schema().getLogicalType().getName())
                .isEqualTo("timestamp-millis");
        assertThat(s.getField("tags").schema().getTypes().get(1).getType())
                .isEqualTo(Schema.Type.ARRAY);
        assertThat(s.getField("attrs").schema().getTypes().get(1).getType())
                .isEqualTo(Schema.Type.MAP);
        Schema ship = s.getField("ship").schema().getTypes().get(1);
        assertThat(ship.getName()).isEqualTo("Address");
        assertThat(ship.getField("city")).isNotNull();
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThatThrownBy(
                        () ->
                                JsonSchemaToAvro.convert(
                                        "{\"type\":\"object\",\"properties\":{\"x\":{\"oneOf\":[]}}}"))
                .hasMessageContaining("oneOf is not supported at $.x");
        assertThatThrownBy(
                        () ->
                                JsonSchemaToAvro.convert(
                                        "{\"type\":\"object\",\"properties\":{\"a-b\":{\"type\":\"string\"}}}"))
                .hasMessageContaining("not a valid column name");
        assertThatThrownBy(() -> JsonSchemaToAvro.convert("{\"type\":\"string\"}"))
                .hasMessageContaining("root");
    }

    @Test
    void jsonSchemaValuesAreDecodedWithTheirSchema() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("orders-value", "JSON", ORDER);
            RegistryAvroDecoder decoder =
                    new RegistryAvroDecoder(
                            new ConfluentSchemaSource(
                                    ConfluentSchemaSourceConfig.of(registry.url())));
            byte[] wire =
                    WireFormat.frame(
                            id,
                            ("{\"id\": 7, \"customer\": \"ada\", \"at\": \"2026-11-24T21:05:00Z\","
                                            + " \"ship\": {\"city\": \"Oslo\"}}")
                                    .getBytes(StandardCharsets.UTF_8));
            GenericRecord r = (GenericRecord) decoder.decode(wire).value();
            assertThat(r.get("id")).isEqualTo(7L);
            assertThat(r.get("customer").toString()).isEqualTo("ada");
            assertThat(r.get("at")).isEqualTo(1795554300000L);
            assertThat(((GenericRecord) r.get("ship")).get("city").toString()).isEqualTo("Oslo");
            assertThat(r.get("amount")).isNull();
            assertThatThrownBy(
                            () ->
                                    decoder.decode(
                                            WireFormat.frame(
                                                    id,
                                                    "{\"id\": \"x\", \"at\": 1}"
                                                            .getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("does not fit JSON Schema " + id);
            assertThatThrownBy(
                            () ->
                                    decoder.decode(
                                            WireFormat.frame(
                                                    id,
                                                    "{\"id\"".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("not a JSON document");
        }
    }
}
