package dev.archiver.format.avro;

import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import org.apache.avro.file.DataFileWriter;

final class AvroRecordWriter implements RecordWriter {
    private final DataFileWriter<ArchiveRecord> writer;
    private boolean closed;

    AvroRecordWriter(DataFileWriter<ArchiveRecord> writer) {
        this.writer = writer;
    }

    @Override
    public void write(ParsedRecord record) throws IOException {
        if (closed) {
            throw new IOException("avro writer is closed");
        }
        writer.append(record.record());
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }
}
