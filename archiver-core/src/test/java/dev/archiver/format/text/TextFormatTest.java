package dev.archiver.format.text;

import static dev.archiver.format.FormatTestSupport.INVALID_UTF8;
import static dev.archiver.format.FormatTestSupport.read;
import static dev.archiver.format.FormatTestSupport.record;
import static dev.archiver.format.FormatTestSupport.utf8;
import static dev.archiver.format.FormatTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatTest {

    @Test
    void writesValuesFollowedByTheDelimiterOnly() throws IOException {
        List<ArchiveRecord> records =
                List.of(
                        record(10, utf8("key"), utf8("first"), new RecordHeader("h", utf8("x"))),
                        record(11, null, null),
                        record(12, null, new byte[0]),
                        record(13, null, INVALID_UTF8));
        byte[] file = write(new TextFormat(), records);
        byte[] expected = concat(utf8("first\n\n\n"), INVALID_UTF8, utf8("\n"));
        assertThat(file).isEqualTo(expected);
    }

    @Test
    void readerReturnsValueOnlyRecordsNumberedFromZero() throws IOException {
        List<ArchiveRecord> records = read(new TextFormat(), utf8("a\n\nccc\n"));
        assertThat(records)
                .containsExactly(
                        new ArchiveRecord(
                                "",
                                0,
                                0,
                                -1,
                                TimestampType.NO_TIMESTAMP,
                                null,
                                utf8("a"),
                                List.of()),
                        new ArchiveRecord(
                                "",
                                0,
                                1,
                                -1,
                                TimestampType.NO_TIMESTAMP,
                                null,
                                new byte[0],
                                List.of()),
                        new ArchiveRecord(
                                "",
                                0,
                                2,
                                -1,
                                TimestampType.NO_TIMESTAMP,
                                null,
                                utf8("ccc"),
                                List.of()));
    }

    @Test
    void multiByteDelimiterIsMatchedWholeAcrossBufferBoundaries() throws IOException {
        TextFormat format = new TextFormat(TextFormat.parseDelimiter("<|>"));
        // spans several 64 KB read buffers; '>' only ever follows 'a', so the value never holds
        // "<|>"
        java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
        Random random = new Random(3);
        String[] tokens = {"<", "|", "a", "b", "a>", "<|"};
        while (value.size() < 200_000) {
            value.writeBytes(utf8(tokens[random.nextInt(tokens.length)]));
        }
        value.writeBytes(utf8("<|"));
        byte[] large = value.toByteArray();
        List<ArchiveRecord> written =
                List.of(
                        record(0, null, utf8("a<b|c>d<|e")),
                        record(1, null, large),
                        record(2, null, utf8("<<|")));
        List<ArchiveRecord> read = read(format, write(format, written));
        assertThat(read)
                .extracting(ArchiveRecord::value)
                .containsExactly(
                        written.get(0).value(), written.get(1).value(), written.get(2).value());
    }

    @Test
    void largeValueRoundTrips() throws IOException {
        byte[] large = new byte[1 << 20];
        java.util.Arrays.fill(large, (byte) 'x');
        assertThat(read(new TextFormat(), write(new TextFormat(), List.of(record(0, null, large)))))
                .singleElement()
                .extracting(ArchiveRecord::value)
                .isEqualTo(large);
    }

    @Test
    void emptyFileHasNoRecords() throws IOException {
        assertThat(write(new TextFormat(), List.of())).isEmpty();
        assertThat(read(new TextFormat(), new byte[0])).isEmpty();
    }

    @Test
    void missingFinalDelimiterIsReportedAsTruncation() {
        assertThatThrownBy(() -> read(new TextFormat(), utf8("a\nbc")))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Truncated text file: record 1 (2 bytes) ends without the delimiter at the end of the file");
        TextFormat crlf = new TextFormat(TextFormat.parseDelimiter("\\r\\n"));
        assertThatThrownBy(() -> read(crlf, utf8("a\r\nb\r")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Truncated text file: record 1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ' ',
            value = {
                "\\n 0a",
                "\\t 09",
                "\\r\\n 0d0a",
                "\\0 00",
                "\\s 20",
                "\\\\ 5c",
                "|| 7c7c",
                "a\\sb 612062",
                "→ e28692"
            })
    void delimiterEscapes(String spec, String hex) {
        assertThat(TextFormat.parseDelimiter(spec))
                .isEqualTo(java.util.HexFormat.of().parseHex(hex));
    }

    @Test
    void badDelimitersAreRejected() {
        assertThatThrownBy(() -> TextFormat.parseDelimiter("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TextFormat.parseDelimiter("\\x"))
                .hasMessageContaining("unknown escape \\x");
        assertThatThrownBy(() -> TextFormat.parseDelimiter("a\\"))
                .hasMessageContaining("lone backslash");
    }

    @Test
    void providerIsRegisteredAndReadsTheDelimiter() throws IOException {
        FileFormatProvider provider =
                Plugins.find(
                        FileFormatProvider.class, "text", "format", Plugins.defaultClassLoader());
        TextFormat defaults = (TextFormat) provider.create(Settings.empty());
        assertThat(defaults.delimiter()).isEqualTo(utf8("\n"));
        assertThat(defaults.lossless()).isFalse();
        assertThat(defaults.extension()).isEqualTo(".txt");

        Settings tab = Settings.of(Map.of("format.text.delimiter", "\\t"));
        TextFormat format = (TextFormat) provider.create(tab.withPrefix("format.text."));
        assertThat(write(format, List.of(record(0, null, utf8("v"))))).isEqualTo(utf8("v\t"));

        Settings bad = Settings.of(Map.of("format.text.delimiter", "\\q"));
        assertThatThrownBy(() -> provider.create(bad.withPrefix("format.text.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.text.delimiter")
                .hasMessageContaining("\\n, \\t, \\r, \\0, \\s and \\\\");
        Settings blank = Settings.of(Map.of("format.text.delimiter", "  "));
        assertThatThrownBy(() -> provider.create(blank.withPrefix("format.text.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.text.delimiter");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
