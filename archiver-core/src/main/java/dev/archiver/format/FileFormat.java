package dev.archiver.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One file layout: how records are written into an archived object and read back.
 *
 * <p>A format is configured once (by its {@link FileFormatProvider}) and then used for many files,
 * from several threads at once: implementations must be thread-safe; the writers and readers they
 * return are not and are used by one thread at a time.
 *
 * <p>Formats never compress: the engine wraps the streams with the configured {@code Codec}. A
 * writer must therefore not assume it owns a file; it writes to the stream it is given.
 *
 * @since 0.1
 */
public interface FileFormat {

    /** The short name, e.g. {@code jsonl}. */
    String name();

    /** The file-name extension including the dot, e.g. {@code .jsonl}. The codec's follows it. */
    String extension();

    /**
     * Whether a read-back gives every field of the original Kafka record (topic, partition, offset,
     * timestamp and its type, key, value, headers, null vs empty). Only lossless archives can be
     * verified record by record and restored into Kafka.
     */
    boolean lossless();

    /**
     * A writer that appends records to {@code out}. Closing the writer finishes the layout (footer,
     * flush) and closes {@code out}.
     *
     * @throws IOException when the header cannot be written
     */
    RecordWriter newWriter(OutputStream out) throws IOException;

    /**
     * A reader over a whole file written by this format's writer. Closing the reader closes {@code
     * in}.
     *
     * @throws IOException when the stream is not in this format
     */
    RecordReader newReader(InputStream in) throws IOException;
}
