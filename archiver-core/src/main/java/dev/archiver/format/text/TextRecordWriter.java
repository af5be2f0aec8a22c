package dev.archiver.format.text;

import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

final class TextRecordWriter implements RecordWriter {
    private final OutputStream out;
    private final byte[] delimiter;
    private boolean closed;

    TextRecordWriter(OutputStream out, byte[] delimiter) {
        // one per open file; the codec's stream behind it buffers again
        this.out = new BufferedOutputStream(out, 8 * 1024);
        this.delimiter = delimiter;
    }

    @Override
    public void write(ParsedRecord record) throws IOException {
        if (closed) {
            throw new IOException("text writer is closed");
        }
        byte[] value = record.record().value();
        if (value != null) {
            out.write(value);
        }
        out.write(delimiter);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
