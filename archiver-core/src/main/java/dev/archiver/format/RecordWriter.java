package dev.archiver.format;

import dev.archiver.parse.ParsedRecord;
import java.io.Closeable;
import java.io.IOException;

/**
 * Writes records into one file. Not thread-safe.
 *
 * @since 0.1
 */
public interface RecordWriter extends Closeable {

    /**
     * Appends one record. A lossless format writes {@code record.record()} in full; others may
     * write part of it (e.g. only the value).
     *
     * @throws IOException when the underlying stream fails; the file is then abandoned
     */
    void write(ParsedRecord record) throws IOException;

    /**
     * Finishes the file and closes the stream. Idempotent: a second call does nothing.
     *
     * @throws IOException when the footer cannot be written or the stream fails to close
     */
    @Override
    void close() throws IOException;
}
