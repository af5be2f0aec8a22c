package dev.archiver.format.avro;

import static java.util.Objects.requireNonNull;

import dev.archiver.codec.Codec;
import dev.archiver.codec.GzipCodec;
import dev.archiver.codec.ZstdCodec;
import dev.archiver.config.ConfigException;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;

/**
 * Avro object container files, one Avro record per Kafka record. Without a value schema the file
 * schema is {@link #SCHEMA}, the value being its bytes:
 *
 * <pre>{@code
 * record KafkaRecord (namespace dev.archiver.avro) {
 *   string topic; int partition; long offset; long timestamp;
 *   enum TimestampType {NO_TIMESTAMP, CREATE_TIME, LOG_APPEND_TIME} timestampType;
 *   union {null, bytes} key; union {null, bytes} value;
 *   array<record Header {string key; union {null, bytes} value;}> headers;
 * }
 * }</pre>
 *
 * <p>With a value schema ({@link #withValueSchema}, {@code format.avro.value-schema}) the value is
 * also, or only, an Avro record read with it ({@link ValueColumns}): the file schema is {@link
 * #SCHEMA} whose {@code value} is {@code union {null, <value schema>}}, followed in mode {@code
 * typed-and-raw} by {@code union {null, bytes} raw_value}, the value's exact bytes. A value that
 * does not fit the schema is refused with {@link dev.archiver.format.RecordNotWritableException}
 * before any of it is written. Lossless ({@link #lossless()}) in modes {@code raw} and {@code
 * typed-and-raw}. In mode {@code typed} a reader of a format configured so, or a {@linkplain
 * #newDisplayReader display reader}, gets each value back as the JSON text of its typed record;
 * readers of the lossless modes (and so {@code verify} and {@code restore}) refuse such files with
 * an {@link IOException} that says why.
 *
 * <p>The format compresses internally: the job's {@code codec} becomes the container's block codec
 * ({@code none} → {@code null}, {@code gzip} → {@code deflate} at the gzip codec's level, {@code
 * snappy} → {@code snappy}, {@code zstd} → {@code zstandard} at the zstd codec's level; Avro has no
 * lz4, so {@code lz4} is refused), and objects are plain {@code .avro} files that Avro's own tools
 * ({@code DataFileReader}, avro-tools, fastavro, Spark, DuckDB's avro extension) open as they are.
 * The reader resolves the file's schema against the schema of its mode and reads every block codec
 * the format writes; archives of versions before 0.2 ({@code .avro.zst} and the like: a container
 * without block compression inside an outer codec) stay readable by the tools, which take the outer
 * codec from the file name.
 *
 * @since 0.1
 */
public final class AvroFormat implements FileFormat {
    /** Where the record value goes: the same modes as the parquet format's. */
    public enum ValueColumns {
        /** The value's bytes in {@code value}; lossless. */
        RAW,
        /** The value as a record of the value schema in {@code value}; not lossless. */
        TYPED,
        /** The typed record in {@code value} and the bytes in {@code raw_value}; lossless. */
        TYPED_AND_RAW
    }

    private static final List<String> ACCEPTED = List.of("none", "gzip", "snappy", "zstd");
    private static final String NAMESPACE = "dev.archiver.avro";

    /** The schema of every file this format writes. */
    public static final Schema SCHEMA =
            new Schema.Parser()
                    .parse(
                            """
                    {"type": "record", "name": "KafkaRecord", "namespace": "dev.archiver.avro",
                     "doc": "One Kafka record, archived by Kafka Archiver",
                     "fields": [
                       {"name": "topic", "type": "string"},
                       {"name": "partition", "type": "int"},
                       {"name": "offset", "type": "long"},
                       {"name": "timestamp", "type": "long", "doc": "epoch milliseconds, -1 when none"},
                       {"name": "timestampType", "type": {"type": "enum", "name": "TimestampType",
                         "symbols": ["NO_TIMESTAMP", "CREATE_TIME", "LOG_APPEND_TIME"]}},
                       {"name": "key", "type": ["null", "bytes"]},
                       {"name": "value", "type": ["null", "bytes"]},
                       {"name": "headers", "type": {"type": "array", "items": {
                         "type": "record", "name": "Header", "fields": [
                           {"name": "key", "type": "string"},
                           {"name": "value", "type": ["null", "bytes"]}]}}}
                     ]}
                    """);

    private final CodecFactory blockCodec;
    private final String description;
    private final ValueColumns valueColumns;
    private final Optional<ValueSchema> valueSchema;
    private final Schema fileSchema;

    /**
     * The format without block compression (container codec {@code null}), the value as bytes (mode
     * {@code raw}).
     */
    public AvroFormat() {
        this(CodecFactory.nullCodec(), "null", ValueColumns.RAW, Optional.empty(), SCHEMA);
    }

    private AvroFormat(
            CodecFactory blockCodec,
            String description,
            ValueColumns valueColumns,
            Optional<ValueSchema> valueSchema,
            Schema fileSchema) {
        this.blockCodec = blockCodec;
        this.description = description;
        this.valueColumns = valueColumns;
        this.valueSchema = valueSchema;
        this.fileSchema = fileSchema;
    }

