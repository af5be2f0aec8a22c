package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.avro.AvroFormat;
import dev.archiver.format.avro.AvroFormatProvider;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Avro with the value as a record of a JSON value schema and its bytes kept: lossless. Every
 * non-null value of the suite's records is replaced by a page view that fits the schema, so the
 * edge cases of keys, headers, timestamps and tombstones still run.
 */
class AvroTypedAndRawFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new AvroFormatProvider()
                .create(
                        Settings.of(Map.of("format.avro.value-schema", PageViews.SCHEMA))
                                .withPrefix("format.avro."));
    }

    @Override
    protected Stream<Codec> codecs() {
        return super.codecs().filter(c -> !c.name().equals("lz4"));
    }

    @Override
    protected List<ArchiveRecord> sampleRecords(int n, Random random) {
        return PageViews.withPageViews(super.sampleRecords(n, random), random);
    }

    @Override
    protected List<ArchiveRecord> edgeCaseRecords() {
        List<ArchiveRecord> records =
                PageViews.withPageViews(super.edgeCaseRecords(), new Random(11));
        String big = "x".repeat(1 << 20);
        records.add(
                record(
                        "t",
                        0,
                        12,
                        null,
                        utf8("{\"user\":\"" + big + "\",\"duration_ms\":1,\"at\":0}"),
                        List.of()));
        return records;
    }

    /**
     * Page views in every JSON style (spaces, tabs and line breaks, escapes, unicode, a byte order
     * mark, members in another order, unknown members): they fit the schema and come back exactly
     * from {@code raw_value}.
     */
    @Override
    protected List<byte[]> jsonLikePayloads() {
        List<byte[]> out = new ArrayList<>();
        for (String s :
                new String[] {
                    "{\"user\":\"a\",\"duration_ms\":1,\"at\":0}",
                    "{ \"user\" : \"a\" ,\t\"duration_ms\" : 1 , \"at\" : 0 }",
                    "{\n  \"at\": \"2026-11-24T21:05:00Z\",\n  \"user\": \"b\",\n  \"duration_ms\": 2\n}\n",
                    "{\"user\":\"\\u00e9\\ud83d\\ude80\",\"duration_ms\":3,\"at\":1,\"extra\":[1,{\"x\":null}]}",
                    "{\"user\":\"\uD83D\uDE80 \u00e9 \u2028\",\"duration_ms\":-4,\"at\":2,\"price\":1e2}",
                    "\uFEFF{\"user\":\"bom\",\"duration_ms\":5,\"at\":3}",
                    "{\"user\":\"" + "z".repeat(100_000) + "\",\"duration_ms\":6,\"at\":4}",
                }) {
            out.add(utf8(s));
        }
        return out;
    }

    @Test
    void isTheTypedAndRawModeAndLossless() {
        AvroFormat f = (AvroFormat) format();
        assertThat(f.valueColumns()).isEqualTo(AvroFormat.ValueColumns.TYPED_AND_RAW);
        assertThat(f.lossless()).isTrue();
        assertThat(f.fileSchema().getField("raw_value")).isNotNull();
    }

    @Test
    void aDefaultLosslessReaderReadsTheRawBytes() throws IOException {
        List<ArchiveRecord> records = new ArrayList<>();
        List<byte[]> payloads = jsonLikePayloads();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(
                    record("t", 0, i, null, payloads.get(i), List.of(new RecordHeader("h", null))));
        }
        byte[] file = write(records, StandardCodecs.ZSTD);
        FileFormat plain = new AvroFormatProvider().create(Settings.empty());
        List<ArchiveRecord> read = new ArrayList<>();
        try (var reader = plain.newReader(new java.io.ByteArrayInputStream(file))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).containsExactlyElementsOf(records);
    }
}
