package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroSchemaUnionTest {
    static Schema parse(String s) {
        return new Schema.Parser().parse(s);
    }

    static final Schema V1 =
            parse(
                    "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"
                            + "{\"name\":\"name\",\"type\":\"string\"},"
                            + "{\"name\":\"in\",\"type\":{\"type\":\"record\",\"name\":\"In\","
                            + "\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}}]}");
    static final Schema V2 =
            parse(
                    "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                            + "{\"name\":\"email\",\"type\":\"string\"},"
                            + "{\"name\":\"in\",\"type\":{\"type\":\"record\",\"name\":\"In\","
                            + "\"fields\":[{\"name\":\"a\",\"type\":\"long\"},"
                            + "{\"name\":\"b\",\"type\":\"boolean\"}]}}]}");

    @Test
    void unionOfFieldsWithNewOnesOptionalAndNumbersWidened() throws Exception {
        Schema u = AvroSchemaUnion.merge(V1, V2).orElseThrow();
        assertThat(u.getFullName()).isEqualTo("E");
        assertThat(u.getField("id").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(u.getField("name").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(u.getField("email").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        Schema in = u.getField("in").schema();
        assertThat(in.getField("a").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(in.getField("b").schema().toString()).isEqualTo("[\"null\",\"boolean\"]");
        // the union reads data of both versions
        GenericData.Record inner = new GenericData.Record(V1.getField("in").schema());
        inner.put("a", 5L);
        GenericData.Record v1 = new GenericData.Record(V1);
        v1.put("id", 3);
        v1.put("name", "n");
        v1.put("in", inner);
        GenericRecord read = roundTrip(v1, V1, u);
        assertThat(read.get("id")).isEqualTo(3L);
        assertThat(read.get("email")).isNull();
        assertThat(read.get("name").toString()).isEqualTo("n");
        assertThat(AvroSchemaUnion.merge(u, V1)).contains(u);
        assertThat(AvroSchemaUnion.merge(u, V2)).contains(u);
        assertThat(AvroSchemaUnion.merge(V1, V1)).contains(V1);
    }

    @Test
    void incompatibleTypesHaveNoUnion() {
        Schema other =
                parse(
                        "{\"type\":\"record\",\"name\":\"E\",\"fields\":"
                                + "[{\"name\":\"id\",\"type\":\"string\"}]}");
        assertThat(AvroSchemaUnion.merge(V1, other)).isEmpty();
        Schema anotherType =
                parse(
                        "{\"type\":\"record\",\"name\":\"F\",\"fields\":"
                                + "[{\"name\":\"id\",\"type\":\"int\"}]}");
        assertThat(AvroSchemaUnion.merge(V1, anotherType)).isEmpty();
    }

    static GenericRecord roundTrip(GenericRecord r, Schema writer, Schema reader) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
        enc.flush();
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
