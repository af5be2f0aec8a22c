package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.testing.ConfluentJsSerializer;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Values serialized by Confluent's own serializers ({@code @confluentinc/schemaregistry}, see
 * {@link ConfluentJsSerializer}), their schemas registered by Confluent's client, decoded by {@link
 * RegistryAvroDecoder}: the wire format we read is the one Confluent writes.
 */
class ConfluentSerializedValuesTest {
    static final String ORDER_V1 =
            """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": "string"},
              {"name": "amount", "type": "double"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "status", "type": {"type": "enum", "name": "Status",
                                           "symbols": ["NEW", "PAID", "SHIPPED"]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "attrs", "type": {"type": "map", "values": "int"}},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                 {"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"]}]}}
            ]}""";

    /** V1 and an optional coupon: a compatible new version. */
    static final String ORDER_V2 =
            ORDER_V1.replace(
                    "\n]}",
                    ",\n  {\"name\": \"coupon\", \"type\": [\"null\", \"string\"],"
                            + " \"default\": null}\n]}");

    static final long AT = 1_700_000_000_123L;

    static String orderJson(int i, boolean v2) {
        return "{\"id\": "
                + (10_000_000_000L + i)
                + ", \"customer\": \"c"
                + i
                + "\", \"amount\": "
                + (i + 0.25)
                + ", \"at\": "
                + (AT + i)
                + ", \"status\": \""
                + List.of("NEW", "PAID", "SHIPPED").get(i % 3)
                + "\", \"tags\": [\"t"
                + i
                + "\", \"x\"], \"attrs\": {\"n\": "
                + i
                + "}, \"address\": {\"city\": \"city"
                + i % 5
                + "\", \"zip\": "
                + (i % 2 == 0 ? "null" : Integer.toString(1000 + i))
                + "}"
                + (v2 ? ", \"coupon\": " + (i % 2 == 0 ? "\"C" + i + "\"" : "null") : "")
                + "}";
    }

    static RegistryAvroDecoder decoder(TestSchemaRegistry registry) {
        return new RegistryAvroDecoder(
                new ConfluentSchemaSource(ConfluentSchemaSourceConfig.of(registry.url())));
    }

    @Test
    void avroValuesOfTwoVersionsSerializedByConfluentDecodeWithTheirWriterSchema()
            throws Exception {
        ConfluentJsSerializer confluent = ConfluentJsSerializer.get();
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> v1Values = new ArrayList<>();
            List<String> v2Values = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                v1Values.add(orderJson(i, false));
                v2Values.add(orderJson(i, true));
            }
            List<byte[]> v1 =
                    confluent.serialize(registry.url(), "orders", "AVRO", ORDER_V1, v1Values);
            List<byte[]> v2 =
                    confluent.serialize(registry.url(), "orders", "AVRO", ORDER_V2, v2Values);
            // Confluent's client registered both versions under the topic's value subject
            int id1 = registry.register("orders-value", "AVRO", ORDER_V1);
            int id2 = registry.register("orders-value", "AVRO", ORDER_V2);
            assertThat(id2).isNotEqualTo(id1);

