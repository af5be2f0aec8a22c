package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

import dev.archiver.format.RecordNotWritableException;
import dev.archiver.parse.KafkaTimestampParser;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParseException;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code schema-registry} parser: decodes values in the wire format (Avro or JSON Schema) with
 * the schema their header names and exposes the decoded fields to partitioners and transformers as
 * the {@code json} parser does (nested maps, lists, strings, numbers, booleans), with the event
 * time from a field. Settings: see {@link RegistryParserConfig}.
 *
 * <p>A value that cannot be decoded (not the wire format, unknown id, corrupt payload) is a {@link
 * RecordParseException}, handled by {@code errors.tolerance}. When the schema source cannot be
 * asked, the lookup is retried, blocking this consumer thread, for up to {@code source-wait}; a
 * source still away then is a {@link RecordParseException} too, with that reason.
 *
 * @since 0.3
 */
public final class RegistryParser implements RecordParser {
    private static final Logger log = LoggerFactory.getLogger(RegistryParser.class);

    private final RegistryAvroDecoder decoder;
    private final RegistryParserConfig config;

    public RegistryParser(SchemaSource source, RegistryParserConfig config) {
        this.decoder = new RegistryAvroDecoder(requireNonNull(source, "source is null"));
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public ParsedRecord parse(ArchiveRecord record) {
        byte[] value = record.value();
        if (value == null) {
            return ParsedRecord.of(record, KafkaTimestampParser.kafkaTimeOrEpoch(record));
        }
        Object decoded;
        try {
            decoded = decodeWaiting(value);
        } catch (RecordNotWritableException e) {
            throw new RecordParseException(record, e.getMessage());
        } catch (IOException e) {
            throw new RecordParseException(
                    record,
                    "schema source unavailable for "
                            + config.sourceWait().toSeconds()
                            + "s: "
                            + e.getMessage());
        }
        if (!(decoded instanceof GenericRecord r)) {
            throw new RecordParseException(record, "the decoded value is not a record");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) toPlain(r);
        ParsedRecord parsed = new ParsedRecord(record, Instant.EPOCH, fields);
        return new ParsedRecord(record, eventTime(parsed), fields);
    }

    private Object decodeWaiting(byte[] value) throws IOException {
        long deadline = System.nanoTime() + config.sourceWait().toNanos();
        long backoff = 250;
        while (true) {
            try {
                return decoder.decode(value).value();
            } catch (RecordNotWritableException e) {
                throw e;
            } catch (IOException e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    throw e;
                }
                log.warn(
                        "schema source unavailable, retrying in {} ms: {}",
                        backoff,
                        e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the schema source", ie);
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private Instant eventTime(ParsedRecord parsed) {
        ArchiveRecord record = parsed.record();
        if (config.timestampField().isEmpty()) {
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        String path = config.timestampField().get();
        Object raw = parsed.field(path).orElse(null);
        if (raw == null) {
            if (config.onMissingTimestamp() == TimestampFallback.FAIL) {
                throw new RecordParseException(record, "no timestamp field '" + path + "'");
            }
            return KafkaTimestampParser.kafkaTimeOrEpoch(record);
        }
        try {
            return config.timestampFormat().toInstant(raw);
        } catch (IllegalArgumentException e) {
            throw new RecordParseException(
                    record, "timestamp field '" + path + "': " + e.getMessage());
        }
    }

    /** Avro's generic representation as the plain values partitioners read. */
    static Object toPlain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof GenericRecord r) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                map.put(f.name(), toPlain(r.get(f.pos())));
            }
            return map;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(k.toString(), toPlain(v)));
            return map;
        }
        if (value instanceof List<?> l) {
            List<Object> list = new ArrayList<>(l.size());
            l.forEach(v -> list.add(toPlain(v)));
            return list;
        }
        if (value instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof GenericData.Fixed f) {
            return f.bytes().clone();
        }
        return value.toString(); // Utf8, enum symbols
    }

    @Override
    public String toString() {
        return "schema-registry(" + decoder.source() + ", " + config + ")";
    }
}
