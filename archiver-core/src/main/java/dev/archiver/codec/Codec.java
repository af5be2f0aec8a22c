package dev.archiver.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stream compression codec applied to whole files. Thread-safe; each call returns a new stream.
 *
 * @since 0.1
 */
public interface Codec {

    /** The short name, e.g. {@code zstd}; {@code none} for no compression. */
    String name();

    /** The file-name suffix including the dot, e.g. {@code .zst}; empty for {@code none}. */
    String extension();

    /**
     * Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}.
     */
    OutputStream compress(OutputStream out) throws IOException;

    /** Wraps {@code in}; closing the result closes {@code in}. */
    InputStream decompress(InputStream in) throws IOException;
}
