package dev.archiver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodecStreamsTest {
    private static final byte[] TEXT =
            "the quick brown fox jumps over the lazy dog\n"
                    .repeat(5000)
                    .getBytes(StandardCharsets.US_ASCII);

    static Stream<Codec> codecs() {
        return StandardCodecs.all().stream();
    }

    static Stream<Codec> compressing() {
        return codecs().filter(c -> c != StandardCodecs.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void smallWritesAreBatchedAndCloseIsPropagated(Codec codec) throws IOException {
        Counting sink = new Counting(new ByteArrayOutputStream());
        try (OutputStream out = codec.compress(sink)) {
            for (byte b : TEXT) {
                out.write(b);
            }
        }
        assertThat(sink.writes)
                .as("write calls reaching the file for %d one-byte writes", TEXT.length)
                .isLessThan(100);
        assertThat(sink.closes).isEqualTo(1);

        int[] closes = {0};
        InputStream source =
                new FilterInputStream(
                        new ByteArrayInputStream(
                                ((ByteArrayOutputStream) sink.inner()).toByteArray())) {
                    @Override
                    public void close() throws IOException {
                        closes[0]++;
                        super.close();
                    }
                };
        try (InputStream in = codec.decompress(source)) {
            assertThat(in.readAllBytes()).isEqualTo(TEXT);
        }
        assertThat(closes[0]).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressing")
    void truncatedInputFailsWithIOException(Codec codec) throws IOException {
        byte[] compressed = compress(codec, TEXT);
        for (int cut : new int[] {compressed.length / 2, compressed.length - 1}) {
            byte[] truncated = Arrays.copyOf(compressed, cut);
            assertThatThrownBy(() -> decompress(codec, truncated))
                    .as("%s cut at %d of %d", codec, cut, compressed.length)
                    .isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressing")
    void garbageInputFailsWithIOException(Codec codec) {
        byte[] garbage =
                "definitely not compressed data, just text".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> decompress(codec, garbage)).isInstanceOf(IOException.class);
    }

    @Test
    void outputUsesTheStandardFramings() throws IOException {
        // zstd and LZ4 frames come after a skippable frame of 16 random bytes, snappy's chunks
        // after the stream identifier and a skippable chunk of 16 random bytes (EtagReuseAbaTest)
        String skippableFrame = "5a2a4d1810000000" + "[0-9a-f]{32}";
        Map<Codec, String> framing =
                Map.of(
                        StandardCodecs.GZIP, "1f8b08.*",
                        StandardCodecs.ZSTD, skippableFrame + "28b52ffd.*",
                        StandardCodecs.LZ4, skippableFrame + "04224d18.*",
                        StandardCodecs.SNAPPY, "ff060000734e61507059" + "80100000[0-9a-f]{32}.*");
        for (Map.Entry<Codec, String> e : framing.entrySet()) {
            byte[] compressed = compress(e.getKey(), TEXT);
            assertThat(HexFormat.of().formatHex(compressed))
                    .as("%s", e.getKey())
                    .matches(e.getValue());
        }
        assertThat(
                        new GZIPInputStream(
                                        new ByteArrayInputStream(
                                                compress(StandardCodecs.GZIP, TEXT)))
                                .readAllBytes())
                .isEqualTo(TEXT);
        byte[] zstd = compress(StandardCodecs.ZSTD, TEXT);
        assertThat(Zstd.decompress(zstd, TEXT.length)).isEqualTo(TEXT);
    }

    @Test
    void higherZstdLevelCompressesAtLeastAsWell() throws IOException {
        assertThat(compress(new ZstdCodec(19), TEXT).length)
                .isLessThanOrEqualTo(compress(new ZstdCodec(1), TEXT).length);
    }

    private static byte[] compress(Codec codec, byte[] input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(bytes)) {
            out.write(input);
        }
        return bytes.toByteArray();
    }

    private static byte[] decompress(Codec codec, byte[] input) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(input))) {
            return in.readAllBytes();
        }
    }

    private static final class Counting extends FilterOutputStream {
        int writes;
        int closes;

        Counting(OutputStream out) {
            super(out);
        }

        OutputStream inner() {
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            writes++;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closes++;
            out.close();
        }
    }
}
