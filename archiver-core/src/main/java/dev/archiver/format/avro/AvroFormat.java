package dev.archiver.format.avro;

import static java.util.Objects.requireNonNull;

import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * <p>The container's own compression is always {@code null}: the engine applies the configured
 * codec around the whole file. Files are readable by any Avro tool; the reader resolves the file's
 * schema against {@link #SCHEMA}.
 *
 * @since 0.1
 */
public final class AvroFormat implements FileFormat {
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

    @Override
    public String name() {
        return "avro";
    }

    @Override
    public String extension() {
        return ".avro";
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
        writer.setCodec(CodecFactory.nullCodec());
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
        return "avro";
    }
}
