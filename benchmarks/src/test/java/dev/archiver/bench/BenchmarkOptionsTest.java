package dev.archiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.bench.BenchmarkOptions.Cell;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {
    @Test
    void verifiesByDefault() {
        assertThat(BenchmarkOptions.parse().verify()).isTrue();
        assertThat(BenchmarkOptions.parse("--verify", "false").verify()).isFalse();
        assertThatThrownBy(() -> BenchmarkOptions.parse("--verify", "yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--verify must be true or false");
    }

    @Test
    void formatsTimesCodecsInOrderUnlessCellsAreGiven() {
        assertThat(
                        BenchmarkOptions.parse("--formats", "jsonl,avro", "--codecs", "none,zstd:1")
                                .cells())
                .containsExactly(
                        new Cell("jsonl", "none"),
                        new Cell("jsonl", "zstd:1"),
                        new Cell("avro", "none"),
                        new Cell("avro", "zstd:1"));
        // scripts/bench.sh always passes --formats and --codecs: --cells wins over them
        assertThat(
                        BenchmarkOptions.parse(
                                        "--formats",
                                        "jsonl",
                                        "--codecs",
                                        "gzip",
                                        "--cells",
                                        "jsonl/none, parquet/snappy,parquet-raw/zstd")
                                .cells())
                .containsExactly(
                        new Cell("jsonl", "none"),
                        new Cell("parquet", "snappy"),
                        new Cell("parquet-raw", "zstd"));
    }

    @Test
    void parquetCellsNameTheFormatModeAndPageCodec() {
        Cell typed = new Cell("parquet", "zstd");
        assertThat(typed.parquet()).isTrue();
        assertThat(typed.formatName()).isEqualTo("parquet");
        assertThat(typed.mode()).isEqualTo("typed+raw");
        Cell raw = new Cell("parquet-raw", "none");
        assertThat(raw.formatName()).isEqualTo("parquet");
        assertThat(raw.mode()).isEqualTo("raw");
        Cell jsonl = new Cell("jsonl", "gzip:1");
        assertThat(jsonl.parquet()).isFalse();
        assertThat(jsonl.formatName()).isEqualTo("jsonl");
        assertThat(jsonl.mode()).isEqualTo("-");
    }

    @Test
    void rejectsCodecsParquetHasNoPageCodecFor() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--formats", "parquet", "--codecs", "lz4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page codec")
                .hasMessageContaining("format.parquet.compression")
                .hasMessageContaining("'lz4'");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--cells", "parquet/zstd:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a level");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--cells", "parquet-typed/zstd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parquet mode 'parquet-typed'");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--cells", "parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format/codec");
    }
}
