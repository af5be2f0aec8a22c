package dev.archiver.format.avro;

import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * Encodes records straight into the file schema of an {@link AvroFormat}, without an intermediate
 * GenericRecord for the envelope: {@link AvroFormat#SCHEMA}, or, with a value schema, the same
 * fields with the typed value (and the raw bytes when the schema has {@code raw_value}).
 */
final class ArchiveRecordDatumWriter implements DatumWriter<ArchiveRecordDatumWriter.Row> {
    private static final Schema TIMESTAMP_TYPE =
            AvroFormat.SCHEMA.getField("timestampType").schema();

    /** A record and its value read with the value schema ({@code null} in mode raw). */
    record Row(ArchiveRecord record, GenericRecord typedValue) {}

    private final Schema fileSchema;
    private final GenericDatumWriter<GenericRecord> valueWriter;
    private final boolean rawValue;

    ArchiveRecordDatumWriter(Schema fileSchema, Optional<Schema> valueSchema) {
        this.fileSchema = fileSchema;
        this.valueWriter = valueSchema.map(GenericDatumWriter<GenericRecord>::new).orElse(null);
        this.rawValue = fileSchema.getField("raw_value") != null;
    }

    @Override
    public void setSchema(Schema schema) {
        if (!fileSchema.equals(schema)) {
            throw new IllegalArgumentException("only writes " + fileSchema.getFullName());
        }
    }

    @Override
    public void write(Row row, Encoder out) throws IOException {
        ArchiveRecord r = row.record();
        out.writeString(r.topic());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        out.writeLong(r.timestamp());
        out.writeEnum(TIMESTAMP_TYPE.getEnumOrdinal(r.timestampType().name()));
        writeNullableBytes(out, r.key());
        if (valueWriter == null) {
            writeNullableBytes(out, r.value());
        } else {
            if (row.typedValue() == null) {
                out.writeIndex(0);
                out.writeNull();
            } else {
                out.writeIndex(1);
                valueWriter.write(row.typedValue(), out);
            }
            if (rawValue) {
                writeNullableBytes(out, r.value());
            }
        }
        out.writeArrayStart();
        out.setItemCount(r.headers().size());
        for (RecordHeader h : r.headers()) {
            out.startItem();
            out.writeString(h.key());
            writeNullableBytes(out, h.value());
        }
        out.writeArrayEnd();
    }

    private static void writeNullableBytes(Encoder out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeIndex(0);
            out.writeNull();
        } else {
            out.writeIndex(1);
            out.writeBytes(ByteBuffer.wrap(bytes));
        }
    }
}
