package dev.archiver.format.avro;

import static dev.archiver.format.FormatTestSupport.edgeCases;
import static dev.archiver.format.FormatTestSupport.read;
import static dev.archiver.format.FormatTestSupport.record;
import static dev.archiver.format.FormatTestSupport.utf8;
import static dev.archiver.format.FormatTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.Codec;
import dev.archiver.codec.GzipCodec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.codec.ZstdCodec;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroFormatTest {

    @Test
    void edgeCasesRoundTrip() throws IOException {
        List<ArchiveRecord> records = edgeCases();
        assertThat(read(new AvroFormat(), write(new AvroFormat(), records)))
                .containsExactlyElementsOf(records);
    }

    @Test
    void manyBlocksRoundTrip() throws IOException {
        List<ArchiveRecord> records = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            records.add(
                    record(
                            i,
                            utf8("key-" + i),
                            utf8("value-" + i),
                            new RecordHeader("i", utf8("" + i))));
        }
        byte[] file = write(new AvroFormat(), records);
        assertThat(file.length).as("more than one 64 KB block").isGreaterThan(4 * 64_000);
        assertThat(read(new AvroFormat(), file)).containsExactlyElementsOf(records);
    }

    @Test
    void filesAreStandardContainersWithoutContainerCompression() throws IOException {
        ArchiveRecord r = record(5, null, utf8("v"), new RecordHeader("h", null));
        byte[] file = write(new AvroFormat(), List.of(r));
        try (DataFileStream<GenericRecord> stream =
                new DataFileStream<>(new ByteArrayInputStream(file), new GenericDatumReader<>())) {
            assertThat(stream.getSchema()).isEqualTo(AvroFormat.SCHEMA);
            assertThat(stream.getMetaString("avro.codec")).isEqualTo("null");
            GenericRecord g = stream.next();
            assertThat(g.get("topic").toString()).isEqualTo("events");
            assertThat(g.get("partition")).isEqualTo(3);
            assertThat(g.get("offset")).isEqualTo(5L);
            assertThat(g.get("timestamp")).isEqualTo(1_764_018_000_005L);
            assertThat(g.get("timestampType").toString()).isEqualTo("CREATE_TIME");
            assertThat(g.get("key")).isNull();
            assertThat(g.get("value")).isEqualTo(ByteBuffer.wrap(utf8("v")));
            GenericRecord header = (GenericRecord) ((List<?>) g.get("headers")).get(0);
            assertThat(header.get("key").toString()).isEqualTo("h");
            assertThat(header.get("value")).isNull();
            assertThat(stream.hasNext()).isFalse();
        }
    }

    @Test
    void emptyFileIsAValidContainer() throws IOException {
        byte[] file = write(new AvroFormat(), List.of());
        assertThat(file).isNotEmpty();
        assertThat(read(new AvroFormat(), file)).isEmpty();
    }

    @Test
    void everyCutExceptTheEndOfTheHeaderIsReportedAsTruncation() throws IOException {
        int headerLength = write(new AvroFormat(), List.of()).length;
        byte[] file =
                write(
                        new AvroFormat(),
                        List.of(record(0, utf8("a"), utf8("b")), record(1, null, null)));
        for (int cut = 0; cut < file.length; cut++) {
            byte[] truncated = Arrays.copyOf(file, cut);
            if (cut == headerLength) {
                assertThat(read(new AvroFormat(), truncated)).isEmpty();
                continue;
            }
            assertThatThrownBy(() -> read(new AvroFormat(), truncated))
                    .as("cut at %d of %d", cut, file.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Truncated Avro file: it ends inside");
        }
    }

    @Test
    void otherFilesAreRejectedClearly() throws IOException {
        assertThatThrownBy(() -> read(new AvroFormat(), utf8("{\"topic\":\"t\"}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Not an Avro data file");

        byte[] file = write(new AvroFormat(), List.of(record(0, null, utf8("v"))));
        byte[] codec = utf8("avro.codec\bnull");
        int at = indexOf(file, codec);
        assertThat(at).isPositive();
        System.arraycopy(utf8("avro.codec\bbrot"), 0, file, at, codec.length);
        assertThatThrownBy(() -> read(new AvroFormat(), file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unsupported container compression 'brot'")
                .hasMessageContaining("null, deflate, snappy or zstandard");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockCodecs")
    void everyBlockCodecIsReadByAvrosOwnReaderWithoutOuterDecompression(
            Codec codec, String avroCodec) throws IOException {
        FileFormat format = new AvroFormat().withCodec(codec);
        assertThat(format.extension()).isEqualTo(".avro");
        List<ArchiveRecord> records = new ArrayList<>(edgeCases());
        for (int i = 0; i < 5_000; i++) {
            records.add(record(100 + i, utf8("key-" + i), utf8("{\"n\":" + i + "}")));
        }
        byte[] file = write(format, records);
        assertThat(read(format, file)).containsExactlyElementsOf(records);
        assertThat(read(new AvroFormat(), file))
                .as("any avro format reads any block codec")
                .containsExactlyElementsOf(records);
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(
                        new SeekableByteArrayInput(file), new GenericDatumReader<>())) {
            assertThat(reader.getMetaString("avro.codec")).isEqualTo(avroCodec);
            assertThat(reader.getSchema()).isEqualTo(AvroFormat.SCHEMA);
            int i = 0;
            for (GenericRecord g : reader) {
                ArchiveRecord r = records.get(i++);
                assertThat(g.get("offset")).isEqualTo(r.offset());
                assertThat(g.get("topic").toString()).isEqualTo(r.topic());
                assertThat(bytes(g.get("value"))).isEqualTo(r.value());
                assertThat(bytes(g.get("key"))).isEqualTo(r.key());
            }
            assertThat(i).isEqualTo(records.size());
        }
        if (!avroCodec.equals("null")) {
            assertThat(file.length)
                    .as("compressed")
                    .isLessThan(write(new AvroFormat(), records).length);
        }
    }

    static Stream<Arguments> blockCodecs() {
        return Stream.of(
                Arguments.of(StandardCodecs.NONE, "null"),
                Arguments.of(StandardCodecs.GZIP, "deflate"),
                Arguments.of(new GzipCodec(1), "deflate"),
                Arguments.of(StandardCodecs.SNAPPY, "snappy"),
                Arguments.of(StandardCodecs.ZSTD, "zstandard"),
                Arguments.of(new ZstdCodec(-3), "zstandard"));
    }

    @Test
    void theJobsCodecBecomesTheBlockCodecAtItsLevel() {
        assertThat(new AvroFormat().compressesInternally()).isTrue();
        assertThat(new AvroFormat().withCodec(new GzipCodec(1)))
                .hasToString("avro(block-codec=deflate(level=1))");
        assertThat(new AvroFormat().withCodec(new ZstdCodec(7)))
                .hasToString("avro(block-codec=zstandard(level=7))");
        assertThat(new AvroFormat().withCodec(StandardCodecs.NONE))
                .hasToString("avro(block-codec=null)");
        assertThatThrownBy(() -> new AvroFormat().withCodec(StandardCodecs.LZ4))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'lz4' for codec")
                .hasMessageContaining("none, gzip, snappy, zstd");
    }

    @Test
    void filesOfEarlierVersionsInAnOuterCodecStayReadable() throws IOException {
        List<ArchiveRecord> records = edgeCases();
        ByteArrayOutputStream zst = new ByteArrayOutputStream();
        try (var writer = new AvroFormat().newWriter(StandardCodecs.ZSTD.compress(zst))) {
            for (ArchiveRecord r : records) {
                writer.write(dev.archiver.parse.ParsedRecord.of(r, java.time.Instant.EPOCH));
            }
        }
        var type =
                dev.archiver.verify.ArchiveFiles.load().detect("t-0-00000000000000000000.avro.zst");
        assertThat(type).isPresent();
        assertThat(type.get().codec().name()).isEqualTo("zstd");
        List<ArchiveRecord> read = new ArrayList<>();
        try (var reader =
                type.get()
                        .format()
                        .newReader(
                                type.get()
                                        .codec()
                                        .decompress(new ByteArrayInputStream(zst.toByteArray())))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).containsExactlyElementsOf(records);
        var plain = dev.archiver.verify.ArchiveFiles.load().detect("t-0-00000000000000000000.avro");
        assertThat(plain).isPresent();
        assertThat(plain.get().codec().name()).isEqualTo("none");
    }

    private static byte[] bytes(Object o) {
        if (o == null) {
            return null;
        }
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void readsFilesWrittenWithGenericAvro() throws IOException {
        GenericRecord g = new GenericData.Record(AvroFormat.SCHEMA);
        g.put("topic", "t");
        g.put("partition", 1);
        g.put("offset", 2L);
        g.put("timestamp", 3L);
        g.put(
                "timestampType",
                new GenericData.EnumSymbol(
                        AvroFormat.SCHEMA.getField("timestampType").schema(), "LOG_APPEND_TIME"));
        g.put("key", ByteBuffer.wrap(new byte[0]));
        g.put("value", null);
        g.put("headers", List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<>(AvroFormat.SCHEMA))) {
            writer.create(AvroFormat.SCHEMA, out);
            writer.append(g);
        }
        assertThat(read(new AvroFormat(), out.toByteArray()))
                .containsExactly(
                        new ArchiveRecord(
                                "t",
                                1,
                                2,
                                3,
                                dev.archiver.record.TimestampType.LOG_APPEND_TIME,
                                new byte[0],
                                null,
                                List.of()));
    }

    @Test
    void providerIsRegistered() {
        FileFormatProvider provider =
                Plugins.find(
                        FileFormatProvider.class, "avro", "format", Plugins.defaultClassLoader());
        var format = provider.create(Settings.empty());
        assertThat(format).isInstanceOf(AvroFormat.class);
        assertThat(format.lossless()).isTrue();
        assertThat(format.extension()).isEqualTo(".avro");
    }
}
