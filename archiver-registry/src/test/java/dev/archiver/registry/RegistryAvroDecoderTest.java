package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.format.RecordNotWritableException;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class RegistryAvroDecoderTest {
    static final Schema USER =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"User\",\"fields\":["
                                    + "{\"name\":\"id\",\"type\":\"long\"},"
                                    + "{\"name\":\"name\",\"type\":\"string\"}]}");

    static byte[] avro(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    static GenericRecord user(long id, String name) {
        GenericData.Record r = new GenericData.Record(USER);
        r.put("id", id);
        r.put("name", name);
        return r;
    }

    private static RegistryAvroDecoder decoder(TestSchemaRegistry registry) {
        ConfluentSchemaSourceConfig c = ConfluentSchemaSourceConfig.of(registry.url());
        c =
                new ConfluentSchemaSourceConfig(
                        c.url(),
                        c.basicAuthUsername(),
                        c.basicAuthPassword(),
                        c.bearerToken(),
                        c.trustStore(),
                        c.trustStorePassword(),
                        c.trustStoreType(),
                        c.requestTimeout(),
                        0,
                        Duration.ofMillis(1));
        return new RegistryAvroDecoder(new ConfluentSchemaSource(c));
    }

    @Test
    void decodesWithTheWriterSchema() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("users-value", "AVRO", USER.toString());
            RegistryAvroDecoder decoder = decoder(registry);
            byte[] wire = WireFormat.frame(id, avro(USER, user(7, "ada")));
            RegistryAvroDecoder.Decoded d = decoder.decode(wire);
            assertThat(d.schemaId()).isEqualTo(id);
            assertThat(d.writerSchema()).isEqualTo(USER);
            assertThat(d.value()).isEqualTo(user(7, "ada"));
            assertThat(WireFormat.schemaId(wire)).isEqualTo(id);
            decoder.decode(wire);
            assertThat(registry.schemaLookups()).isEqualTo(1);
        }
    }

    @Test
    void badRecordsAreNotWritableAndCounted() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("users-value", "AVRO", USER.toString());
            int proto = registry.register("p-value", "PROTOBUF", "syntax = \"proto3\";");
            RegistryAvroDecoder decoder = decoder(registry);
            byte[] good = WireFormat.frame(id, avro(USER, user(7, "ada")));
            assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 1}))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("shorter than its 5-byte header");
            byte[] badMagic = good.clone();
            badMagic[0] = 1;
            assertThatThrownBy(() -> decoder.decode(badMagic))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("magic byte");
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(good, good.length - 2)))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("ends inside the datum");
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(good, good.length + 1)))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("bytes are left");
            assertThatThrownBy(() -> decoder.decode(WireFormat.frame(999, new byte[] {2})))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("unknown schema id 999");
            assertThatThrownBy(() -> decoder.decode(WireFormat.frame(proto, new byte[] {0})))
                    .isInstanceOf(RecordNotWritableException.class)
                    .hasMessageContaining("PROTOBUF");
            assertThat(decoder.unknownIds()).isEqualTo(1);
            assertThat(decoder.corruptValues()).isEqualTo(4);
        }
    }

    @Test
    void registryDownIsAnIOExceptionNotABadRecord() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int id = registry.register("users-value", "AVRO", USER.toString());
            RegistryAvroDecoder decoder = decoder(registry);
            registry.pause();
            byte[] wire = WireFormat.frame(id, avro(USER, user(1, "x")));
            assertThatThrownBy(() -> decoder.decode(wire))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(SchemaNotFoundException.class);
            assertThat(decoder.sourceUnavailable()).isEqualTo(1);
            registry.resume();
            assertThat(decoder.decode(wire).value()).isEqualTo(user(1, "x"));
        }
    }

    @Test
    void frameIsTheInverseOfSchemaId() {
        assertThat(WireFormat.schemaId(WireFormat.frame(0x01020304, new byte[0])))
                .isEqualTo(0x01020304);
        assertThat(WireFormat.frame(258, new byte[] {9})).containsExactly(0, 0, 0, 1, 2, 9);
    }
}
