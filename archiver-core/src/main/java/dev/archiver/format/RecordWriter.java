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
     * @throws RecordNotWritableException when this format cannot represent the record (e.g. its
     *     value does not fit a configured schema); thrown before any of the record is written, so
     *     the file and the writer stay usable, and the engine handles the record by {@code
     *     errors.tolerance}
     * @throws IOException when the underlying stream fails; the file is then abandoned
     */
    void write(ParsedRecord record) throws IOException;

    /**
     * Bytes of records already accepted by {@link #write} but not yet written to the stream: held
     * in memory or in scratch files (see {@link FileFormat#newWriter(java.io.OutputStream,
     * java.nio.file.Path)}). The engine adds them to what the stream has received when it measures
     * an open file for upload policies ({@code upload.max-file-size}) and the staging limit. A
     * writer that writes through (or buffers only a few kilobytes) returns 0, the default; after
     * {@link #close()} it returns 0.
     *
     * @since 0.2
     */
    default long bufferedBytes() {
        return 0;
    }

    /**
     * Finishes the file and closes the stream. Idempotent: a second call does nothing.
     *
     * @throws IOException when the footer cannot be written or the stream fails to close
     */
    @Override
    void close() throws IOException;
}
