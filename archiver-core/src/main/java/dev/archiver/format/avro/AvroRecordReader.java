package dev.archiver.format.avro;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads the container format block by block instead of with {@code DataFileStream}, whose {@code
 * hasNext()} treats an end of input inside a block as the end of the file: a truncated archive
 * would read back as a shorter, valid one.
 */
final class AvroRecordReader implements RecordReader {
    private static final int MAX_BLOCK_SIZE = Integer.MAX_VALUE - 16;

    /** Files of mode typed-and-raw, read without decoding the typed value. */
    private static final Schema RAW_VALUE_PROJECTION = rawValueProjection();

    /** Where a file keeps the value. */
    private enum Value {
        BYTES,
        RAW_VALUE,
        TYPED
    }

    private final InputStream in;
    private final BinaryDecoder decoder;
    private final byte[] sync;
    private final BlockCodec blockCodec;
    private final GenericDatumReader<GenericRecord> datumReader;
    private final Value value;
    private final byte[] syncBuffer = new byte[DataFileConstants.SYNC_SIZE];
    private BinaryDecoder blockDecoder;
    private long blockRemaining;
    private long blockNumber;
    private long count;
    private GenericRecord reuse;
    private boolean closed;

    private AvroRecordReader(
            InputStream in,
            BinaryDecoder decoder,
            byte[] sync,
            Schema writerSchema,
            BlockCodec blockCodec,
            Value value) {
        this.in = in;
        this.blockCodec = blockCodec;
        this.decoder = decoder;
        this.sync = sync;
        this.value = value;
        Schema readerSchema =
                switch (value) {
                    case BYTES -> AvroFormat.SCHEMA;
                    case RAW_VALUE -> RAW_VALUE_PROJECTION;
                    case TYPED -> writerSchema;
                };
        this.datumReader = new GenericDatumReader<>(writerSchema, readerSchema);
    }

