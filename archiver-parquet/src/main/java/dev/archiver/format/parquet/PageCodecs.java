package dev.archiver.format.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression with the libraries already on the class path (snappy-java, zstd-jni, the
 * JDK's gzip) instead of parquet-hadoop's {@code CodecFactory}, which loads Hadoop classes.
 * Stateless, so one instance serves every writer and reader.
 */
final class PageCodecs implements CompressionCodecFactory {
    static final PageCodecs INSTANCE = new PageCodecs();
    private static final int ZSTD_LEVEL = 3;

    private PageCodecs() {}

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD -> new Compressor(codec);
            default ->
                    throw new IllegalArgumentException("unsupported parquet page codec " + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD -> new Decompressor(codec);
            default ->
                    throw new UnsupportedOperationException(
                            "cannot read parquet pages compressed with "
                                    + codec
                                    + " (supported: uncompressed, snappy, gzip, zstd)");
        };
    }

    @Override
    public void release() {}

    private record Compressor(CompressionCodecName codec) implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return switch (codec) {
                case UNCOMPRESSED -> bytes;
                case SNAPPY -> BytesInput.from(Snappy.compress(bytes.toByteArray()));
                case ZSTD -> BytesInput.from(Zstd.compress(bytes.toByteArray(), ZSTD_LEVEL));
                case GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
                        bytes.writeAllTo(gzip);
                    }
                    yield BytesInput.from(out);
                }
                default -> throw new IllegalStateException(codec.name());
            };
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {}
    }

    private record Decompressor(CompressionCodecName codec) implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
        }

        @Override
        public void decompress(
                ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            output.put(decompress(in, uncompressedSize));
        }

        private byte[] decompress(byte[] in, int uncompressedSize) throws IOException {
            byte[] out =
                    switch (codec) {
                        case UNCOMPRESSED -> in;
                        case SNAPPY -> Snappy.uncompress(in);
                        case ZSTD -> Zstd.decompress(in, uncompressedSize);
                        case GZIP -> gunzip(in, uncompressedSize);
                        default -> throw new IllegalStateException(codec.name());
                    };
            if (out.length != uncompressedSize) {
                throw new IOException(
                        "Corrupt Parquet page: "
                                + codec
                                + " gave "
                                + out.length
                                + " bytes, the page header says "
                                + uncompressedSize);
            }
            return out;
        }

        private static byte[] gunzip(byte[] in, int uncompressedSize) throws IOException {
            try (InputStream gzip = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                byte[] out = gzip.readNBytes(uncompressedSize);
                if (gzip.read() != -1) {
                    throw new IOException(
                            "Corrupt Parquet page: gzip holds more than "
                                    + uncompressedSize
                                    + " bytes");
                }
                return out;
            }
        }

        @Override
        public void release() {}
    }
}
