package dev.archiver.format.parquet;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.testing.AbstractFileFormatContractTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Typed columns from a JSON value schema with the raw bytes kept: lossless. Every non-null value of
 * the suite's records is replaced by a page view that fits the schema, so the edge cases of keys,
 * headers, timestamps and tombstones still run.
 */
class ParquetTypedAndRawFormatContractTest extends AbstractFileFormatContractTest {

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