            RegistryAvroDecoder decoder = decoder(registry);
            for (int i = 0; i < 6; i++) {
                for (boolean second : new boolean[] {false, true}) {
                    byte[] wire = (second ? v2 : v1).get(i);
                    assertThat(wire[0]).isEqualTo(WireFormat.MAGIC);
                    RegistryAvroDecoder.Decoded d = decoder.decode(wire);
                    assertThat(d.schemaId()).isEqualTo(second ? id2 : id1);
                    assertThat(d.writerSchema())
                            .isEqualTo(new Schema.Parser().parse(second ? ORDER_V2 : ORDER_V1));
                    GenericRecord r = (GenericRecord) d.value();
                    assertThat(r.get("id")).isEqualTo(10_000_000_000L + i);
                    assertThat(r.get("customer")).hasToString("c" + i);
                    assertThat(r.get("amount")).isEqualTo(i + 0.25);
                    assertThat(r.get("at")).isEqualTo(AT + i);
                    assertThat(r.get("status"))
                            .hasToString(List.of("NEW", "PAID", "SHIPPED").get(i % 3));
                    assertThat(((List<?>) r.get("tags")).stream().map(Object::toString))
                            .containsExactly("t" + i, "x");
                    Map<?, ?> attrs = (Map<?, ?>) r.get("attrs");
                    assertThat(attrs).hasSize(1);
                    assertThat(attrs.entrySet().iterator().next().getValue()).isEqualTo(i);
                    GenericRecord address = (GenericRecord) r.get("address");
                    assertThat(address.get("city")).hasToString("city" + i % 5);
                    assertThat(address.get("zip")).isEqualTo(i % 2 == 0 ? null : 1000 + i);
                    if (second) {
                        Object coupon = r.get("coupon");
                        if (i % 2 == 0) {
                            assertThat(coupon).hasToString("C" + i);
                        } else {
                            assertThat(coupon).isNull();
                        }
                    }
                    // Apache Avro's encoder writes the same payload as Confluent's serializer
                    assertThat(WireFormat.frame(d.schemaId(), avro(d.writerSchema(), r)))
                            .isEqualTo(wire);
                }
            }
        }
    }

    @Test
    void avroValuesWhoseSchemaConfluentsSerializerDerivedAndRegisteredDecode() throws Exception {
        ConfluentJsSerializer confluent = ConfluentJsSerializer.get();
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<byte[]> wire =
                    confluent.serialize(
                            registry.url(),
                            "derived",
                            false,
                            "AVRO",
                            null,
                            List.of(
                                    "{\"id\": 1, \"name\": \"ada\", \"score\": 2.5}",
                                    "{\"id\": 2, \"name\": \"bob\", \"score\": 0.1}"));
            RegistryAvroDecoder decoder = decoder(registry);
            RegistryAvroDecoder.Decoded first = decoder.decode(wire.get(0));
            RegistryAvroDecoder.Decoded second = decoder.decode(wire.get(1));
            // the serializer chose the schema (ints, strings, floats or doubles) and registered it
            assertThat(first.writerSchema().getType()).isEqualTo(Schema.Type.RECORD);
            assertThat(first.writerSchema().getField("id").schema().getType())
                    .isEqualTo(Schema.Type.INT);
            GenericRecord a = (GenericRecord) first.value();
            GenericRecord b = (GenericRecord) second.value();
            assertThat(a.get("id")).isEqualTo(1);
            assertThat(a.get("name")).hasToString("ada");
            assertThat(((Number) a.get("score")).doubleValue()).isEqualTo(2.5);
            assertThat(b.get("id")).isEqualTo(2);
            assertThat(b.get("name")).hasToString("bob");
            assertThat(((Number) b.get("score")).doubleValue()).isCloseTo(0.1, offset());
        }
    }

    static final String PAYMENT =
            """
            {"title": "Payment", "type": "object", "required": ["id", "at"],
             "properties": {
               "id": {"type": "integer"},
               "amount": {"type": "number"},
               "at": {"type": "string", "format": "date-time"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "payer": {"type": "object", "required": ["name"], "properties": {
                 "name": {"type": "string"}, "vip": {"type": "boolean"}}}
             }}""";

    static String paymentJson(int i) {
        return "{\"id\": "
                + i
                + (i % 4 == 0 ? "" : ", \"amount\": " + (i + 0.5))
                + ", \"at\": \""
                + Instant.ofEpochMilli(AT + i)
                + "\", \"tags\": [\"t"
                + i % 3
                + "\"], \"payer\": {\"name\": \"p"
                + i
                + "\""
                + (i % 2 == 0 ? ", \"vip\": true" : "")
                + "}}";
    }

    @Test
    void jsonSchemaValuesSerializedByConfluentDecodeIntoTypedValues() throws Exception {
        ConfluentJsSerializer confluent = ConfluentJsSerializer.get();
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                values.add(paymentJson(i));
            }
            List<byte[]> wire =
                    confluent.serialize(registry.url(), "payments", "JSON", PAYMENT, values);
            int id = registry.register("payments-value", "JSON", PAYMENT);
            RegistryAvroDecoder decoder = decoder(registry);
            for (int i = 0; i < 8; i++) {
                RegistryAvroDecoder.Decoded d = decoder.decode(wire.get(i));
                assertThat(d.schemaId()).isEqualTo(id);
                assertThat(d.writerSchema().getName()).isEqualTo("Payment");
                GenericRecord r = (GenericRecord) d.value();
                assertThat(r.get("id")).isEqualTo((long) i);
                assertThat(r.get("amount")).isEqualTo(i % 4 == 0 ? null : i + 0.5);
                assertThat(r.get("at")).isEqualTo(AT + i);
                assertThat(((List<?>) r.get("tags")).stream().map(Object::toString))
                        .containsExactly("t" + i % 3);
                GenericRecord payer = (GenericRecord) r.get("payer");
                assertThat(payer.get("name")).hasToString("p" + i);
                assertThat(payer.get("vip")).isEqualTo(i % 2 == 0 ? Boolean.TRUE : null);
            }
        }
    }

    @Test
    void jsonValuesWhoseSchemaConfluentsSerializerDerivedAndRegisteredDecode() throws Exception {
        ConfluentJsSerializer confluent = ConfluentJsSerializer.get();
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            List<byte[]> wire =
                    confluent.serialize(
                            registry.url(),
                            "derived-json",
                            false,
                            "JSON",
                            null,
                            List.of("{\"id\": 7, \"name\": \"ada\", \"ok\": true}"));
            RegistryAvroDecoder.Decoded d = decoder(registry).decode(wire.get(0));
            GenericRecord r = (GenericRecord) d.value();
            assertThat(((Number) r.get("id")).longValue()).isEqualTo(7);
            assertThat(r.get("name")).hasToString("ada");
            assertThat(r.get("ok")).isEqualTo(true);
        }
    }

    @Test
    void keysSerializedByConfluentUseTheKeySubject() throws Exception {
        ConfluentJsSerializer confluent = ConfluentJsSerializer.get();
        String schema =
                "{\"type\":\"record\",\"name\":\"OrderKey\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            byte[] key =
                    confluent
                            .serialize(
                                    registry.url(),
                                    "orders",
                                    true,
                                    "AVRO",
                                    schema,
                                    List.of("{\"id\": 42}"))
                            .get(0);
            int id = registry.register("orders-key", "AVRO", schema);
            assertThat(Arrays.copyOf(key, WireFormat.HEADER_SIZE))
                    .isEqualTo(WireFormat.frame(id, new byte[0]));
            assertThat(((GenericRecord) decoder(registry).decode(key).value()).get("id"))
                    .isEqualTo(42L);
        }
    }

    private static org.assertj.core.data.Offset<Double> offset() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }

    private static byte[] avro(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, GenericData.get()).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }
}
