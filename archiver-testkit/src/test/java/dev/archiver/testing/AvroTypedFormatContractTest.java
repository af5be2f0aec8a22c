package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.avro.AvroFormatProvider;
import dev.archiver.record.ArchiveRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Avro with the value as a record of the value schema only: not lossless. A reader of the format so
 * configured, and a display reader, get each value back as the JSON text of its typed record; the
 * envelope is exact; a lossless reader refuses the files.
 */
class AvroTypedFormatContractTest extends AbstractFileFormatContractTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    protected FileFormat format() {
        return new AvroFormatProvider()
                .create(
                        Settings.of(
                                        Map.of(
                                                "format.avro.value-schema",
                                                PageViews.SCHEMA,
                                                "format.avro.value-columns",
                                                "typed"))
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
            for (String field : List.of("user", "duration_ms", "at", "tags")) {
                assertThat(actual.get(field))
                        .as("%s of record %d", field, i)
                        .isEqualTo(expected.get(field));
            }
            assertThat(actual.path("country").asText(null))
                    .isEqualTo(expected.path("country").asText(null));
            assertThat(actual.get("device").isNull()).isEqualTo(!expected.has("device"));
        }
    }

    @Test
    void aLosslessReaderRefusesTypedOnlyFilesAndADisplayReaderShowsThem() throws IOException {
        List<ArchiveRecord> records = sampleRecords(5, new Random(8));
        byte[] file = write(records, StandardCodecs.SNAPPY);
        FileFormat lossless = new AvroFormatProvider().create(Settings.empty());
        assertThat(lossless.lossless()).isTrue();
        assertThatThrownBy(() -> lossless.newReader(new ByteArrayInputStream(file)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("The file holds the values as typed records only")
                .hasMessageContaining("not lossless");
        List<ArchiveRecord> shown = new ArrayList<>();
        try (RecordReader reader = lossless.newDisplayReader(new ByteArrayInputStream(file))) {
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
