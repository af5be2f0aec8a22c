package dev.archiver.format.avro;

import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * Encodes records straight into {@link AvroFormat#SCHEMA}, without an intermediate GenericRecord.
 */
final class ArchiveRecordDatumWriter implements DatumWriter<ArchiveRecord> {
    private static final Schema TIMESTAMP_TYPE =
            AvroFormat.SCHEMA.getField("timestampType").schema();

    @Override
    public void setSchema(Schema schema) {
        if (!AvroFormat.SCHEMA.equals(schema)) {
            throw new IllegalArgumentException("only writes " + AvroFormat.SCHEMA.getFullName());
        }
    }

    @Override
    public void write(ArchiveRecord r, Encoder out) throws IOException {
        out.writeString(r.topic());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        out.writeLong(r.timestamp());
        out.writeEnum(TIMESTAMP_TYPE.getEnumOrdinal(r.timestampType().name()));
        writeNullableBytes(out, r.key());
        writeNullableBytes(out, r.value());
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
