package dev.archiver.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.plugin.Plugins;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandardCodecsTest {

    @Test
    void namesAndExtensions() {
        assertThat(StandardCodecs.all())
                .extracting(Codec::name)
                .containsExactly("none", "gzip", "zstd", "snappy", "lz4");
        assertThat(StandardCodecs.all())
                .extracting(Codec::extension)
                .containsExactly("", ".gz", ".zst", ".snappy", ".lz4");
    }

    @Test
    void namedIsCaseInsensitiveAndListsTheNamesWhenUnknown() {
        assertThat(StandardCodecs.named(" ZSTD ")).isSameAs(StandardCodecs.ZSTD);
        assertThat(StandardCodecs.named("none")).isSameAs(StandardCodecs.NONE);
        assertThatThrownBy(() -> StandardCodecs.named("brotli"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown codec 'brotli': accepted values are none, gzip, zstd, snappy, lz4");
    }

    @Test
    void fromExtensionLooksAtTheSuffixOnly() {
        assertThat(StandardCodecs.fromExtension("a/b/events-0-00000000000000000042.jsonl.gz"))
                .contains(StandardCodecs.GZIP);
        assertThat(StandardCodecs.fromExtension("x.avro.zst")).contains(StandardCodecs.ZSTD);
        assertThat(StandardCodecs.fromExtension("x.txt.snappy")).contains(StandardCodecs.SNAPPY);
        assertThat(StandardCodecs.fromExtension("x.jsonl.lz4")).contains(StandardCodecs.LZ4);
        assertThat(StandardCodecs.fromExtension("x.jsonl")).isEqualTo(Optional.empty());
        assertThat(StandardCodecs.fromExtension("x.gz.jsonl")).isEmpty();
        assertThat(StandardCodecs.fromExtension("x.zstd")).isEmpty();
    }

    @Test
    void everyCodecHasARegisteredProvider() {
        Map<String, CodecProvider> providers =
                Plugins.all(CodecProvider.class, Plugins.defaultClassLoader());
        assertThat(providers).containsOnlyKeys("none", "gzip", "zstd", "snappy", "lz4");
        for (Codec codec : StandardCodecs.all()) {
            assertThat(providers.get(codec.name()).create(Settings.empty())).isSameAs(codec);
        }
    }

    @Test
    void zstdLevelIsConfigurable() {
        CodecProvider zstd =
                Plugins.find(CodecProvider.class, "zstd", "codec", Plugins.defaultClassLoader());
        Settings settings = Settings.of(Map.of("codec.zstd.level", "19"));
        Codec codec = zstd.create(settings.withPrefix("codec.zstd."));
        assertThat(codec).isInstanceOf(ZstdCodec.class);
        assertThat(((ZstdCodec) codec).level()).isEqualTo(19);
        assertThat(settings.unusedKeys()).isEmpty();
        assertThat(((ZstdCodec) StandardCodecs.ZSTD).level()).isEqualTo(3);
    }

    @Test
    void badZstdLevelNamesTheKey() {
        CodecProvider zstd = new ZstdCodecProvider();
        assertThatThrownBy(
                        () ->
                                zstd.create(
                                        Settings.of(Map.of("codec.zstd.level", "99"))
                                                .withPrefix("codec.zstd.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("codec.zstd.level")
                .hasMessageContaining("from -");
        assertThatThrownBy(
                        () ->
                                zstd.create(
                                        Settings.of(Map.of("codec.zstd.level", "high"))
                                                .withPrefix("codec.zstd.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("codec.zstd.level");
        assertThatThrownBy(() -> new ZstdCodec(23)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gzipLevelIsConfigurableAndRoundTrips() throws Exception {
        CodecProvider gzip =
                Plugins.find(CodecProvider.class, "gzip", "codec", Plugins.defaultClassLoader());
        Settings settings = Settings.of(Map.of("codec.gzip.level", "1"));
        Codec fast = gzip.create(settings.withPrefix("codec.gzip."));
        assertThat(((GzipCodec) fast).level()).isEqualTo(1);
        assertThat(settings.unusedKeys()).isEmpty();
        assertThat(gzip.create(Settings.empty())).isSameAs(StandardCodecs.GZIP);
        assertThat(((GzipCodec) StandardCodecs.GZIP).level()).isEqualTo(6);

        byte[] text = "event event event payload ".repeat(4000).getBytes(UTF_8);
        byte[] level1 = compress(fast, text);
        byte[] level9 = compress(new GzipCodec(9), text);
        byte[] level0 = compress(new GzipCodec(0), text);
        assertThat(level0.length).isGreaterThan(text.length);
        assertThat(level9.length).isLessThanOrEqualTo(level1.length);
        for (byte[] compressed : List.of(level0, level1, level9)) {
            try (InputStream in =
                    new java.util.zip.GZIPInputStream(new ByteArrayInputStream(compressed))) {
                assertThat(in.readAllBytes()).isEqualTo(text);
            }
        }
    }

    @Test
    void badGzipLevelNamesTheKeyAndTheRange() {
        CodecProvider gzip = new GzipCodecProvider();
        for (String bad : List.of("10", "-1", "fast")) {
            assertThatThrownBy(
                            () ->
                                    gzip.create(
                                            Settings.of(Map.of("codec.gzip.level", bad))
                                                    .withPrefix("codec.gzip.")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("codec.gzip.level");
        }
        assertThatThrownBy(
                        () ->
                                gzip.create(
                                        Settings.of(Map.of("codec.gzip.level", "10"))
                                                .withPrefix("codec.gzip.")))
                .hasMessageContaining("from 0 to 9");
        assertThatThrownBy(() -> new GzipCodec(10)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] compress(Codec codec, byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = codec.compress(out)) {
            c.write(data);
        }
        return out.toByteArray();
    }
}
