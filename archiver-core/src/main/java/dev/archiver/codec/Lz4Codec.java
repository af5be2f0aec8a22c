package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * LZ4 in the standard frame format (readable by the {@code lz4} command line tool), after a
 * skippable frame of random bytes so that no two files are byte-identical (see {@link Nonces}).
 * Extension {@code .lz4}.
 */
public final class Lz4Codec implements Codec {

    @Override
    public String name() {
        return "lz4";
    }

    @Override
    public String extension() {
        return ".lz4";
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        out.write(Nonces.skippableFrame());
        // 64 KB blocks instead of the library's 4 MB default: many files are open at once
        return new BufferedOutputStream(
                new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB),
                StandardCodecs.WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        return new BufferedInputStream(new LZ4FrameInputStream(in), StandardCodecs.BUFFER_SIZE);
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
