package dev.archiver.format.avro;

import dev.archiver.format.RecordNotWritableException;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.util.Optional;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericRecord;

final class AvroRecordWriter implements RecordWriter {
    private final DataFileWriter<ArchiveRecordDatumWriter.Row> writer;
    private final ValueSchema valueSchema;
    private boolean closed;

    AvroRecordWriter(
            DataFileWriter<ArchiveRecordDatumWriter.Row> writer,
            Optional<ValueSchema> valueSchema) {
        this.writer = writer;
        this.valueSchema = valueSchema.orElse(null);
    }

    @Override
    public void write(ParsedRecord record) throws IOException {
        if (closed) {
            throw new IOException("avro writer is closed");
        }
        ArchiveRecord r = record.record();
        // throws RecordNotWritableException before anything of this record is written
        GenericRecord typed =
                valueSchema == null || r.value() == null ? null : valueSchema.decode(r.value());
        try {
            writer.append(new ArchiveRecordDatumWriter.Row(r, typed));
        } catch (DataFileWriter.AppendWriteException e) {
            // the writer has dropped the partly encoded record: the file stays valid
            if (typed != null && e.getCause() instanceof RuntimeException) {
                throw new RecordNotWritableException(
                        "value cannot be written with schema "
                                + valueSchema.schema().getFullName()
                                + " ("
                                + e.getCause().getClass().getSimpleName()
                                + ")",
                        e.getCause());
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }
}
