package dev.archiver.format.parquet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Order events in two compatible versions and one incompatible one, serialized the way Confluent's
 * Avro serializer does (wire-format header, Avro binary), with schemas registered over the
 * registry's REST API.
 */
final class RegistryOrders {
    static final Schema V1 =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Order", "namespace": "shop",
                             "fields": [
                               {"name": "id", "type": "long"},
                               {"name": "customer", "type": "string"},
                               {"name": "amount", "type": "double"},
                               {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                             ]}""");

    /** V1 plus an optional coupon: a compatible new version. */
    static final Schema V2 =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Order", "namespace": "shop",
                             "fields": [
                               {"name": "id", "type": "long"},
                               {"name": "customer", "type": "string"},
                               {"name": "amount", "type": "double"},
                               {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                               {"name": "coupon", "type": ["null", "string"], "default": null}
                             ]}""");

    /** The amount as a string: no reader schema reads both this and V1. */
    static final Schema INCOMPATIBLE =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Order", "namespace": "shop",
                             "fields": [
                               {"name": "id", "type": "long"},
                               {"name": "amount", "type": "string"}
                             ]}""");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RegistryOrders() {}

    /**
     * Registers {@code schema} under {@code subject} with {@code POST
     * /subjects/{subject}/versions}.
     */
    static int register(URI registry, String subject, Schema schema) throws Exception {
        String body = MAPPER.writeValueAsString(Map.of("schema", schema.toString()));
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        registry
                                                                + "/subjects/"
                                                                + subject
                                                                + "/versions"))
                                        .header(
                                                "Content-Type",
                                                "application/vnd.schemaregistry.v1+json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "registering failed: " + response.statusCode() + " " + response.body());
        }
        return MAPPER.readTree(response.body()).get("id").asInt();
    }

    static GenericRecord order(Schema schema, long id, String customer, double amount, long at) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("id", id);
        if (schema.getField("customer") != null) {
            r.put("customer", customer);
        }
        r.put(
                "amount",
                schema.getField("amount").schema().getType() == Schema.Type.STRING
                        ? Double.toString(amount)
                        : amount);
        if (schema.getField("at") != null) {
            r.put("at", at);
        }
        if (schema.getField("coupon") != null) {
            r.put("coupon", id % 3 == 0 ? "C" + id : null);
        }
        return r;
    }

    /** What Confluent's KafkaAvroSerializer writes for {@code record} under schema {@code id}. */
    static byte[] serialize(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
        enc.flush();
        return WireFormat.frame(schemaId, out.toByteArray());
    }
}