    private static Schema rawValueProjection() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : AvroFormat.SCHEMA.getFields()) {
            fields.add(
                    new Schema.Field(
                            f.name().equals("value") ? "raw_value" : f.name(), f.schema()));
        }
        return Schema.createRecord(
                AvroFormat.SCHEMA.getName(), null, AvroFormat.SCHEMA.getNamespace(), false, fields);
    }

    /**
     * @param typedValues whether a file without the value's bytes ({@code value-columns=typed}) may
     *     be read, its values rendered as JSON; only a format configured that way, which says it is
     *     not lossless, and display readers allow it, so that {@code verify} and {@code restore}
     *     refuse such files instead of taking rendered JSON for the original
     */
    static AvroRecordReader open(InputStream in, boolean typedValues) throws IOException {
        AvroRecordReader reader;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(in, null);
            byte[] magic = new byte[DataFileConstants.MAGIC.length];
            decoder.readFixed(magic);
            if (!Arrays.equals(magic, DataFileConstants.MAGIC)) {
                throw new IOException("Not an Avro data file: bad magic bytes");
            }
            Map<String, byte[]> meta = new HashMap<>();
            for (long n = decoder.readMapStart(); n != 0; n = decoder.mapNext()) {
                for (long i = 0; i < n; i++) {
                    String key = decoder.readString();
                    ByteBuffer value = decoder.readBytes(null);
                    byte[] bytes = new byte[value.remaining()];
                    value.get(bytes);
                    meta.put(key, bytes);
                }
            }
            byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
            decoder.readFixed(sync);
            byte[] schemaJson = meta.get(DataFileConstants.SCHEMA);
            if (schemaJson == null) {
                throw new IOException("Not an Avro data file: the header has no schema");
            }
            Schema writerSchema =
                    new Schema.Parser().parse(new String(schemaJson, StandardCharsets.UTF_8));
            byte[] codecName = meta.get(DataFileConstants.CODEC);
            String codec =
                    codecName == null
                            ? DataFileConstants.NULL_CODEC
                            : new String(codecName, StandardCharsets.UTF_8);
            BlockCodec blockCodec = BlockCodec.named(codec);
            reader =
                    new AvroRecordReader(
                            in, decoder, sync, writerSchema, blockCodec, value(writerSchema));
        } catch (EOFException e) {
            in.close();
            throw new IOException("Truncated Avro file: it ends inside the header", e);
        } catch (IOException | AvroRuntimeException e) {
            in.close();
            throw new IOException("Not an Avro data file of Kafka records: " + e.getMessage(), e);
        }
        if (reader.value == Value.TYPED && !typedValues) {
            in.close();
            throw new IOException(
                    "The file holds the values as typed records only"
                            + " (format.avro.value-columns=typed), not their bytes: it is not"
                            + " lossless; read it with an Avro tool such as avro-tools tojson");
        }
        return reader;
    }

    private static Value value(Schema writerSchema) {
        if (writerSchema.getType() != Schema.Type.RECORD) {
            return Value.BYTES; // resolution against SCHEMA reports it
        }
        if (writerSchema.getField("raw_value") != null) {
            return Value.RAW_VALUE;
        }
        Schema.Field value = writerSchema.getField("value");
        if (value != null && value.schema().getType() == Schema.Type.UNION) {
            for (Schema branch : value.schema().getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return Value.TYPED;
                }
            }
        }
        return Value.BYTES;
    }

    @Override
    public ArchiveRecord read() throws IOException {
        if (closed) {
            throw new IOException("avro reader is closed");
        }
        if (blockRemaining == 0 && !nextBlock()) {
            return null;
        }
        try {
            reuse = datumReader.read(reuse, blockDecoder);
        } catch (IOException | AvroRuntimeException e) {
            throw new IOException(
                    "Corrupt Avro file: record "
                            + count
                            + " in block "
                            + blockNumber
                            + " cannot be decoded: "
                            + e.getMessage(),
                    e);
        }
        blockRemaining--;
        if (blockRemaining == 0 && !blockDecoder.isEnd()) {
            throw new IOException(
                    "Corrupt Avro file: block " + blockNumber + " has bytes after its last record");
        }
        count++;
        try {
            return toRecord(reuse);
        } catch (RuntimeException e) {
            throw new IOException(
                    "Avro file is not of Kafka records: record "
                            + (count - 1)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private boolean nextBlock() throws IOException {
        while (true) {
            if (decoder.isEnd()) {
                return false;
            }
            blockNumber++;
            try {
                long records = decoder.readLong();
                long size = decoder.readLong();
                if (records < 0 || size < 0 || size > MAX_BLOCK_SIZE) {
                    throw new IOException(
                            "Corrupt Avro file: block "
                                    + blockNumber
                                    + " claims "
                                    + records
                                    + " records in "
                                    + size
                                    + " bytes");
                }
                byte[] data = new byte[(int) size];
                decoder.readFixed(data);
                decoder.readFixed(syncBuffer);
                if (!Arrays.equals(syncBuffer, sync)) {
                    throw new IOException(
                            "Corrupt Avro file: block "
                                    + blockNumber
                                    + " is not followed by the sync marker");
                }
                ByteBuffer block;
                try {
                    block = blockCodec.decompress(data);
                } catch (IOException | RuntimeException e) {
                    throw new IOException(
                            "Corrupt Avro file: block "
                                    + blockNumber
                                    + " cannot be decompressed ("
                                    + blockCodec.name()
                                    + "): "
                                    + e.getMessage(),
                            e);
                }
                blockDecoder =
                        DecoderFactory.get()
                                .binaryDecoder(
                                        block.array(),
                                        block.arrayOffset() + block.position(),
                                        block.remaining(),
                                        blockDecoder);
                blockRemaining = records;
            } catch (EOFException e) {
                throw new IOException(
                        "Truncated Avro file: it ends inside block "
                                + blockNumber
                                + ", after record "
                                + count,
                        e);
            }
            if (blockRemaining > 0) {
                return true;
            }
        }
    }

    private ArchiveRecord toRecord(GenericRecord r) {
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
                switch (value) {
                    case BYTES -> bytes(r.get("value"));
                    case RAW_VALUE -> bytes(r.get("raw_value"));
                    case TYPED -> typedAsJson(r.get("value"));
                },
                headers);
    }

    private static byte[] typedAsJson(Object typed) {
        return typed == null
                ? null
                : GenericData.get().toString(typed).getBytes(StandardCharsets.UTF_8);
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
            in.close();
        }
    }
}
