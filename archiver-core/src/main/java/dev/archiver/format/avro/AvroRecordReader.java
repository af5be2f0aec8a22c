package dev.archiver.format.avro;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

final class AvroRecordReader implements RecordReader {
    private final DataFileStream<GenericRecord> stream;
    private GenericRecord reuse;
    private long count;
    private boolean closed;

    private AvroRecordReader(DataFileStream<GenericRecord> stream) {
        this.stream = stream;
    }

    static AvroRecordReader open(InputStream in) throws IOException {
        try {
            return new AvroRecordReader(
                    new DataFileStream<>(in, new GenericDatumReader<>(AvroFormat.SCHEMA)));
        } catch (IOException | AvroRuntimeException e) {
            in.close();
            throw new IOException(
                    "Not an Avro data file of Kafka records, or its header is truncated: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public ArchiveRecord read() throws IOException {
        if (closed) {
            throw new IOException("avro reader is closed");
        }
        try {
            if (!stream.hasNext()) {
                return null;
            }
            reuse = stream.next(reuse);
        } catch (IOException | AvroRuntimeException e) {
            throw new IOException(
                    "Truncated or corrupt Avro file after record " + count + ": " + describe(e), e);
        }
        count++;
        return toRecord(reuse);
    }

    private static String describe(Exception e) {
        Throwable cause =
                e instanceof AvroRuntimeException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static ArchiveRecord toRecord(GenericRecord r) {
        List<?> headerRecords = (List<?>) r.get("headers");
        List<RecordHeader> headers = new ArrayList<>(headerRecords.size());
        for (Object o : headerRecords) {
            GenericRecord h = (GenericRecord) o;
            headers.add(new RecordHeader(h.get("key").toString(), bytes(h.get("value"))));
        }
        return new ArchiveRecord(
                r.get("topic").toString(),
                (Integer) r.get("partition"),
                (Long) r.get("offset"),
                (Long) r.get("timestamp"),
                TimestampType.valueOf(r.get("timestampType").toString()),
                bytes(r.get("key")),
                bytes(r.get("value")),
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
            stream.close();
        }
    }
}
