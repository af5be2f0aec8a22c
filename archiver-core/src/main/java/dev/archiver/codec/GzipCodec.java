package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip (RFC 1952) with the JDK's deflater. Extension {@code .gz}. The level trades speed for size:
 * 1 is several times faster than the default 6 and compresses event JSON a little less. The
 * header's MTIME holds random bytes, so that no two files are byte-identical (see {@link Nonces}).
 */
public final class GzipCodec implements Codec {
    /** The level used when none is configured: 6, the deflater's default. */
    public static final int DEFAULT_LEVEL = 6;

    /** The lowest level accepted: 0, stored blocks without compression. */
    public static final int MIN_LEVEL = Deflater.NO_COMPRESSION;

    /** The highest level accepted: 9, the best and slowest compression. */
    public static final int MAX_LEVEL = Deflater.BEST_COMPRESSION;

    private final int level;

    /**
     * @param level the deflater level, from {@value #MIN_LEVEL} to {@value #MAX_LEVEL}
     */
    public GzipCodec(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException(
                    "gzip level " + level + " is outside " + MIN_LEVEL + ".." + MAX_LEVEL);
        }
        this.level = level;
    }

    public GzipCodec() {
        this(DEFAULT_LEVEL);
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String extension() {
        return ".gz";
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        // the outer buffer spares the deflater a JNI call per small write
        GZIPOutputStream gzip =
                new GZIPOutputStream(new Nonces.GzipMtime(out), StandardCodecs.WRITE_BUFFER_SIZE) {
                    {
                        // before the first byte: the header does not depend on the level
                        def.setLevel(level);
                    }
                };
        return new BufferedOutputStream(gzip, StandardCodecs.WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        return new BufferedInputStream(
                new GZIPInputStream(in, StandardCodecs.BUFFER_SIZE), StandardCodecs.BUFFER_SIZE);
    }

    @Override
    public String toString() {
        return name() + "(level=" + level + ")";
    }

    /** A nonce where readers skip it ({@code Nonces}). */
    @Override
    public boolean writesUniqueFiles() {
        return true;
    }
}
