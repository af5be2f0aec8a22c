package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.archiver.format.RecordNotWritableException;
import dev.archiver.format.avro.JsonToAvro;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes values in the Confluent wire format into Avro's generic representation, each with the
 * schema its header names, held by a {@link SchemaSource}: Avro payloads are read with their writer
 * schema; JSON payloads described by a JSON Schema are read with the Avro schema {@link
 * JsonSchemaToAvro} makes of it (by {@link JsonToAvro}'s rules). Protobuf schemas are refused.
 * Thread-safe; converted schemas are kept per id.
 *
 * <p>What is wrong with the record itself (not the wire format, an id the source does not have, a
 * schema that is not Avro, a payload that does not decode) is a {@link RecordNotWritableException},
 * which the engine handles by {@code errors.tolerance}; a source that cannot be asked is an {@link
 * IOException}, which the engine retries (the partition is rewound and replayed), so no record is
 * dead-lettered because the registry was briefly away.
 *
 * @since 0.3
 */
public final class RegistryAvroDecoder {
    /** A decoded value. */
    public record Decoded(int schemaId, Schema writerSchema, Object value) {}

    private final SchemaSource source;
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, SchemaType> types = new ConcurrentHashMap<>();
    private final AtomicLong unknownIds = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();

    public RegistryAvroDecoder(SchemaSource source) {
        this.source = requireNonNull(source, "source is null");
    }

    public SchemaSource source() {
        return source;
    }

    /**
     * The Avro writer schema with registry id {@code id}.
     *
     * @throws RecordNotWritableException when the source has no such id or it is not Avro
     * @throws IOException when the source cannot be asked
     */
    public Schema writerSchema(int id) throws IOException {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        RegisteredSchema registered;
        try {
            registered = source.schema(id);
        } catch (SchemaNotFoundException e) {
            unknownIds.incrementAndGet();
            throw new RecordNotWritableException(
                    "unknown schema id " + Integer.toUnsignedString(id) + ": " + e.getMessage());
        } catch (IOException e) {
            unavailable.incrementAndGet();
            throw e;
        }
        Schema parsed;
        switch (registered.type()) {
            case AVRO -> {
                try {
                    parsed = new Schema.Parser().parse(registered.text());
                } catch (SchemaParseException e) {
                    throw new RecordNotWritableException(
                            "schema "
                                    + Integer.toUnsignedString(id)
                                    + " is not a valid Avro schema: "
                                    + e.getMessage());
                }
            }
            case JSON -> {
                try {
                    parsed = JsonSchemaToAvro.convert(registered.text());
                } catch (IllegalArgumentException e) {
                    throw new RecordNotWritableException(
                            "JSON Schema "
                                    + Integer.toUnsignedString(id)
                                    + " cannot become typed columns: "
                                    + e.getMessage());
                }
            }
            default ->
                    throw new RecordNotWritableException(
                            "schema "
                                    + Integer.toUnsignedString(id)
                                    + " is a "
                                    + registered.type()
                                    + " schema; Avro and JSON Schema values are decoded");
        }
        types.putIfAbsent(id, registered.type());
        Schema previous = schemas.putIfAbsent(id, parsed);
        return previous == null ? parsed : previous;
    }

    /**
     * Decodes one value with its writer schema.
     *
     * @param value the value's bytes in the wire format
     * @throws RecordNotWritableException when the value is not in the wire format, names an id the
     *     source does not have or a schema that is not Avro, or its payload is not one datum of
     *     that schema; the message never quotes the value
     * @throws IOException when the source cannot be asked; a retry may succeed
     */
    public Decoded decode(byte[] value) throws IOException {
        requireNonNull(value, "value is null");
        int id;
        try {
            id = WireFormat.schemaId(value);
        } catch (RecordNotWritableException e) {
            corrupt.incrementAndGet();
            throw e;
        }
        Schema writer = writerSchema(id);
        return new Decoded(id, writer, read(id, writer, writer, value));
    }

    /**
     * Reads the payload of {@code value} (in the wire format, written with {@code writer}) as
     * {@code reader}, by Avro's schema resolution.
     *
     * @throws RecordNotWritableException when the payload is not one datum of {@code writer}
     */
    public Object read(int id, Schema writer, Schema reader, byte[] value) {
        if (types.get(id) == SchemaType.JSON) {
            return readJson(id, reader, value);
        }
        BinaryDecoder decoder =
                DecoderFactory.get()
                        .binaryDecoder(
                                value,
                                WireFormat.HEADER_SIZE,
                                value.length - WireFormat.HEADER_SIZE,
                                null);
        try {
            Object datum =
                    new GenericDatumReader<>(writer, reader, GenericData.get()).read(null, decoder);
            if (!decoder.isEnd()) {
                throw corrupt(id, "bytes are left after the datum");
            }
            return datum;
        } catch (EOFException e) {
            throw corrupt(id, "the payload ends inside the datum");
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException
                | ClassCastException e) {
            throw corrupt(id, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Object readJson(int id, Schema reader, byte[] value) {
        JsonNode json;
        try {
            json =
                    JSON.readTree(
                            value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE);
        } catch (JsonProcessingException e) {
            corrupt.incrementAndGet();
            throw new RecordNotWritableException(
                    "payload is not a JSON document (schema "
                            + Integer.toUnsignedString(id)
                            + "): "
                            + e.getOriginalMessage());
        } catch (IOException e) {
            corrupt.incrementAndGet();
            throw new RecordNotWritableException("payload is not JSON: " + e.getMessage());
        }
        if (json == null || json.isMissingNode()) {
            corrupt.incrementAndGet();
            throw new RecordNotWritableException("payload is empty, not a JSON document");
        }
        try {
            return JsonToAvro.toRecord(json, reader);
        } catch (RecordNotWritableException e) {
            corrupt.incrementAndGet();
            throw new RecordNotWritableException(
                    "payload does not fit JSON Schema "
                            + Integer.toUnsignedString(id)
                            + ": "
                            + e.getMessage());
        }
    }

    private RecordNotWritableException corrupt(int id, String why) {
        corrupt.incrementAndGet();
        return new RecordNotWritableException(
                "payload is not an Avro datum of schema "
                        + Integer.toUnsignedString(id)
                        + ": "
                        + why);
    }

    /** Values that named an id the source does not have. */
    public long unknownIds() {
        return unknownIds.get();
    }

    /** Values not in the wire format or whose payload did not decode. */
    public long corruptValues() {
        return corrupt.get();
    }

    /** Lookups that failed because the source could not be asked. */
    public long sourceUnavailable() {
        return unavailable.get();
    }
}
