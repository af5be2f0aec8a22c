package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * Snappy in the framing format (snappy-java's {@code SnappyFramed*Stream}, with CRC checks on
 * read), with a skippable chunk of random bytes after the stream identifier so that no two files
 * are byte-identical (see {@link Nonces}). Extension {@code .snappy}.
 */
public final class SnappyCodec implements Codec {

    @Override
    public String name() {
        return "snappy";
    }

    @Override
    public String extension() {
        return ".snappy";
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        return new BufferedOutputStream(
                new SnappyFramedOutputStream(
                        // after the stream identifier chunk, which must come first
                        new Nonces.InsertAfter(out, 10, Nonces.snappySkippableChunk())),
                StandardCodecs.WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        return new BufferedInputStream(
                new SnappyFramedInputStream(in, true), StandardCodecs.BUFFER_SIZE);
    }

    @Override
    public String toString() {
        return name();
    }

    /** A nonce where readers skip it ({@code Nonces}). */
    @Override
    public boolean writesUniqueFiles() {
        return true;
    }
}
