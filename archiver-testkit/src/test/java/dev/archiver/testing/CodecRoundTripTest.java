package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodecRoundTripTest {
    private static final int TEN_MB = 10 << 20;

    static Stream<Codec> codecs() {
        return StandardCodecs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void emptyInput(Codec codec) throws IOException {
        byte[] compressed = compress(codec, new byte[0]);
        assertThat(decompress(codec, compressed)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void tenMegabytesOfRandomBytes(Codec codec) throws IOException {
        byte[] input = new byte[TEN_MB];
        new Random(42).nextBytes(input);
        assertThat(decompress(codec, compress(codec, input))).isEqualTo(input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void tenMegabytesOfCompressibleText(Codec codec) throws IOException {
        byte[] input = compressible(TEN_MB);
        byte[] compressed = compress(codec, input);
        assertThat(decompress(codec, compressed)).isEqualTo(input);
        if (codec != StandardCodecs.NONE) {
            assertThat(compressed.length).as("compressed size").isLessThan(input.length / 3);
        } else {
            assertThat(compressed).isEqualTo(input);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void smallWritesAndSingleByteReads(Codec codec) throws IOException {
        byte[] input = compressible(100_000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(bytes)) {
            for (byte b : input) {
                out.write(b);
            }
        }
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = codec.decompress(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                back.write(b);
            }
        }
        assertThat(back.toByteArray()).isEqualTo(input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void fileNameExtensionFindsTheCodec(Codec codec) {
        String name = "events-3-00000000000000012345.jsonl" + codec.extension();
        assertThat(StandardCodecs.fromExtension(name).orElse(StandardCodecs.NONE)).isSameAs(codec);
        assertThat(StandardCodecs.named(codec.name())).isSameAs(codec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void truncatedStreamFailsWithIOException(Codec codec) throws IOException {
        if (codec == StandardCodecs.NONE) {
            return; // an uncompressed stream has no framing to check
        }
        byte[] compressed = compress(codec, compressible(1 << 20));
        byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
        assertThatThrownBy(() -> decompress(codec, truncated)).isInstanceOf(IOException.class);
    }

    private static byte[] compressible(int size) {
        StringBuilder sb = new StringBuilder(size + 100);
        Random random = new Random(7);
        while (sb.length() < size) {
            sb.append("{\"user\":\"user-")
                    .append(random.nextInt(1000))
                    .append("\",\"event\":\"click\"}\n");
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    private static byte[] compress(Codec codec, byte[] input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(bytes)) {
            out.write(input);
        }
        return bytes.toByteArray();
    }

    private static byte[] decompress(Codec codec, byte[] compressed) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }
}
