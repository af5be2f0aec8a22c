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

    /**
     * Whether two streams this codec compresses never have the same bytes, even for the same input
     * (a random nonce where decompressors skip it). On stores whose version tag is the content's
     * hash ({@link dev.archiver.storage.ObjectStorage#tagFollowsContent()}) the engine needs this,
     * or a format whose files are unique, to fence a replay (docs/engine.md, invariant 5). The
     * default is {@code false}.
     *
     * @since 0.2
     */
    default boolean writesUniqueFiles() {
        return false;
    }
}
