package dev.archiver.format.parquet;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.HadoopFreeReadOptions;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a Parquet file written by {@link ParquetFormat}, in any of its modes. Parquet needs random
 * access (the footer comes last), so the stream is first copied to a local temporary file.
 */
final class ParquetRecordReader implements RecordReader {
    private final Path file;
    private final ParquetFileReader fileReader;
    private final MessageColumnIO columnIO;
    private final RecordMaterializer<GenericRecord> materializer;
    private org.apache.parquet.io.RecordReader<GenericRecord> rowGroup;
    private long rowGroupRemaining;
    private long rows;
    private boolean done;
    private boolean closed;

    private ParquetRecordReader(Path file, ParquetFileReader fileReader) {
        this.file = file;
        this.fileReader = fileReader;
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        FileMetaData meta = fileReader.getFooter().getFileMetaData();
        MessageType schema = meta.getSchema();
        Map<String, String> keyValues = meta.getKeyValueMetaData();
        // what ParquetReader does, without its builder, whose class loads Hadoop's
        AvroReadSupport<GenericRecord> support = new AvroReadSupport<>(GenericData.get());
        ReadSupport.ReadContext context = support.init(conf, keyValues, schema);
        this.materializer = support.prepareForRead(conf, keyValues, schema, context);
        this.columnIO =
                new ColumnIOFactory(meta.getCreatedBy())
                        .getColumnIO(context.getRequestedSchema(), schema, true);
    }

    /**
     * @param typedValues whether a file without the value's bytes ({@code value-columns=typed}) may
     *     be read, its values rendered as JSON; only a format configured that way, which says it is
     *     not lossless, allows it, so that {@code verify} and {@code restore} (which use a lossless
     *     instance) refuse such files instead of taking rendered JSON for the original
     */
    static ParquetRecordReader open(InputStream in, boolean typedValues) throws IOException {
        Path file = null;
        ParquetFileReader reader = null;
        try (in) {
            file = Files.createTempFile("archiver-parquet-", ".parquet");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            reader =
                    ParquetFileReader.open(
                            new LocalInputFile(file),
                            HadoopFreeReadOptions.create(
                                    PageCodecs.INSTANCE, new PlainParquetConfiguration()));
            if (!typedValues
                    && reader.getFooter().getFileMetaData().getSchema().containsField("value")
                    && !reader.getFooter()
                            .getFileMetaData()
                            .getSchema()
                            .containsField("raw_value")) {
                throw new IOException(
                        "the file holds the values as typed columns only"
                                + " (format.parquet.value-columns=typed), not their bytes: it is not"
                                + " lossless; query it with a Parquet reader such as DuckDB");
            }
            return new ParquetRecordReader(file, reader);
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
            throw new IOException("Not a readable Parquet file: " + e.getMessage(), e);
        }
    }

    @Override
    public ArchiveRecord read() throws IOException {
        if (closed) {
            throw new IOException("parquet reader is closed");
        }
        if (done) {
            return null;
        }
        GenericRecord r;
        try {
            while (rowGroupRemaining == 0) {
                PageReadStore pages = fileReader.readNextRowGroup();
                if (pages == null) {
                    done = true;
                    return null;
                }
                rowGroupRemaining = pages.getRowCount();
                rowGroup = columnIO.getRecordReader(pages, materializer);
            }
            r = rowGroup.read();
            rowGroupRemaining--;
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "Corrupt or truncated Parquet file: row "
                            + rows
                            + " cannot be read: "
                            + e.getMessage(),
                    e);
        }
        rows++;
        try {
            return toRecord(r);
        } catch (RuntimeException e) {
            throw new IOException(
                    "Parquet file is not of Kafka records: row "
                            + (rows - 1)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static ArchiveRecord toRecord(GenericRecord r) {
        List<?> headerRecords = (List<?>) r.get("headers");
        List<RecordHeader> headers = new ArrayList<>(headerRecords.size());
        for (Object o : headerRecords) {
            GenericRecord h = (GenericRecord) o;
            headers.add(new RecordHeader(h.get("key").toString(), bytes(h.get("value"))));
        }
        byte[] value;
        if (r.getSchema().getField("raw_value") != null) {
            value = bytes(r.get("raw_value"));
        } else {
            Object typed = r.get("value");
            value =
                    typed == null
                            ? null
                            : GenericData.get().toString(typed).getBytes(StandardCharsets.UTF_8);
        }
        Object timestamp = r.get("timestamp");
        return new ArchiveRecord(
                r.get("topic").toString(),
                (Integer) r.get("partition"),
                (Long) r.get("offset"),
                timestamp == null ? -1 : (Long) timestamp,
                TimestampType.valueOf(r.get("timestamp_type").toString()),
                bytes(r.get("key")),
                value,
                headers);
    }

    private static byte[] bytes(Object o) {
        if (o == null) {
            return null;
        }
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                fileReader.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
