package dev.archiver.format.parquet;

import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.testing.AbstractFileFormatContractTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The contract suite as the engine uses parquet: never inside an outer codec (the job's codec must
 * be {@code none}; {@code withCodec} rejects the others, see {@link ParquetFormatProviderTest}).
 * The suite's codec parameter is therefore ignored; the page codecs run in {@link HadoopFreeTest}.
 */
abstract class ParquetContractBinding extends AbstractFileFormatContractTest {

    @Override
    protected Stream<Codec> codecs() {
        return Stream.of(StandardCodecs.NONE);
    }

    @Override
    protected byte[] write(List<ArchiveRecord> records, Codec ignored) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordWriter writer = format().newWriter(bytes)) {
            for (ArchiveRecord r : records) {
                writer.write(parsed(r));
            }
        }
        return bytes.toByteArray();
    }

    @Override
    protected List<ArchiveRecord> read(byte[] file, Codec ignored) throws IOException {
        List<ArchiveRecord> records = new ArrayList<>();
        try (RecordReader reader = format().newReader(new ByteArrayInputStream(file))) {
            for (ArchiveRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        }
        return records;
    }
}
