package dev.archiver.format.avro;

import static dev.archiver.format.FormatTestSupport.read;
import static dev.archiver.format.FormatTestSupport.record;
import static dev.archiver.format.FormatTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed-value modes of the avro format ({@code format.avro.value-schema}), read back with
 * Avro's own {@link DataFileReader}: typed fields with Avro's types and the values written.
 */
class AvroTypedValueTest {
    static final String SCHEMA =
            """
            {"type": "record", "name": "PageView", "namespace": "demo", "fields": [
              {"name": "user", "type": "string"},
              {"name": "country", "type": ["null", "string"]},
              {"name": "duration_ms", "type": "long"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                                  "precision": 9, "scale": 2}], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "kind", "type": {"type": "enum", "name": "Kind",
                                        "symbols": ["VIEW", "CLICK"]}, "default": "VIEW"}
            ]}
            """;

    @TempDir Path dir;

    private static FileFormat format(Map<String, String> settings) {
        Map<String, String> s = new HashMap<>();
        settings.forEach((k, v) -> s.put("format.avro." + k, v));
        return new AvroFormatProvider().create(Settings.of(s).withPrefix("format.avro."));
    }

    private static byte[] write(FileFormat format, List<ArchiveRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RecordWriter w = format.newWriter(out)) {
            for (ArchiveRecord r : records) {
                w.write(ParsedRecord.of(r, Instant.EPOCH));
            }
        }
        return out.toByteArray();
    }

    private static List<GenericRecord> avroRead(byte[] file) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(
                        new SeekableByteArrayInput(file),
                        new GenericDatumReader<>(null, null, model))) {
            for (GenericRecord r : reader) {
                rows.add(r);
            }
        }
        return rows;
    }

    @Test
    void avroToolsReadTypedFieldsWithTheirTypesAndTheRawBytes() throws IOException {
        FileFormat format = format(Map.of("value-schema", SCHEMA)).withCodec(StandardCodecs.ZSTD);
        assertThat(format.lossless()).isTrue();
        byte[] v0 =
                utf8(
                        "{\"user\":\"ü\",\"country\":\"ES\",\"duration_ms\":1500,"
                                + "\"at\":\"2026-11-24T21:05:00.250Z\",\"price\":\"12.30\","
                                + "\"tags\":[\"a\",\"b\"],\"kind\":\"CLICK\",\"extra\":1}");
        byte[] v1 = utf8("{\"user\":\"x\",\"country\":null,\"duration_ms\":-1,\"at\":7}");
        List<ArchiveRecord> records =
                List.of(
                        record(0, utf8("k"), v0, new RecordHeader("h", utf8("1"))),
                        record(1, null, v1),
                        record(2, utf8("tombstone"), null));
        byte[] file = write(format, records);

        List<GenericRecord> rows = avroRead(file);
        assertThat(rows).hasSize(3);
        Schema fileSchema = rows.get(0).getSchema();
        assertThat(fileSchema.getField("raw_value")).isNotNull();
        Schema value = fileSchema.getField("value").schema().getTypes().get(1);
        assertThat(value.getFullName()).isEqualTo("demo.PageView");
        assertThat(value.getField("at").schema().getLogicalType())
                .isEqualTo(LogicalTypes.timestampMillis());

        GenericRecord typed = (GenericRecord) rows.get(0).get("value");
        assertThat(typed.get("user")).isEqualTo(new Utf8("ü"));
        assertThat(typed.get("country")).isEqualTo(new Utf8("ES"));
        assertThat(typed.get("duration_ms")).isInstanceOf(Long.class).isEqualTo(1500L);
        assertThat(typed.get("at"))
                .isEqualTo(Instant.parse("2026-11-24T21:05:00.250Z").toEpochMilli());
        assertThat((BigDecimal) typed.get("price")).isEqualByComparingTo("12.30");
        assertThat(typed.get("tags")).asList().containsExactly(new Utf8("a"), new Utf8("b"));
        assertThat(typed.get("kind").toString()).isEqualTo("CLICK");
        assertThat(typed.getSchema().getField("extra")).isNull();
        assertThat(bytes(rows.get(0).get("raw_value"))).isEqualTo(v0);
        assertThat(rows.get(0).get("offset")).isEqualTo(0L);
        assertThat(rows.get(0).get("topic")).isEqualTo(new Utf8("events"));

        GenericRecord second = (GenericRecord) rows.get(1).get("value");
        assertThat(second.get("country")).isNull();
        assertThat(second.get("price")).isNull();
        assertThat(second.get("tags")).asList().isEmpty();
        assertThat(second.get("kind").toString()).isEqualTo("VIEW");
        assertThat(bytes(rows.get(1).get("raw_value"))).isEqualTo(v1);

        assertThat(rows.get(2).get("value")).isNull();
        assertThat(rows.get(2).get("raw_value")).isNull();

        assertThat(read(new AvroFormat(), file)).containsExactlyElementsOf(records);
    }

    @Test
    void avroBinaryValuesAreReadWithTheSchema() throws IOException {
        FileFormat format = format(Map.of("value-schema", SCHEMA, "value-encoding", "avro-binary"));
        Schema schema = new Schema.Parser().parse(SCHEMA);
        GenericRecord pv = new GenericData.Record(schema);
        pv.put("user", "u");
        pv.put("country", "FR");
        pv.put("duration_ms", 42L);
        pv.put("at", 1_000L);
        pv.put("price", null);
        pv.put("tags", List.of("t"));
        pv.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), "CLICK"));
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(encoded, null);
        new GenericDatumWriter<GenericRecord>(schema).write(pv, enc);
        enc.flush();
        byte[] value = encoded.toByteArray();
        List<ArchiveRecord> records = List.of(record(0, null, value));
        byte[] file = write(format, records);

        GenericRecord typed = (GenericRecord) avroRead(file).get(0).get("value");
        assertThat(typed.get("country")).isEqualTo(new Utf8("FR"));
        assertThat(typed.get("duration_ms")).isEqualTo(42L);
        assertThat(typed.get("kind").toString()).isEqualTo("CLICK");
        assertThat(read(new AvroFormat(), file)).containsExactlyElementsOf(records);
    }

    @Test
    void valuesThatDoNotFitAreRefusedBeforeAnyByteAndTheFileStaysValid() throws IOException {
        FileFormat format = format(Map.of("value-schema", SCHEMA, "value-columns", "typed"));
        assertThat(format.lossless()).isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<ArchiveRecord> good = new ArrayList<>();
        try (RecordWriter w = format.newWriter(out)) {
            for (int i = 0; i < 6; i++) {
                byte[] v =
                        switch (i % 3) {
                            case 0 -> utf8("{\"user\":\"u" + i + "\",\"duration_ms\":1,\"at\":0}");
                            case 1 -> utf8("not json {");
                            default -> utf8("{\"user\":\"u\",\"duration_ms\":\"slow\",\"at\":0}");
                        };
                ArchiveRecord r = record(i, null, v);
                if (i % 3 == 0) {
                    w.write(ParsedRecord.of(r, Instant.EPOCH));
                    good.add(r);
                } else {
                    assertThatThrownBy(() -> w.write(ParsedRecord.of(r, Instant.EPOCH)))
                            .isInstanceOf(RecordNotWritableException.class)
                            .hasMessageContaining(
                                    i % 3 == 1
                                            ? "value is not one JSON document"
                                            : "value does not fit schema demo.PageView:"
                                                    + " $.duration_ms: expected long, found a"
                                                    + " string");
                }
            }
        }
        List<GenericRecord> rows = avroRead(out.toByteArray());
        assertThat(rows).extracting(r -> r.get("offset")).containsExactly(0L, 3L);
        assertThat(rows)
                .extracting(r -> ((GenericRecord) r.get("value")).get("user").toString())
                .containsExactly("u0", "u3");
        assertThat(rows.get(0).getSchema().getField("raw_value")).isNull();
        assertThat(good).hasSize(2);
    }

    @Test
    void blockCodecKeepsTheMode() {
        FileFormat typed = format(Map.of("value-schema", SCHEMA, "value-columns", "typed"));
        AvroFormat zstd = (AvroFormat) typed.withCodec(StandardCodecs.ZSTD);
        assertThat(zstd.valueColumns()).isEqualTo(AvroFormat.ValueColumns.TYPED);
        assertThat(zstd.lossless()).isFalse();
        assertThat(zstd.toString()).contains("typed", "demo.PageView", "zstandard");
    }

    @Test
    void settings() throws IOException {
        assertThat(((AvroFormat) format(Map.of())).valueColumns())
                .isEqualTo(AvroFormat.ValueColumns.RAW);
        assertThat(((AvroFormat) format(Map.of())).fileSchema()).isEqualTo(AvroFormat.SCHEMA);
        Path file = dir.resolve("pv.avsc");
        Files.writeString(file, SCHEMA);
        AvroFormat fromFile = (AvroFormat) format(Map.of("value-schema-file", file.toString()));
        assertThat(fromFile.valueColumns()).isEqualTo(AvroFormat.ValueColumns.TYPED_AND_RAW);
        assertThat(fromFile.valueSchema().orElseThrow().schema().getFullName())
                .isEqualTo("demo.PageView");
        assertThat(fromFile.lossless()).isTrue();

        assertThatThrownBy(() -> format(Map.of("value-columns", "typed")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.avro.value-columns=typed needs a value schema")
                .hasMessageContaining("format.avro.value-schema");
        assertThatThrownBy(() -> format(Map.of("value-schema", SCHEMA, "value-columns", "some")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.avro.value-columns");
        assertThatThrownBy(() -> format(Map.of("value-schema", "{\"type\": \"string\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.avro.value-schema");
        assertThatThrownBy(
                        () ->
                                format(
                                        Map.of(
                                                "value-schema",
                                                "{\"type\":\"record\",\"name\":\"Header\","
                                                        + "\"namespace\":\"dev.archiver.avro\","
                                                        + "\"fields\":[]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.avro.value-schema")
                .hasMessageContaining("dev.archiver.avro.Header");
    }

    private static byte[] bytes(Object o) {
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
