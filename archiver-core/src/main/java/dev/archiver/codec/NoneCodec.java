package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/** No compression: the streams are only buffered. Extension {@code ""}. */
public final class NoneCodec implements Codec {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String extension() {
        return "";
    }

    @Override
    public OutputStream compress(OutputStream out) {
        return new BufferedOutputStream(
                requireNonNull(out, "out is null"), StandardCodecs.WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) {
        return new BufferedInputStream(
                requireNonNull(in, "in is null"), StandardCodecs.BUFFER_SIZE);
    }

    @Override
    public String toString() {
        return name();
    }
}
