package dev.archiver.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.record.ArchiveRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Typed columns only: not lossless. A reader gets each value back as the JSON text of its typed
 * record; the envelope is exact.
 */
class ParquetTypedFormatContractTest extends ParquetContractBinding {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    protected FileFormat format() {
        return new ParquetFormatProvider()
                .create(Settings.of(PageView.settings("typed")).withPrefix("format.parquet."));
    }

    @Override
    protected List<ArchiveRecord> sampleRecords(int n, Random random) {
        return ParquetTypedAndRawFormatContractTest.withPageViews(
                super.sampleRecords(n, random), random);
    }

    @Override
    protected void assertReadBack(List<ArchiveRecord> written, List<ArchiveRecord> read) {
        assertThat(format().lossless()).isFalse();
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            ArchiveRecord w = written.get(i);
            ArchiveRecord r = read.get(i);
            assertThat(r.topic()).isEqualTo(w.topic());
            assertThat(r.partition()).isEqualTo(w.partition());
            assertThat(r.offset()).isEqualTo(w.offset());
            assertThat(r.timestamp()).isEqualTo(w.timestamp());
            assertThat(r.timestampType()).isEqualTo(w.timestampType());
            assertThat(r.key()).isEqualTo(w.key());
            assertThat(r.headers()).isEqualTo(w.headers());
            JsonNode expected = tree(w.value());
            JsonNode actual = tree(r.value());
            assertThat(actual.get("user")).isEqualTo(expected.get("user"));
            assertThat(actual.get("duration_ms")).isEqualTo(expected.get("duration_ms"));
            assertThat(actual.get("at")).isEqualTo(expected.get("at"));
            assertThat(actual.get("tags")).isEqualTo(expected.get("tags"));
            assertThat(actual.path("country").asText(null))
                    .isEqualTo(expected.path("country").asText(null));
            assertThat(actual.get("device").isNull()).isEqualTo(!expected.has("device"));
        }
    }

    @Test
    void aLosslessReaderRefusesTypedOnlyFilesAndADisplayReaderShowsThem() throws IOException {
        List<ArchiveRecord> records = sampleRecords(5, new Random(8));
        byte[] file = write(records, StandardCodecs.NONE);
        FileFormat lossless = new ParquetFormatProvider().create(Settings.empty());
        assertThatThrownBy(() -> lossless.newReader(new ByteArrayInputStream(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("typed columns only")
                .hasMessageContaining("not lossless");
        List<ArchiveRecord> shown = new java.util.ArrayList<>();
        try (var reader = lossless.newDisplayReader(new ByteArrayInputStream(file))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                shown.add(r);
            }
        }
        assertReadBack(records, shown);
    }

    private static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
