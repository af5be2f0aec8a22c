package dev.archiver.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.archiver.format.jsonl.JsonlRecords;
import dev.archiver.format.jsonl.WhitespaceNonce;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes dead-letter files: the {@code jsonl} layout (lossless, readable by the jsonl reader) with
 * an extra {@code error} field per line, and the format's {@link WhitespaceNonce} at the end.
 */
final class DeadLetterWriter implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final JsonGenerator generator;
    private boolean lineOpen;
    private boolean closed;

    DeadLetterWriter(OutputStream out) throws IOException {
        this.generator = JSON.createGenerator(out, JsonEncoding.UTF8);
        generator.setRootValueSeparator(null);
    }

    void write(ArchiveRecord record, String error) throws IOException {
        if (lineOpen) {
            generator.writeRaw('\n');
        }
        lineOpen = false;
        JsonlRecords.write(generator, record, error);
        lineOpen = true;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            // unique bytes on every write, as the jsonl format's files (WhitespaceNonce)
            generator.writeRaw(WhitespaceNonce.next());
            generator.writeRaw('\n');
            generator.close();
        }
    }
}
