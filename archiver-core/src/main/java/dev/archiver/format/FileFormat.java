package dev.archiver.format;

import dev.archiver.codec.Codec;
import dev.archiver.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * One file layout: how records are written into an archived object and read back.
 *
 * <p>A format is configured once (by its {@link FileFormatProvider}) and then used for many files,
 * from several threads at once: implementations must be thread-safe; the writers and readers they
 * return are not and are used by one thread at a time.
 *
 * <p>By default a format does not compress: the engine wraps its streams with the configured {@code
 * Codec}, and the object name ends in the format's extension followed by the codec's. A format
 * whose files carry their own compression (Avro's block codec, Parquet's page codec) says so with
 * {@link #compressesInternally()}; the engine then hands it the job's codec once, through {@link
 * #withCodec(Codec)}, and never wraps its streams. Either way a writer must not assume it owns a
 * file; it writes to the stream it is given.
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
     * verified record by record and restored into Kafka. A format with modes answers for the mode
     * it is configured in: {@code avro} and {@code parquet} are lossless in modes {@code raw} and
     * {@code typed-and-raw} (the value's bytes are kept), not in mode {@code typed}.
     */
    boolean lossless();

    /**
     * Whether this format compresses inside its files, so that tools that read the format (Avro's
     * and Parquet's own readers) can open an archived object as it is. When {@code true}, the
     * engine writes and reads this format's files without an outer codec, the object name has no
     * codec suffix, and the job's {@code codec} setting is passed to {@link #withCodec(Codec)}.
     *
     * @since 0.2
     */
    default boolean compressesInternally() {
        return false;
    }

    /**
     * This format, compressing its files with {@code codec}. Called once, when a job is configured,
     * and only on formats that {@linkplain #compressesInternally() compress internally}; the result
     * is used instead of this format. A format that takes its compression from a setting of its own
     * rather than from the job's codec accepts {@code none} only.
     *
     * @throws ConfigException when the format cannot compress with {@code codec}; the message names
     *     the {@code codec} setting and the accepted values
     * @since 0.2
     */
    default FileFormat withCodec(Codec codec) {
        if (codec.name().equals("none")) {
            return this;
        }
        throw new ConfigException(
                "Invalid value '"
                        + codec.name()
                        + "' for codec: format "
                        + name()
                        + " does not compress with an outer codec; accepted value is none");
    }

    /**
     * Whether two files this format writes never have the same bytes, even for the same records (a
     * random nonce in a place the format's readers skip: Avro's sync marker, Parquet's footer
     * metadata, trailing JSON whitespace). On stores whose version tag is the content's hash
     * ({@link dev.archiver.storage.ObjectStorage#tagFollowsContent()}) a replay must not write the
     * bytes of the leftover it replaces, so the engine needs this or a codec whose {@link
     * Codec#writesUniqueFiles()} is true (docs/engine.md, invariant 5). For a format that
     * {@linkplain #compressesInternally() compresses internally} it must hold with every codec. The
     * default is {@code false}.
     *
     * @since 0.2
     */
    default boolean writesUniqueFiles() {
        return false;
    }

    /**
     * A writer that appends records to {@code out}. Closing the writer finishes the layout (footer,
     * flush) and closes {@code out}.
     *
     * @throws IOException when the header cannot be written
     */
    RecordWriter newWriter(OutputStream out) throws IOException;

    /**
     * A writer that appends records to {@code out} and may keep temporary data in files of its own
     * under {@code scratchDirectory}, a local directory the engine owns (its staging directory of
     * the topic-partition). The engine calls this variant. A format that needs random access or a
     * whole file before it can write (Parquet spools rows and writes the columnar file when closed)
     * uses it to keep open files out of the heap; it reports what it holds there through {@link
     * RecordWriter#bufferedBytes()}. The writer deletes its scratch files when closed; the engine
     * deletes the directory's leftovers after a crash, when the partition is assigned again. The
     * default ignores the directory and calls {@link #newWriter(OutputStream)}.
     *
     * @throws IOException when the header or a scratch file cannot be written
     * @since 0.2
     */
    default RecordWriter newWriter(OutputStream out, Path scratchDirectory) throws IOException {
        return newWriter(out);
    }

    /**
     * A reader over a whole file written by this format's writer. Closing the reader closes {@code
     * in}.
     *
     * @throws IOException when the stream is not in this format
     */
    RecordReader newReader(InputStream in) throws IOException;

    /**
     * A reader for showing a file's records to a person ({@code archiver cat}): like {@link
     * #newReader(InputStream)}, but it also reads files written in a mode of this format that is
     * not {@linkplain #lossless() lossless}, and returns what such a file holds (for example a
     * value kept only as typed fields comes back as their JSON text). Verifying and restoring use
     * {@link #newReader(InputStream)}, whose readers, for a format configured losslessly, refuse
     * files of a lossy mode with an {@link IOException} that says so. The default is {@link
     * #newReader(InputStream)}. Closing the reader closes {@code in}.
     *
     * @throws IOException when the stream is not in this format
     * @since 0.2
     */
    default RecordReader newDisplayReader(InputStream in) throws IOException {
        return newReader(in);
    }
}
