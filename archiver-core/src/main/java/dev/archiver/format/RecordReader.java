package dev.archiver.format;

import dev.archiver.record.ArchiveRecord;
import java.io.Closeable;
import java.io.IOException;

/**
 * Reads the records of one file, in the order they were written. Not thread-safe.
 *
 * <p>Readers of lossless formats return the original records exactly. Readers of other formats
 * return what the file holds: for example the text reader returns records with only a value, the
 * topic {@code ""}, partition 0 and the line number as offset.
 *
 * @since 0.1
 */
public interface RecordReader extends Closeable {

    /**
     * @return the next record, or {@code null} at the end of the file
     * @throws IOException when the file is truncated or corrupt; the message says where
     */
    ArchiveRecord read() throws IOException;
}