    /**
     * The format without block compression, the value read with {@code valueSchema} and written as
     * {@code columns} say.
     *
     * @throws IllegalArgumentException when {@code columns} is {@link ValueColumns#RAW} (use {@link
     *     #AvroFormat()}), or the value schema defines a name of the file's own schema ({@code
     *     dev.archiver.avro.KafkaRecord}, {@code .Header}, {@code .TimestampType})
     */
    public static AvroFormat withValueSchema(ValueSchema valueSchema, ValueColumns columns) {
        requireNonNull(valueSchema, "valueSchema is null");
        requireNonNull(columns, "columns is null");
        if (columns == ValueColumns.RAW) {
            throw new IllegalArgumentException("value columns raw take no value schema");
        }
        return new AvroFormat(
                CodecFactory.nullCodec(),
                "null",
                columns,
                Optional.of(valueSchema),
                fileSchema(valueSchema.schema(), columns));
    }

    private static Schema fileSchema(Schema value, ValueColumns columns) {
        Set<String> defined = namedTypes(value, new HashSet<>());
        for (String own : List.of("KafkaRecord", "Header", "TimestampType")) {
            if (defined.contains(NAMESPACE + "." + own)) {
                throw new IllegalArgumentException(
                        "the value schema defines "
                                + NAMESPACE
                                + "."
                                + own
                                + ", a name of the file's own schema");
            }
        }
        Schema nullableBytes = SCHEMA.getField("key").schema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : SCHEMA.getFields()) {
            if (f.name().equals("value")) {
                fields.add(
                        new Schema.Field(
                                "value",
                                Schema.createUnion(Schema.create(Schema.Type.NULL), value),
                                "the value as a record of the value schema; null for a null"
                                        + " value"));
                if (columns == ValueColumns.TYPED_AND_RAW) {
                    fields.add(
                            new Schema.Field(
                                    "raw_value", nullableBytes, "the value's exact bytes"));
                }
            } else {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(
                "KafkaRecord", SCHEMA.getDoc(), NAMESPACE, false, List.copyOf(fields));
    }

    private static Set<String> namedTypes(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> namedTypes(f.schema(), seen));
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
        return "avro";
    }

    @Override
    public boolean compressesInternally() {
        return true;
    }

    /**
     * This format with the block codec that matches {@code codec}: {@code none}, {@code gzip}
     * (deflate, at the level of a {@link GzipCodec}), {@code snappy} or {@code zstd} (zstandard, at
     * the level of a {@link ZstdCodec}).
     *
     * @throws ConfigException for any other codec, such as {@code lz4}
     */
    @Override
    public FileFormat withCodec(Codec codec) {
        requireNonNull(codec, "codec is null");
        switch (codec.name()) {
            case "none":
                return withBlockCodec(CodecFactory.nullCodec(), "null");
            case "gzip":
                int deflate =
                        codec instanceof GzipCodec g
                                ? g.level()
                                : CodecFactory.DEFAULT_DEFLATE_LEVEL;
                return withBlockCodec(
                        CodecFactory.deflateCodec(deflate), "deflate(level=" + deflate + ")");
            case "snappy":
                return withBlockCodec(CodecFactory.snappyCodec(), "snappy");
            case "zstd":
                int zstd = codec instanceof ZstdCodec z ? z.level() : ZstdCodec.DEFAULT_LEVEL;
                return withBlockCodec(
                        CodecFactory.zstandardCodec(zstd, false, true),
                        "zstandard(level=" + zstd + ")");
            default:
                throw new ConfigException(
                        "Invalid value '"
                                + codec.name()
                                + "' for codec: format avro compresses its blocks with Avro's own"
                                + " codecs; accepted values are "
                                + String.join(", ", ACCEPTED)
                                + " (Avro has no "
                                + codec.name()
                                + ")");
        }
    }

    private AvroFormat withBlockCodec(CodecFactory codec, String codecDescription) {
        return new AvroFormat(codec, codecDescription, valueColumns, valueSchema, fileSchema);
    }

    @Override
    public String extension() {
        return ".avro";
    }

    /** Avro's writer draws each file's 16-byte sync marker at random. */
    @Override
    public boolean writesUniqueFiles() {
        return true;
    }

    @Override
    public boolean lossless() {
        return valueColumns != ValueColumns.TYPED;
    }

    public ValueColumns valueColumns() {
        return valueColumns;
    }

    public Optional<ValueSchema> valueSchema() {
        return valueSchema;
    }

    /** The schema of the files this format writes: {@link #SCHEMA} in mode {@code raw}. */
    public Schema fileSchema() {
        return fileSchema;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        DataFileWriter<ArchiveRecordDatumWriter.Row> writer =
                new DataFileWriter<>(
                        new ArchiveRecordDatumWriter(
                                fileSchema, valueSchema.map(ValueSchema::schema)));
        writer.setCodec(blockCodec);
        // the default flushes the stream after every block; close() is enough for us
        writer.setFlushOnEveryBlock(false);
        try {
            writer.create(fileSchema, out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        return new AvroRecordWriter(writer, valueSchema);
    }

    @Override
    public RecordReader newReader(InputStream in) throws IOException {
        return AvroRecordReader.open(
                requireNonNull(in, "in is null"), valueColumns == ValueColumns.TYPED);
    }

    /** A reader of files in any mode; typed-only values come back as their JSON text. */
    @Override
    public RecordReader newDisplayReader(InputStream in) throws IOException {
        return AvroRecordReader.open(requireNonNull(in, "in is null"), true);
    }

    @Override
    public String toString() {
        String value =
                valueSchema
                        .map(
                                v ->
                                        valueColumns
                                                        .name()
                                                        .toLowerCase(Locale.ROOT)
                                                        .replace('_', '-')
                                                + " "
                                                + v
                                                + ", ")
                        .orElse("");
        return "avro(" + value + "block-codec=" + description + ")";
    }
}
