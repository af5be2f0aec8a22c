package dev.archiver.format.parquet;

import static java.util.Objects.requireNonNull;

import dev.archiver.codec.Codec;
import dev.archiver.config.ConfigException;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.format.avro.ValueSchema;
import dev.archiver.registry.RegistryAvroDecoder;
import dev.archiver.registry.SchemaSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Apache Parquet files: one row per Kafka record, the envelope as columns and the value as raw
 * bytes, typed columns read with a configured {@link ValueSchema}, or both. Columns:
 *
 * <pre>
 * topic           string
 * partition       int32
 * offset          int64
 * timestamp       timestamp(millis, UTC), null when the record has none (-1)
 * timestamp_type  string: NO_TIMESTAMP, CREATE_TIME or LOG_APPEND_TIME
 * key             binary, nullable
 * headers         list of struct {key string, value binary nullable}
 * value           struct of the value schema's fields, nullable   (modes typed, typed-and-raw)
 * raw_value       binary, nullable: the value's exact bytes       (modes raw, typed-and-raw)
 * </pre>
 *
 * <p>Lossless ({@link #lossless()}) in modes {@code raw} and {@code typed-and-raw}. In mode {@code
 * typed} a reader of a format configured so gets the value back as the JSON text of the typed
 * record; readers of the lossless modes (and so {@code verify} and {@code restore}) refuse such
 * files with an {@link IOException} that says why.
 *
 * <p>Compression is Parquet's own page codec, never an outer {@code codec}. Rows are spooled in
 * Avro's binary encoding to a local scratch file while a file is open, and the Parquet file is
 * written when the writer is closed: an open file costs a small buffer of heap, whatever the row
 * group size; one row group at a time is in memory while a file is being finished.
 *
 * @since 0.2
 */
public final class ParquetFormat implements FileFormat {
    /** Which columns hold the record value. */
    public enum ValueColumns {
        /** The value's bytes in {@code raw_value}; lossless. */
        RAW,
        /** The value as typed columns under {@code value}; not lossless. */
        TYPED,
        /** Both; lossless. */
        TYPED_AND_RAW
    }

    /** Parquet's page codecs offered by {@code format.parquet.compression}. */
    public enum Compression {
        NONE(CompressionCodecName.UNCOMPRESSED),
        SNAPPY(CompressionCodecName.SNAPPY),
        GZIP(CompressionCodecName.GZIP),
        ZSTD(CompressionCodecName.ZSTD);

        final CompressionCodecName codec;

        Compression(CompressionCodecName codec) {
            this.codec = codec;
        }
    }

    static final String NAMESPACE = "dev.archiver.parquet";

    private final ValueColumns valueColumns;
    private final Optional<ValueSchema> valueSchema;
    private final Optional<RegistryAvroDecoder> registry;
    private final boolean typedKeys;
    private final Compression compression;
    private final long rowGroupSize;
    private final int pageSize;
    private final Schema fileSchema;

    private ParquetFormat(Builder b) {
        this.valueColumns = requireNonNull(b.valueColumns, "valueColumns is null");
        this.valueSchema = requireNonNull(b.valueSchema, "valueSchema is null");
        this.registry = b.schemaSource.map(RegistryAvroDecoder::new);
        this.typedKeys = b.typedKeys;
        if (typedKeys && registry.isEmpty()) {
            throw new IllegalArgumentException("typed keys need a schema source");
        }
        this.compression = requireNonNull(b.compression, "compression is null");
        this.rowGroupSize = b.rowGroupSize;
        this.pageSize = b.pageSize;
        if (registry.isPresent()) {
            if (valueSchema.isPresent() || valueColumns == ValueColumns.RAW) {
                throw new IllegalArgumentException(
                        "a schema source takes the place of a value schema, for typed columns");
            }
        } else if (valueColumns != ValueColumns.RAW && valueSchema.isEmpty()) {
            throw new IllegalArgumentException(
                    "value columns " + valueColumns + " need a value schema");
        }
        if (rowGroupSize < 1024 || pageSize < 1024) {
            throw new IllegalArgumentException("row group and page sizes must be at least 1KB");
        }
        this.fileSchema =
                registry.isPresent()
                        ? spoolSchema()
                        : fileSchema(valueColumns, valueSchema.map(ValueSchema::schema));
    }

    /**
     * With a schema source, the rows of an open file are spooled with the value's wire-format bytes
     * and its schema id; the file's columns are decided when it is closed, from the writer schemas
     * of its values.
     */
    private static Schema spoolSchema() {
        Schema raw = fileSchema(ValueColumns.RAW, Optional.empty());
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : raw.getFields()) {
            fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
        }
        for (String id : List.of("value_schema_id", "key_schema_id")) {
            fields.add(
                    new Schema.Field(
                            id,
                            Schema.createUnion(
                                    Schema.create(Schema.Type.NULL),
                                    Schema.create(Schema.Type.INT)),
                            null,
                            null));
        }
        return Schema.createRecord("SpooledRecord", null, NAMESPACE, false, fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Avro schema of the rows of this format's files (Parquet's columns are derived from it).
     */
    static Schema fileSchema(ValueColumns columns, Optional<Schema> value) {
        return fileSchema(columns, value, Optional.empty());
    }

    /**
     * The Avro schema of the rows, with a {@code typed_key} column of {@code typedKey} when
     * present; with {@code columns} other than raw and no {@code value}, without a {@code value}
     * column.
     */
    static Schema fileSchema(
            ValueColumns columns, Optional<Schema> value, Optional<Schema> typedKey) {
        Schema bytes = Schema.create(Schema.Type.BYTES);
        Schema nullableBytes = Schema.createUnion(Schema.create(Schema.Type.NULL), bytes);
        Schema timestamp =
                LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema header =
                Schema.createRecord(
                        "Header",
                        null,
                        NAMESPACE,
                        false,
                        List.of(
                                new Schema.Field("key", Schema.create(Schema.Type.STRING)),
                                new Schema.Field("value", nullableBytes)));
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("topic", Schema.create(Schema.Type.STRING)));
        fields.add(new Schema.Field("partition", Schema.create(Schema.Type.INT)));
        fields.add(new Schema.Field("offset", Schema.create(Schema.Type.LONG)));
        fields.add(
                new Schema.Field(
                        "timestamp",
                        Schema.createUnion(Schema.create(Schema.Type.NULL), timestamp),
                        "null when the record has no timestamp"));
        fields.add(new Schema.Field("timestamp_type", Schema.create(Schema.Type.STRING)));
        fields.add(new Schema.Field("key", nullableBytes));
        typedKey.ifPresent(
                k ->
                        fields.add(
                                new Schema.Field(
                                        "typed_key",
                                        k.getType() == Schema.Type.UNION
                                                ? k
                                                : Schema.createUnion(
                                                        Schema.create(Schema.Type.NULL), k),
                                        "the key as typed fields; null for a null key")));
        fields.add(new Schema.Field("headers", Schema.createArray(header)));
        if (columns != ValueColumns.RAW && value.isPresent()) {
            fields.add(
                    new Schema.Field(
                            "value",
                            Schema.createUnion(
                                    Schema.create(Schema.Type.NULL), value.orElseThrow()),
                            "the value as typed fields; null for a null value"));
        }
        if (columns != ValueColumns.TYPED) {
            fields.add(new Schema.Field("raw_value", nullableBytes, "the value's exact bytes"));
        }
        for (Optional<Schema> typed : List.of(value, typedKey)) {
            if (typed.isEmpty()) {
                continue;
            }
            for (String reserved : List.of(NAMESPACE + ".KafkaRecord", NAMESPACE + ".Header")) {
                if (namedTypes(typed.get(), new java.util.HashSet<>()).contains(reserved)) {
                    throw new ConfigException(
                            "The value schema cannot be used with parquet: it defines "
                                    + reserved
                                    + ", a name of the file's own schema");
                }
            }
        }
        return Schema.createRecord("KafkaRecord", "One Kafka record", NAMESPACE, false, fields);
    }

    private static java.util.Set<String> namedTypes(Schema schema, java.util.Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    for (Schema.Field f : schema.getFields()) {
                        namedTypes(f.schema(), seen);
                    }
                }
            }
            case ENUM, FIXED -> seen.add(schema.getFullName());
            case ARRAY -> namedTypes(schema.getElementType(), seen);
            case MAP -> namedTypes(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(t -> namedTypes(t, seen));
            default -> {}
        }
        return seen;
    }

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    public String extension() {
        return ".parquet";
    }

    /** Random footer metadata ({@code archiver.nonce}). */
    @Override
    public boolean writesUniqueFiles() {
        return true;
    }

    @Override
    public boolean lossless() {
        return valueColumns != ValueColumns.TYPED;
    }

    @Override
    public boolean compressesInternally() {
        return true;
    }

    @Override
    public FileFormat withCodec(Codec codec) {
        if (codec.name().equals("none")) {
            return this;
        }
        throw new ConfigException(
                "Invalid value '"
                        + codec.name()
                        + "' for codec: parquet compresses its pages itself; set codec=none and"
                        + " format.parquet.compression (snappy, zstd, gzip or none) instead");
    }

    public ValueColumns valueColumns() {
        return valueColumns;
    }

    public Optional<ValueSchema> valueSchema() {
        return valueSchema;
    }

    /** Whether keys in the wire format become a {@code typed_key} column (with a schema source). */
    public boolean typedKeys() {
        return typedKeys;
    }

    /** The decoder of wire-format values, when the typed columns come from a schema source. */
    public Optional<RegistryAvroDecoder> registry() {
        return registry;
    }

    public Compression compression() {
        return compression;
    }

    public long rowGroupSize() {
        return rowGroupSize;
    }

    public int pageSize() {
        return pageSize;
    }

    Schema fileSchema() {
        return fileSchema;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) throws IOException {
        return newWriter(out, Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Override
    public RecordWriter newWriter(OutputStream out, Path scratchDirectory) throws IOException {
        requireNonNull(out, "out is null");
        requireNonNull(scratchDirectory, "scratchDirectory is null");
        return new ParquetRecordWriter(this, out, scratchDirectory);
    }

    @Override
    public RecordReader newReader(InputStream in) throws IOException {
        return ParquetRecordReader.open(
                requireNonNull(in, "in is null"), valueColumns == ValueColumns.TYPED);
    }

    /** A reader of files in any mode; typed-only values come back as their JSON text. */
    @Override
    public RecordReader newDisplayReader(InputStream in) throws IOException {
        return ParquetRecordReader.open(requireNonNull(in, "in is null"), true);
    }

    @Override
    public String toString() {
        return "parquet("
                + valueColumns.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + registry.map(r -> ", values from " + r.source()).orElse("")
                + ", "
                + compression.name().toLowerCase(java.util.Locale.ROOT)
                + ")";
    }

    /** Builds a {@link ParquetFormat}; defaults are those of {@link ParquetFormatProvider}. */
    public static final class Builder {
        private ValueColumns valueColumns = ValueColumns.RAW;
        private Optional<ValueSchema> valueSchema = Optional.empty();
        private Optional<SchemaSource> schemaSource = Optional.empty();
        private boolean typedKeys;
        private Compression compression = Compression.SNAPPY;
        private long rowGroupSize = ParquetFormatProvider.DEFAULT_ROW_GROUP_SIZE;
        private int pageSize = ParquetFormatProvider.DEFAULT_PAGE_SIZE;

        private Builder() {}

        public Builder valueColumns(ValueColumns valueColumns) {
            this.valueColumns = valueColumns;
            return this;
        }

        public Builder valueSchema(ValueSchema valueSchema) {
            this.valueSchema = Optional.of(valueSchema);
            return this;
        }

        /**
         * Values are in the Confluent wire format; each is read with its writer schema from {@code
         * source}, and a file's typed columns are the union of the writer schemas of its values.
         */
        public Builder schemaSource(SchemaSource source) {
            this.schemaSource = Optional.of(source);
            return this;
        }

        /**
         * Keys are in the wire format too and become a {@code typed_key} column (the union of their
         * schemas), next to {@code key}, which keeps their bytes. Needs a schema source.
         */
        public Builder typedKeys(boolean typedKeys) {
            this.typedKeys = typedKeys;
            return this;
        }

        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        public Builder rowGroupSize(long bytes) {
            this.rowGroupSize = bytes;
            return this;
        }

        public Builder pageSize(int bytes) {
            this.pageSize = bytes;
            return this;
        }

        public ParquetFormat build() {
            return new ParquetFormat(this);
        }
    }
}
