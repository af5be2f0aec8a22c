package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parquet format with a schema source, below the engine. */
class ParquetRegistryFormatTest {
    @TempDir Path scratch;

    private static FileFormat format(TestSchemaRegistry registry, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        m.put("format.parquet.schema-source", "confluent");
        m.put("format.parquet.schema-source.confluent.url", registry.url().toString());
        return new ParquetFormatProvider().create(Settings.of(m).withPrefix("format.parquet."));
    }

    private static ArchiveRecord record(long offset, byte[] value) {
        return new ArchiveRecord(
                "orders",
                0,
                offset,
                1_000L + offset,
                TimestampType.CREATE_TIME,
                null,
                value,
                List.of());
    }

    @Test
    void anIncompatibleSchemaIsNotWritableAndTheFileStaysValid() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            int v1 = RegistryOrders.register(registry.url(), "orders-value", RegistryOrders.V1);
            int v2 = RegistryOrders.register(registry.url(), "orders-value", RegistryOrders.V2);
            int bad =
                    RegistryOrders.register(
                            registry.url(), "orders-other", RegistryOrders.INCOMPATIBLE);
            FileFormat format = format(registry, Map.of());
            assertThat(format.lossless()).isTrue();
            List<ArchiveRecord> written = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (RecordWriter w = format.newWriter(out, scratch)) {
                for (long i = 0; i < 10; i++) {
                    ArchiveRecord r =
                            record(
                                    i,
                                    RegistryOrders.serialize(
                                            i < 5 ? v1 : v2,
                                            RegistryOrders.order(
                                                    i < 5 ? RegistryOrders.V1 : RegistryOrders.V2,
                                                    i,
                                                    "c",
                                                    i,
                                                    i)));
                    w.write(ParsedRecord.of(r, Instant.EPOCH));
                    written.add(r);
                    if (i == 7) {
                        ArchiveRecord incompatible =
                                record(
                                        99,
                                        RegistryOrders.serialize(
                                                bad,
                                                RegistryOrders.order(
                                                        RegistryOrders.INCOMPATIBLE,
                                                        1,
                                                        "c",
                                                        1,
                                                        1)));
                        assertThatThrownBy(
                                        () -> w.write(ParsedRecord.of(incompatible, Instant.EPOCH)))
                                .isInstanceOf(RecordNotWritableException.class)
                                .hasMessageContaining(
                                        "incompatible with the schema of the open file");
                    }
                }
                ArchiveRecord tombstone = record(10, null);
                w.write(ParsedRecord.of(tombstone, Instant.EPOCH));
                written.add(tombstone);
            }
            List<ArchiveRecord> read = new ArrayList<>();
            try (RecordReader r = format.newReader(new ByteArrayInputStream(out.toByteArray()))) {
                ArchiveRecord next;
                while ((next = r.read()) != null) {
                    read.add(next);
                }
            }
            assertThat(read).containsExactlyElementsOf(written);
            try (var files = Files.list(scratch)) {
                assertThat(files).as("scratch files deleted").isEmpty();
            }
        }
    }

    @Test
    void typedKeysBecomeATypedKeyColumnNextToTheKeyBytes() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            org.apache.avro.Schema keySchema =
                    new org.apache.avro.Schema.Parser()
                            .parse(
                                    "{\"type\":\"record\",\"name\":\"OrderKey\",\"fields\":"
                                            + "[{\"name\":\"region\",\"type\":\"string\"},"
                                            + "{\"name\":\"n\",\"type\":\"long\"}]}");
            int k = RegistryOrders.register(registry.url(), "orders-key", keySchema);
            int v1 = RegistryOrders.register(registry.url(), "orders-value", RegistryOrders.V1);
            FileFormat format = format(registry, Map.of("format.parquet.typed-keys", "true"));
            List<ArchiveRecord> written = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (RecordWriter w = format.newWriter(out, scratch)) {
                for (long i = 0; i < 6; i++) {
                    org.apache.avro.generic.GenericData.Record key =
                            new org.apache.avro.generic.GenericData.Record(keySchema);
                    key.put("region", "r" + i % 2);
                    key.put("n", i);
                    ArchiveRecord r =
                            new ArchiveRecord(
                                    "orders",
                                    0,
                                    i,
                                    1_000L + i,
                                    TimestampType.CREATE_TIME,
                                    i == 5 ? null : RegistryOrders.serialize(k, key),
                                    RegistryOrders.serialize(
                                            v1,
                                            RegistryOrders.order(RegistryOrders.V1, i, "c", i, i)),
                                    List.of());
                    w.write(ParsedRecord.of(r, Instant.EPOCH));
                    written.add(r);
                }
                ArchiveRecord plainKey =
                        new ArchiveRecord(
                                "orders",
                                0,
                                9,
                                1L,
                                TimestampType.CREATE_TIME,
                                "plain".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                null,
                                List.of());
                assertThatThrownBy(() -> w.write(ParsedRecord.of(plainKey, Instant.EPOCH)))
                        .isInstanceOf(RecordNotWritableException.class)
                        .hasMessageContaining("wire format");
            }
            List<ArchiveRecord> read = new ArrayList<>();
            try (RecordReader r = format.newReader(new ByteArrayInputStream(out.toByteArray()))) {
                ArchiveRecord next;
                while ((next = r.read()) != null) {
                    read.add(next);
                }
            }
            assertThat(read).containsExactlyElementsOf(written);
            Path file = scratch.resolve("keys.parquet");
            Files.write(file, out.toByteArray());
            try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                    java.sql.Statement st = db.createStatement();
                    java.sql.ResultSet rs =
                            st.executeQuery(
                                    "select typed_key.region, typed_key.n, value.id from"
                                            + " read_parquet('"
                                            + file
                                            + "') order by \"offset\"")) {
                for (long i = 0; i < 6; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(i == 5 ? null : "r" + i % 2);
                    assertThat(rs.getObject(2)).isEqualTo(i == 5 ? null : i);
                    assertThat(rs.getLong(3)).isEqualTo(i);
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void configurationErrorsNameTheKeys() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start()) {
            assertThatThrownBy(
                            () ->
                                    format(
                                            registry,
                                            Map.of(
                                                    "format.parquet.value-schema",
                                                    RegistryOrders.V1.toString())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("format.parquet.schema-source")
                    .hasMessageContaining("format.parquet.value-schema");
            assertThatThrownBy(
                            () -> format(registry, Map.of("format.parquet.value-columns", "raw")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("typed, typed-and-raw");
            assertThatThrownBy(
                            () ->
                                    new ParquetFormatProvider()
                                            .create(
                                                    Settings.of(
                                                                    Map.of(
                                                                            "format.parquet.schema-source",
                                                                            "nope"))
                                                            .withPrefix("format.parquet.")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("format.parquet.schema-source")
                    .hasMessageContaining("confluent");
            assertThatThrownBy(
                            () ->
                                    new ParquetFormatProvider()
                                            .create(
                                                    Settings.of(
                                                                    Map.of(
                                                                            "format.parquet.schema-source",
                                                                            "confluent"))
                                                            .withPrefix("format.parquet.")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("format.parquet.schema-source.confluent.url");
            assertThatThrownBy(
                            () ->
                                    new ParquetFormatProvider()
                                            .create(
                                                    Settings.of(
                                                                    Map.of(
                                                                            "format.parquet.typed-keys",
                                                                            "true"))
                                                            .withPrefix("format.parquet.")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("format.parquet.typed-keys")
                    .hasMessageContaining("format.parquet.schema-source");
            assertThat(format(registry, Map.of("format.parquet.value-columns", "typed")).lossless())
                    .isFalse();
        }
    }
}
