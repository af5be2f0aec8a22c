package dev.archiver.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.archiver.format.jsonl.JsonlRecords;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes dead-letter files: the {@code jsonl} layout (lossless, readable by the jsonl reader) with
 * an extra {@code error} field per line.
 */
final class DeadLetterWriter implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final JsonGenerator generator;
    private boolean closed;

    DeadLetterWriter(OutputStream out) throws IOException {
        this.generator = JSON.createGenerator(out, JsonEncoding.UTF8);
        generator.setRootValueSeparator(null);
    }

    void write(ArchiveRecord record, String error) throws IOException {
        JsonlRecords.write(generator, record, error);
        generator.writeRaw('\n');
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            generator.close();
        }
    }
}
