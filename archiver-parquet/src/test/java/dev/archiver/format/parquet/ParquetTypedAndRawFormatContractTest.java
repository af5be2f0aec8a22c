package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Typed columns from a JSON value schema with the raw bytes kept: lossless. Every non-null value of
 * the suite's records is replaced by a page view that fits the schema, so the edge cases of keys,
 * headers, timestamps and tombstones still run.
 */
class ParquetTypedAndRawFormatContractTest extends ParquetContractBinding {

    @Override
    protected FileFormat format() {
        return new ParquetFormatProvider()
                .create(
                        Settings.of(PageView.settings("typed-and-raw"))
                                .withPrefix("format.parquet."));
    }

    @Override
    protected List<ArchiveRecord> sampleRecords(int n, Random random) {
        return withPageViews(super.sampleRecords(n, random), random);
    }

    @Override
    protected List<ArchiveRecord> edgeCaseRecords() {
        List<ArchiveRecord> records = withPageViews(super.edgeCaseRecords(), new Random(11));
        // the suite's 1 MB value, as a page view with a 1 MB string
        String big = "x".repeat(1 << 20);
        records.add(
                record(
                        "t",
                        0,
                        12,
                        null,
                        ("{\"user\":\"" + big + "\",\"duration_ms\":1,\"at\":0}")
                                .getBytes(StandardCharsets.UTF_8),
                        List.of()));
        return records;
    }

    /**
     * The suite's byte-for-byte JSON test (where the testkit has it) with page views written in
     * every JSON style: spaces, tabs and line breaks, escapes, unicode, members in another order,
     * unknown members. They must fit the schema, and come back exactly from {@code raw_value}.
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
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void pageViewsInEveryJsonStyleComeBackByteForByte() throws IOException {
        List<byte[]> payloads = jsonLikePayloads();
        List<ArchiveRecord> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            records.add(record("t", 0, i, p, p, List.of(new RecordHeader("h", p))));
        }
        assertThat(read(write(records, StandardCodecs.NONE), StandardCodecs.NONE))
                .containsExactlyElementsOf(records);
    }

    static List<ArchiveRecord> withPageViews(List<ArchiveRecord> records, Random random) {
        List<ArchiveRecord> result = new ArrayList<>(records.size());
        int i = 0;
        for (ArchiveRecord r : records) {
            result.add(
                    new ArchiveRecord(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.timestamp(),
                            r.timestampType(),
                            r.key(),
                            r.value() == null ? null : PageView.jsonBytes(i, random),
                            r.headers()));
            i++;
        }
        return result;
    }
}
