package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Zstandard (zstd-jni), one frame per file after a skippable frame of random bytes, so that no two
 * files are byte-identical (see {@link Nonces}). Extension {@code .zst}.
 */
public final class ZstdCodec implements Codec {
    /** The level used when none is configured. */
    public static final int DEFAULT_LEVEL = 3;

    private final int level;

    /**
     * @param level the compression level, from {@link Zstd#minCompressionLevel()} (negative:
     *     faster) to {@link Zstd#maxCompressionLevel()}
     */
    public ZstdCodec(int level) {
        if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException(
                    "zstd level "
                            + level
                            + " is outside "
                            + Zstd.minCompressionLevel()
                            + ".."
                            + Zstd.maxCompressionLevel());
        }
        this.level = level;
    }

    public ZstdCodec() {
        this(DEFAULT_LEVEL);
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public String extension() {
        return ".zst";
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        out.write(Nonces.skippableFrame());
        ZstdOutputStreamNoFinalizer zstd =
                new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE);
        zstd.setLevel(level);
        return new BufferedOutputStream(zstd, StandardCodecs.WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        return new BufferedInputStream(
                new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE),
                StandardCodecs.BUFFER_SIZE);
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
