package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link FileFormat} must have. A format's test extends this class and
 * implements {@link #format()}:
 *
 * <pre>{@code
 * class MyFormatContractTest extends AbstractFileFormatContractTest {
 *     protected FileFormat format() { return new MyFormat(); }
 * }
 * }</pre>
 *
 * <p>It checks that records read back equal the records written (exactly for lossless formats, by
 * value for the others), under every codec of {@link StandardCodecs}; that a file without records
 * is valid; that {@code close()} is idempotent and closes the stream; that writers buffer instead
 * of flushing per record; that truncation is reported as an {@link IOException}; and, for lossless
 * formats, the edge cases of Kafka records: null vs empty key and value, tombstones, binary keys,
 * values and header values, null header values, unicode topics and header keys, a 1 MB value, and
 * payloads that are JSON or almost JSON ({@link #jsonLikePayloads()}), which must come back byte
 * for byte whatever a format does with JSON.
 *
 * <p>Override {@link #detectsTruncation()} (with a comment saying why) for a format that cannot
 * tell a truncated file from a shorter one.
 *
 * @since 0.1
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractFileFormatContractTest {

    /** The format under test, configured as it would be in production. */
    protected abstract FileFormat format();

    /** Whether a file cut inside its last record fails to read with an {@link IOException}. */
    protected boolean detectsTruncation() {
        return true;
    }

    @Test
    public void namesAreWellFormed() {
        FileFormat format = format();
        assertThat(format.name()).isNotBlank().isLowerCase();
        assertThat(format.extension()).startsWith(".").hasSizeGreaterThan(1);
    }

    @Test
    public void writesAndReadsBackManyRecords() throws IOException {
        List<ArchiveRecord> records = sampleRecords(1000, new Random(1));
        byte[] file = write(records, StandardCodecs.NONE);
        assertReadBack(records, read(file, StandardCodecs.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    public void roundTripsUnderEveryCodec(Codec codec) throws IOException {
        List<ArchiveRecord> records = sampleRecords(500, new Random(2));
        byte[] file = write(records, codec);
        assertReadBack(records, read(file, codec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    public void emptyFileIsValidUnderEveryCodec(Codec codec) throws IOException {
        byte[] file = write(List.of(), codec);
        assertThat(read(file, codec)).isEmpty();
    }

    @Test
    public void readerReturnsNullAgainAfterTheEnd() throws IOException {
        byte[] file = write(sampleRecords(3, new Random(3)), StandardCodecs.NONE);
        try (RecordReader reader = format().newReader(new ByteArrayInputStream(file))) {
            for (int i = 0; i < 3; i++) {
                assertThat(reader.read()).isNotNull();
            }
            assertThat(reader.read()).isNull();
            assertThat(reader.read()).isNull();
        }
    }

    @Test
    public void writerCloseIsIdempotentAndClosesTheStream() throws IOException {
        CountingOutputStream out = new CountingOutputStream(new ByteArrayOutputStream());
        RecordWriter writer = format().newWriter(out);
        writer.write(parsed(sampleRecords(1, new Random(4)).get(0)));
        writer.close();
        assertThat(out.closes).as("closes of the underlying stream").isEqualTo(1);
        long bytes = out.bytes;
        writer.close();
        assertThat(out.closes).as("closes after a second close()").isEqualTo(1);
        assertThat(out.bytes).as("bytes written by a second close()").isEqualTo(bytes);
    }

    @Test
    public void readerCloseIsIdempotentAndClosesTheStream() throws IOException {
        byte[] file = write(sampleRecords(2, new Random(5)), StandardCodecs.NONE);
        CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(file));
        RecordReader reader = format().newReader(in);
        assertThat(reader.read()).isNotNull();
        reader.close();
        reader.close();
        assertThat(in.closes).as("closes of the underlying stream").isGreaterThanOrEqualTo(1);
    }

    @Test
    public void writerBuffersInsteadOfFlushingPerRecord() throws IOException {
        int n = 2000;
        CountingOutputStream out = new CountingOutputStream(new ByteArrayOutputStream());
        try (RecordWriter writer = format().newWriter(out)) {
            for (ArchiveRecord r : sampleRecords(n, new Random(6))) {
                writer.write(parsed(r));
            }
            assertThat(out.flushes).as("flushes while writing %d records", n).isLessThan(n / 10);
            assertThat(out.writes).as("write calls while writing %d records", n).isLessThan(n / 10);
        }
    }

    @Test
    public void truncatedFileFailsWithIOException() throws IOException {
        assumeThat(detectsTruncation()).as("format detects truncation").isTrue();
        byte[] file = write(sampleRecords(20, new Random(7)), StandardCodecs.NONE);
        for (int cut : new int[] {3, file.length - 3}) {
            byte[] truncated = Arrays.copyOf(file, cut);
            assertThatThrownBy(() -> read(truncated, StandardCodecs.NONE))
                    .as("reading the first %d of %d bytes", cut, file.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageFindingMatch("\\S");
        }
    }

    @Test
    public void losslessFormatKeepsEveryEdgeCase() throws IOException {
        assumeThat(format().lossless()).as("format is lossless").isTrue();
        List<ArchiveRecord> records = edgeCaseRecords();
        for (Codec codec : List.of(StandardCodecs.NONE, StandardCodecs.ZSTD)) {
            assertThat(read(write(records, codec), codec))
                    .as("under %s", codec)
                    .containsExactlyElementsOf(records);
        }
    }

    @Test
    public void losslessFormatKeepsJsonLikePayloadsByteForByte() throws IOException {
        assumeThat(format().lossless()).as("format is lossless").isTrue();
        List<byte[]> payloads = jsonLikePayloads();
        List<ArchiveRecord> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            records.add(record("t", 0, i, p, p, List.of(new RecordHeader("h", p))));
        }
        for (Codec codec : List.of(StandardCodecs.NONE, StandardCodecs.GZIP)) {
            List<ArchiveRecord> read = read(write(records, codec), codec);
            assertThat(read).as("under %s", codec).hasSameSizeAs(records);
            for (int i = 0; i < records.size(); i++) {
                assertThat(read.get(i))
                        .as("record %d under %s: %s", i, codec, excerpt(payloads.get(i)))
                        .isEqualTo(records.get(i));
            }
        }
    }

    /** The payloads of the JSON round-trip test: {@link TestData#jsonLike()}. */
    protected List<byte[]> jsonLikePayloads() {
        return TestData.jsonLike();
    }

    private static String excerpt(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 60 ? s.substring(0, 60) + "... (" + b.length + " bytes)" : s;
    }

    /** The codecs the parameterised tests run under: every {@link StandardCodecs} codec. */
    protected Stream<Codec> codecs() {
        return StandardCodecs.all().stream();
    }

    /** Records that exercise what Kafka allows and lossy encodings get wrong. */
    protected List<ArchiveRecord> edgeCaseRecords() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] invalidUtf8 = {
            (byte) 0xc3,
            (byte) 0x28,
            (byte) 0xa0,
            (byte) 0xa1,
            (byte) 0xed,
            (byte) 0xa0,
            (byte) 0x80
        };
        byte[] large = new byte[1 << 20];
        new Random(9).nextBytes(large);
        String unicode = "événements-日本語-\uD83D\uDE80";
        List<ArchiveRecord> records = new ArrayList<>();
        records.add(record("t", 0, 0, null, null, List.of())); // tombstone with null key
        records.add(record("t", 0, 1, new byte[0], new byte[0], List.of())); // empty, not null
        records.add(record("t", 0, 2, utf8("k"), null, List.of())); // keyed tombstone
        records.add(record("t", 0, 3, null, new byte[0], List.of()));
        records.add(record("t", 0, 4, new byte[0], null, List.of()));
        records.add(record("t", 0, 5, binary, invalidUtf8, List.of()));
        records.add(
                record(
                        "t",
                        0,
                        6,
                        utf8("k"),
                        utf8("v"),
                        List.of(
                                new RecordHeader("null", null),
                                new RecordHeader("empty", new byte[0]),
                                new RecordHeader("binary", invalidUtf8),
                                new RecordHeader("dup", utf8("1")),
                                new RecordHeader("dup", utf8("2")),
                                new RecordHeader(unicode, utf8(unicode)),
                                new RecordHeader("", binary))));
        records.add(
                record(
                        unicode,
                        7,
                        8,
                        utf8(unicode),
                        utf8("{\"json\": \"line\\n\"}\n\r\t\0"),
                        List.of()));
        records.add(record("t", 0, 9, null, large, List.of()));
        records.add(
                new ArchiveRecord(
                        "t",
                        Integer.MAX_VALUE,
                        Long.MAX_VALUE,
                        Long.MAX_VALUE,
                        TimestampType.LOG_APPEND_TIME,
                        null,
                        utf8("max"),
                        List.of()));
        records.add(
                new ArchiveRecord(
                        "t",
                        0,
                        10,
                        -1,
                        TimestampType.NO_TIMESTAMP,
                        null,
                        utf8("no ts"),
                        List.of()));
        records.add(
                new ArchiveRecord(
                        "",
                        0,
                        11,
                        0,
                        TimestampType.CREATE_TIME,
                        null,
                        utf8("empty topic"),
                        List.of()));
        return records;
    }

    /** {@code n} ordinary records with keys, values, headers and timestamps of varying shapes. */
    protected List<ArchiveRecord> sampleRecords(int n, Random random) {
        List<ArchiveRecord> records = new ArrayList<>(n);
        TimestampType[] types = TimestampType.values();
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[random.nextInt(200)];
            for (int j = 0; j < value.length; j++) {
                value[j] = (byte) ('a' + random.nextInt(26));
            }
            List<RecordHeader> headers =
                    random.nextBoolean()
                            ? List.of()
                            : List.of(new RecordHeader("h" + i, utf8("header-" + i)));
            records.add(
                    new ArchiveRecord(
                            "topic-" + (i % 3),
                            i % 5,
                            1_000_000L + i,
                            1_764_018_000_000L + i,
                            types[i % types.length],
                            i % 4 == 0 ? null : utf8("key-" + i),
                            concat(utf8("value-" + i + "-"), value),
                            headers));
        }
        return records;
    }

    /**
     * Writes {@code records} with the codec into a byte array, as the engine writes a file: around
     * the format's stream, or, for a format that {@linkplain FileFormat#compressesInternally()
     * compresses internally}, by the format configured {@linkplain FileFormat#withCodec(Codec) with
     * the codec}.
     */
    protected byte[] write(List<ArchiveRecord> records, Codec codec) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FileFormat format = format();
        try (RecordWriter writer =
                format.compressesInternally()
                        ? format.withCodec(codec).newWriter(bytes)
                        : format.newWriter(codec.compress(bytes))) {
            for (ArchiveRecord r : records) {
                writer.write(parsed(r));
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Reads every record of a file written by {@link #write}, as the engine's tools do: a format
     * that compresses internally reads its files as they are, whatever the codec.
     */
    protected List<ArchiveRecord> read(byte[] file, Codec codec) throws IOException {
        List<ArchiveRecord> records = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(file);
        try (RecordReader reader =
                format().newReader(format().compressesInternally() ? in : codec.decompress(in))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        }
        return records;
    }

    /** Exactly equal for lossless formats; equal values (null read as empty allowed) otherwise. */
    protected void assertReadBack(List<ArchiveRecord> written, List<ArchiveRecord> read) {
        if (format().lossless()) {
            assertThat(read).containsExactlyElementsOf(written);
            return;
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            byte[] expected = written.get(i).value() == null ? new byte[0] : written.get(i).value();
            assertThat(read.get(i).value()).as("value of record %d", i).isEqualTo(expected);
        }
    }

    protected static ParsedRecord parsed(ArchiveRecord record) {
        return ParsedRecord.of(record, Instant.ofEpochMilli(Math.max(0, record.timestamp())));
    }

    protected static ArchiveRecord record(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            List<RecordHeader> headers) {
        return new ArchiveRecord(
                topic,
                partition,
                offset,
                1_764_018_000_000L + offset,
                TimestampType.CREATE_TIME,
                key,
                value,
                headers);
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        int closes;
        int flushes;
        int writes;
        long bytes;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            writes++;
            bytes++;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            bytes += len;
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            flushes++;
            out.flush();
        }

        @Override
        public void close() throws IOException {
            closes++;
            out.close();
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        int closes;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closes++;
            super.close();
        }
    }
}
