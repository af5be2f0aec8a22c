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
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;

/**
 * Avro object container files, lossless, with one fixed schema for Kafka records ({@link #SCHEMA}):
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
 * <p>The format compresses internally: the job's {@code codec} becomes the container's block codec
 * ({@code none} → {@code null}, {@code gzip} → {@code deflate} at the gzip codec's level, {@code
 * snappy} → {@code snappy}, {@code zstd} → {@code zstandard} at the zstd codec's level; Avro has no
 * lz4, so {@code lz4} is refused), and objects are plain {@code .avro} files that Avro's own tools
 * ({@code DataFileReader}, avro-tools, fastavro, Spark, DuckDB's avro extension) open as they are.
 * The reader resolves the file's schema against {@link #SCHEMA} and reads every block codec the
 * format writes; archives of versions before 0.2 ({@code .avro.zst} and the like: a container
 * without block compression inside an outer codec) stay readable by the tools, which take the outer
 * codec from the file name.
 *
 * @since 0.1
 */
public final class AvroFormat implements FileFormat {
    private static final List<String> ACCEPTED = List.of("none", "gzip", "snappy", "zstd");

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

    /** The format without block compression (container codec {@code null}). */
    public AvroFormat() {
        this(CodecFactory.nullCodec(), "null");
    }

    private AvroFormat(CodecFactory blockCodec, String description) {
        this.blockCodec = blockCodec;
        this.description = description;
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
                return new AvroFormat(CodecFactory.nullCodec(), "null");
            case "gzip":
                int deflate =
                        codec instanceof GzipCodec g
                                ? g.level()
                                : CodecFactory.DEFAULT_DEFLATE_LEVEL;
                return new AvroFormat(
                        CodecFactory.deflateCodec(deflate), "deflate(level=" + deflate + ")");
            case "snappy":
                return new AvroFormat(CodecFactory.snappyCodec(), "snappy");
            case "zstd":
                int zstd = codec instanceof ZstdCodec z ? z.level() : ZstdCodec.DEFAULT_LEVEL;
                return new AvroFormat(
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
        return true;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        DataFileWriter<dev.archiver.record.ArchiveRecord> writer =
                new DataFileWriter<>(new ArchiveRecordDatumWriter());
        writer.setCodec(blockCodec);
        // the default flushes the stream after every block; close() is enough for us
        writer.setFlushOnEveryBlock(false);
        try {
            writer.create(SCHEMA, out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        return new AvroRecordWriter(writer);
    }

    @Override
    public RecordReader newReader(InputStream in) throws IOException {
        return AvroRecordReader.open(requireNonNull(in, "in is null"));
    }

    @Override
    public String toString() {
        return "avro(block-codec=" + description + ")";
    }
}
