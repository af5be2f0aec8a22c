package dev.archiver.format.parquet;

import dev.archiver.config.ConfigException;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.registry.AvroSchemaUnion;
import dev.archiver.registry.RegistryAvroDecoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Spools rows to a local file in Avro's binary encoding and writes the Parquet file into the stream
 * on {@link #close()}: an open writer holds a small buffer, not a row group.
 */
final class ParquetRecordWriter implements RecordWriter {
    private static final int SPOOL_BUFFER = 8 * 1024;
    private static final int ROW_BUFFER_KEEP = 64 * 1024;

    /**
     * Footer key-value metadata with random bytes, so that two files of the same rows never have
     * the same bytes (S3's ETag is the content's MD5; issue 14, hole 6). Readers ignore keys they
     * do not know.
     */
    static final String NONCE_KEY = "archiver.nonce";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ParquetFormat format;
    private final Schema schema;
    private final Schema headerSchema;
    private final OutputStream out;
    private final Path spool;
    private final OutputStream spoolOut;
    private final GenericDatumWriter<GenericRecord> datumWriter;
    private final Optional<RegistryAvroDecoder> registry;

    private final TypedColumn value = new TypedColumn("value", true);
    private final TypedColumn key = new TypedColumn("key", false);
    private ByteArrayOutputStream row = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;
    private long rows;
    private long spooled;
    private boolean closed;

    ParquetRecordWriter(ParquetFormat format, OutputStream out, Path scratchDirectory)
            throws IOException {
        this.format = format;
        this.schema = format.fileSchema();
        this.registry = format.registry();
        this.headerSchema = schema.getField("headers").schema().getElementType();
        this.out = out;
        this.datumWriter = new GenericDatumWriter<>(schema, GenericData.get());
        this.encoder = EncoderFactory.get().directBinaryEncoder(row, null);
        Path file = null;
        try {
            Files.createDirectories(scratchDirectory);
            file = Files.createTempFile(scratchDirectory, "parquet-rows-", ".spool");
            this.spoolOut = new BufferedOutputStream(Files.newOutputStream(file), SPOOL_BUFFER);
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            out.close();
            throw e;
        }
        this.spool = file;
    }

    @Override
    public void write(ParsedRecord parsed) throws IOException {
        if (closed) {
            throw new IOException("parquet writer is closed");
        }
        ArchiveRecord r = parsed.record();
        GenericData.Record rec = new GenericData.Record(schema);
        if (registry.isPresent()) {
            // throws RecordNotWritableException before anything of this record is spooled
            Pending v = r.value() == null ? null : value.prepare(r.value());
            Pending k = r.key() == null || !format.typedKeys() ? null : key.prepare(r.key());
            Schema fileValue = v == null ? value.union : v.union();
            Schema fileKey = k == null ? key.union : k.union();
            try {
                ParquetFormat.fileSchema(
                        format.valueColumns(),
                        Optional.ofNullable(fileValue),
                        Optional.ofNullable(fileKey));
            } catch (ConfigException e) {
                throw new RecordNotWritableException(e.getMessage());
            }
            if (v != null) {
                value.commit(v);
            }
            if (k != null) {
                key.commit(k);
            }
            rec.put("value_schema_id", v == null ? null : v.id());
            rec.put("key_schema_id", k == null ? null : k.id());
            rec.put("raw_value", wrap(r.value()));
        } else if (format.valueColumns() != ParquetFormat.ValueColumns.RAW) {
            // throws RecordNotWritableException before anything of this record is spooled
            rec.put(
                    "value",
                    r.value() == null
                            ? null
                            : format.valueSchema().orElseThrow().decode(r.value()));
        }
        if (format.valueColumns() != ParquetFormat.ValueColumns.TYPED) {
            rec.put("raw_value", wrap(r.value()));
        }
        rec.put("topic", r.topic());
        rec.put("partition", r.partition());
        rec.put("offset", r.offset());
        rec.put("timestamp", r.timestamp() == -1 ? null : r.timestamp());
        rec.put("timestamp_type", r.timestampType().name());
        rec.put("key", wrap(r.key()));
        List<GenericRecord> headers = new ArrayList<>(r.headers().size());
        for (RecordHeader h : r.headers()) {
            GenericData.Record header = new GenericData.Record(headerSchema);
            header.put(0, h.key());
            header.put(1, wrap(h.value()));
            headers.add(header);
        }
        rec.put("headers", headers);
        row.reset();
        datumWriter.write(rec, encoder);
        encoder.flush();
        row.writeTo(spoolOut);
        spooled += row.size();
        rows++;
        if (row.size() > ROW_BUFFER_KEEP) {
            row = new ByteArrayOutputStream(1024);
            encoder = EncoderFactory.get().directBinaryEncoder(row, encoder);
        }
    }

    private static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The schema of the Parquet file: with a schema source, decided by the values written. */
    private Schema parquetSchema() {
        if (registry.isEmpty()) {
            return schema;
        }
        return ParquetFormat.fileSchema(
                value.union == null ? ParquetFormat.ValueColumns.RAW : format.valueColumns(),
                Optional.ofNullable(value.union),
                Optional.ofNullable(key.union));
    }

    private GenericRecord toParquetRow(GenericRecord spooled, Schema target) {
        if (registry.isEmpty()) {
            return spooled;
        }
        GenericData.Record out = new GenericData.Record(target);
        for (Schema.Field f : target.getFields()) {
            switch (f.name()) {
                case "value" ->
                        out.put(f.pos(), value.read(spooled, "value_schema_id", "raw_value"));
                case "typed_key" -> out.put(f.pos(), key.read(spooled, "key_schema_id", "key"));
                default -> out.put(f.pos(), spooled.get(f.name()));
            }
        }
        return out;
    }

    /**
     * A column typed from a schema source (the value, or the key): the writer schemas of this
     * file's values and their union, which grows as compatible new versions arrive.
     */
    private final class TypedColumn {
        private final String what;
        private final boolean recordsOnly;
        private final Map<Integer, Schema> writers = new HashMap<>();
        private Schema union;

        TypedColumn(String what, boolean recordsOnly) {
            this.what = what;
            this.recordsOnly = recordsOnly;
        }

        /**
         * Decodes {@code bytes} and returns the union this file needs to hold it (unchanged when
         * its schema is known), without changing this column.
         *
         * @throws RecordNotWritableException when it does not decode or its schema cannot join
         */
        Pending prepare(byte[] bytes) throws IOException {
            RegistryAvroDecoder.Decoded decoded = registry.orElseThrow().decode(bytes);
            Schema writer = decoded.writerSchema();
            int id = decoded.schemaId();
            if (writers.containsKey(id)) {
                return new Pending(id, writer, union);
            }
            String name = what + " schema " + Integer.toUnsignedString(id);
            if (recordsOnly && writer.getType() != Schema.Type.RECORD) {
                throw new RecordNotWritableException(
                        name
                                + " is an Avro "
                                + writer.getType().getName()
                                + ", not a record; only records become typed columns");
            }
            Schema merged =
                    union == null
                            ? writer
                            : AvroSchemaUnion.merge(union, writer)
                                    .orElseThrow(
                                            () ->
                                                    new RecordNotWritableException(
                                                            name
                                                                    + " of "
                                                                    + writer.getFullName()
                                                                    + " is incompatible with the"
                                                                    + " schema of the open file (a"
                                                                    + " field's types cannot be"
                                                                    + " read as one)"));
            return new Pending(id, writer, merged);
        }

        void commit(Pending p) {
            writers.putIfAbsent(p.id, p.writer);
            union = p.union;
        }

        Object read(GenericRecord spooled, String idField, String bytesField) {
            Object id = spooled.get(idField);
            if (id == null) {
                return null;
            }
            ByteBuffer raw = (ByteBuffer) spooled.get(bytesField);
            byte[] bytes = new byte[raw.remaining()];
            raw.duplicate().get(bytes);
            return registry.orElseThrow()
                    .read((Integer) id, writers.get((Integer) id), union, bytes);
        }
    }

    private record Pending(int id, Schema writer, Schema union) {}

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    /** The spooled rows not yet written to the stream. */
    @Override
    public long bufferedBytes() {
        return closed ? 0 : spooled;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        StreamOutputFile file = new StreamOutputFile(out);
        try {
            spoolOut.close();
            Schema target = parquetSchema();
            try (ParquetWriter<GenericRecord> writer = newParquetWriter(file, target);
                    InputStream in =
                            new BufferedInputStream(Files.newInputStream(spool), 64 * 1024)) {
                BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
                GenericDatumReader<GenericRecord> reader =
                        new GenericDatumReader<>(schema, schema, GenericData.get());
                GenericRecord reuse = null;
                for (long i = 0; i < rows; i++) {
                    reuse = reader.read(reuse, decoder);
                    writer.write(toParquetRow(reuse, target));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("Writing the parquet file failed: " + e.getMessage(), e);
        } finally {
            file.closeQuietly();
            Files.deleteIfExists(spool);
        }
    }

    private ParquetWriter<GenericRecord> newParquetWriter(OutputFile file, Schema schema)
            throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
        return AvroParquetWriter.<GenericRecord>builder(file)
                .withConf(conf)
                .withDataModel(GenericData.get())
                .withSchema(schema)
                .withCodecFactory(PageCodecs.INSTANCE)
                .withCompressionCodec(format.compression().codec)
                .withRowGroupSize(format.rowGroupSize())
                .withPageSize(format.pageSize())
                .withDictionaryPageSize(format.pageSize())
                .withDictionaryEncoding(true)
                .withStatisticsEnabled(true)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withExtraMetaData(Map.of(NONCE_KEY, nonce()))
                .build();
    }

    /** Parquet's view of the writer's stream; it only needs the position. */
    private static final class StreamOutputFile implements OutputFile {
        private final OutputStream out;
        private boolean closed;

        StreamOutputFile(OutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    pos++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    pos += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    if (!closed) {
                        closed = true;
                        out.close();
                    }
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "archiver staging stream";
        }

        void closeQuietly() {
            if (!closed) {
                closed = true;
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the file is abandoned
                }
            }
        }
    }
}
