package dev.archiver.format.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import java.io.IOException;

final class JsonlRecordWriter implements RecordWriter {
    private final JsonGenerator generator;
    private final PayloadEncoding encoding;
    private final JsonlRecords.Scratch scratch = new JsonlRecords.Scratch();
    private boolean lineOpen;
    private boolean closed;

    JsonlRecordWriter(JsonGenerator generator, PayloadEncoding encoding) {
        this.generator = generator;
        this.encoding = encoding;
    }

    @Override
    public void write(ParsedRecord record) throws IOException {
        if (closed) {
            throw new IOException("jsonl writer is closed");
        }
        if (lineOpen) {
            generator.writeRaw('\n');
        }
        lineOpen = false;
        JsonlRecords.write(generator, record.record(), null, encoding, scratch);
        lineOpen = true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // the last line's \n waits for the nonce; a file without records is one blank line
        generator.writeRaw(WhitespaceNonce.next());
        generator.writeRaw('\n');
        // flushes the generator's buffer and closes the target stream
        generator.close();
    }
}
