package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.ArchiverConfig;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.avro.ValueSchema;
import dev.archiver.plugin.Plugins;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParquetFormatProviderTest {

    private static ParquetFormat create(Map<String, String> settings) {
        return (ParquetFormat)
                new ParquetFormatProvider()
                        .create(Settings.of(settings).withPrefix("format.parquet."));
    }

    @Test
    void defaults() {
        ParquetFormat f = create(Map.of());
        assertThat(f.name()).isEqualTo("parquet");
        assertThat(f.extension()).isEqualTo(".parquet");
        assertThat(f.valueColumns()).isEqualTo(ParquetFormat.ValueColumns.RAW);
        assertThat(f.valueSchema()).isEmpty();
        assertThat(f.compression()).isEqualTo(ParquetFormat.Compression.SNAPPY);
        assertThat(f.rowGroupSize()).isEqualTo(32L * 1024 * 1024);
        assertThat(f.pageSize()).isEqualTo(1024 * 1024);
        assertThat(f.lossless()).isTrue();
        assertThat(f.compressesInternally()).isTrue();
    }

    @Test
    void aSchemaDefaultsToTypedAndRaw() {
        ParquetFormat f = create(Map.of("format.parquet.value-schema", PageView.SCHEMA));
        assertThat(f.valueColumns()).isEqualTo(ParquetFormat.ValueColumns.TYPED_AND_RAW);
        assertThat(f.valueSchema())
                .get()
                .extracting(ValueSchema::encoding)
                .isEqualTo(ValueSchema.Encoding.JSON);
        assertThat(f.lossless()).isTrue();
    }

    @Test
    void explicitMapping() {
        ParquetFormat f =
                create(
                        Map.of(
                                "format.parquet.value-schema", PageView.SCHEMA,
                                "format.parquet.value-encoding", "avro-binary",
                                "format.parquet.value-columns", "typed",
                                "format.parquet.compression", "zstd",
                                "format.parquet.row-group-size", "8MB",
                                "format.parquet.page-size", "64KB"));
        assertThat(f.valueColumns()).isEqualTo(ParquetFormat.ValueColumns.TYPED);
        assertThat(f.valueSchema().orElseThrow().schema()).isEqualTo(PageView.schema());
        assertThat(f.valueSchema().orElseThrow().encoding())
                .isEqualTo(ValueSchema.Encoding.AVRO_BINARY);
        assertThat(f.compression()).isEqualTo(ParquetFormat.Compression.ZSTD);
        assertThat(f.rowGroupSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(f.pageSize()).isEqualTo(64 * 1024);
        assertThat(f.lossless()).isFalse();
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> create(Map.of("format.parquet.value-columns", "typed")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.parquet.value-columns=typed needs a value schema")
                .hasMessageContaining("format.parquet.value-schema");
        assertThatThrownBy(() -> create(Map.of("format.parquet.value-columns", "columns")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "format.parquet.value-columns: accepted values are raw, typed, typed-and-raw");
        assertThatThrownBy(() -> create(Map.of("format.parquet.compression", "lz4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "format.parquet.compression: accepted values are none, snappy, gzip, zstd");
        assertThatThrownBy(() -> create(Map.of("format.parquet.row-group-size", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.parquet.row-group-size");
        assertThatThrownBy(
                        () ->
                                create(
                                        Map.of(
                                                "format.parquet.row-group-size", "1MB",
                                                "format.parquet.page-size", "2MB")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.parquet.page-size");
        assertThatThrownBy(
                        () ->
                                create(
                                        Map.of(
                                                "format.parquet.value-schema",
                                                "{\"type\":\"record\",\"name\":\"dev.archiver.parquet.Header\","
                                                        + "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be used with parquet");
    }

    @Test
    void anOuterCodecIsAConfigurationErrorPointingToThePageCodec() {
        FileFormat f = create(Map.of());
        assertThat(f.withCodec(StandardCodecs.NONE)).isSameAs(f);
        assertThatThrownBy(() -> f.withCodec(StandardCodecs.ZSTD))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'zstd' for codec")
                .hasMessageContaining("format.parquet.compression");
        Map<String, String> job = new HashMap<>();
        job.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        job.put("kafka.consumer.group.id", "g");
        job.put("topics", "t");
        job.put("storage.uri", "memory://b/p");
        job.put("format", "parquet");
        job.put("codec", "gzip");
        assertThatThrownBy(() -> ArchiverConfig.builder().settings(Settings.of(job)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'gzip' for codec")
                .hasMessageContaining("format.parquet.compression");
        job.put("codec", "none");
        job.put("format.parquet.compression", "zstd");
        ArchiverConfig config = ArchiverConfig.builder().settings(Settings.of(job)).build();
        assertThat(config.format()).isInstanceOf(ParquetFormat.class);
        assertThat(((ParquetFormat) config.format()).compression())
                .isEqualTo(ParquetFormat.Compression.ZSTD);
        assertThat(config.codec().name()).isEqualTo("none");
    }

    @Test
    void foundThroughServiceLoader() {
        assertThat(Plugins.all(FileFormatProvider.class, getClass().getClassLoader()))
                .containsKey("parquet");
    }
}
