package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip (RFC 1952) with the JDK's deflater at its default level. Extension {@code .gz}. */
public final class GzipCodec implements Codec {

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
        return new BufferedOutputStream(
                new GZIPOutputStream(out, StandardCodecs.BUFFER_SIZE), StandardCodecs.BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        return new BufferedInputStream(
                new GZIPInputStream(in, StandardCodecs.BUFFER_SIZE), StandardCodecs.BUFFER_SIZE);
    }

    @Override
    public String toString() {
        return name();
    }
}
