package dev.archiver.format.avro;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.RecordNotWritableException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The schema that a format reads Kafka record values with, to write them as typed fields: an Avro
 * record schema, and how values are encoded ({@link Encoding#JSON} documents, converted by {@link
 * JsonToAvro}, or {@link Encoding#AVRO_BINARY}, Avro's binary encoding of that schema with no
 * header). Immutable and thread-safe.
 *
 * <p>Configured by a format under its own prefix with {@link #from(Settings)}:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>meaning</th></tr>
 *   <tr><td>{@code value-schema}</td><td>the Avro schema, inline JSON; a record</td></tr>
 *   <tr><td>{@code value-schema-file}</td><td>a file holding it (not both)</td></tr>
 *   <tr><td>{@code value-encoding}</td><td>{@code json} (default) or {@code avro-binary}</td></tr>
 * </table>
 *
 * @since 0.2
 */
public final class ValueSchema {
    /** How record values are encoded in Kafka. */
    public enum Encoding {
        /** One JSON document per value. */
        JSON,
        /** Avro's binary encoding of the schema's record, with no header or schema id. */
        AVRO_BINARY
    }

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build();

    private final Schema schema;
    private final Encoding encoding;

    private ValueSchema(Schema schema, Encoding encoding) {
        this.schema = requireNonNull(schema, "schema is null");
        this.encoding = requireNonNull(encoding, "encoding is null");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "a value schema must be a record, not " + schema.getType());
        }
    }

    public static ValueSchema of(Schema schema, Encoding encoding) {
        return new ValueSchema(schema, encoding);
    }

    /**
     * The value schema configured by {@code value-schema} or {@code value-schema-file} in {@code
     * settings} (already scoped to the format), or empty when neither is set.
     *
     * @throws ConfigException naming the key when both are set, the file cannot be read, the text
     *     is not an Avro schema, the schema is not a record, or the encoding is unknown
     */
    public static Optional<ValueSchema> from(Settings settings) {
        Optional<String> inline = settings.getString("value-schema");
        Optional<String> file = settings.getString("value-schema-file");
        Encoding encoding = settings.getEnum("value-encoding", Encoding.class, Encoding.JSON);
        if (inline.isPresent() && file.isPresent()) {
            throw new ConfigException(
                    "Set one of "
                            + settings.fullKey("value-schema")
                            + " and "
                            + settings.fullKey("value-schema-file")
                            + ", not both");
        }
        String key;
        String text;
        if (inline.isPresent()) {
            key = settings.fullKey("value-schema");
            text = inline.get();
        } else if (file.isPresent()) {
            key = settings.fullKey("value-schema-file");
            try {
                text = Files.readString(Path.of(file.get()));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(
                        "Invalid value '"
                                + file.get()
                                + "' for "
                                + key
                                + ": cannot read the file ("
                                + e.getClass().getSimpleName()
                                + ": "
                                + e.getMessage()
                                + ")",
                        e);
            }
        } else {
            if (settings.contains("value-encoding")) {
                throw new ConfigException(
                        settings.fullKey("value-encoding")
                                + " needs a schema: set "
                                + settings.fullKey("value-schema")
                                + " or "
                                + settings.fullKey("value-schema-file"));
            }
            return Optional.empty();
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text);
        } catch (AvroRuntimeException e) {
            throw new ConfigException(
                    "Invalid value for " + key + ": not an Avro schema (" + e.getMessage() + ")",
                    e);
        }
        if (schema.getType() != Schema.Type.RECORD) {
            throw new ConfigException(
                    "Invalid value for "
                            + key
                            + ": the value schema must be an Avro record, not "
                            + schema.getType().getName());
        }
        return Optional.of(new ValueSchema(schema, encoding));
    }

    public Schema schema() {
        return schema;
    }

    public Encoding encoding() {
        return encoding;
    }

    /**
     * Reads one record value with this schema.
     *
     * @param value the value's bytes, not {@code null}
     * @throws RecordNotWritableException when the value is not valid in this encoding or does not
     *     fit the schema; the message says why and where, never quoting the value
     */
    public GenericRecord decode(byte[] value) {
        requireNonNull(value, "value is null");
        return switch (encoding) {
            case JSON -> decodeJson(value);
            case AVRO_BINARY -> decodeBinary(value);
        };
    }

    private GenericRecord decodeJson(byte[] value) {
        JsonNode json;
        try (JsonParser parser = MAPPER.createParser(value)) {
            json = MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            throw new RecordNotWritableException(
                    "value is not one JSON document ("
                            + e.getOriginalMessage()
                            + " at line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ")");
        } catch (IOException e) {
            throw new RecordNotWritableException("value is not JSON: " + e.getMessage(), e);
        }
        if (json == null || json.isMissingNode()) {
            throw new RecordNotWritableException("value is empty, not a JSON document");
        }
        try {
            return JsonToAvro.toRecord(json, schema);
        } catch (RecordNotWritableException e) {
            throw new RecordNotWritableException(
                    "value does not fit schema " + schema.getFullName() + ": " + e.getMessage(),
                    e.getCause());
        }
    }

    private GenericRecord decodeBinary(byte[] value) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, null);
        GenericRecord record;
        try {
            // a reader per value: formats decode from several consumer threads at once
            record = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new RecordNotWritableException(
                        "value is not one Avro-binary "
                                + schema.getFullName()
                                + ": bytes are left after the record ("
                                + value.length
                                + " bytes in all)");
            }
        } catch (EOFException e) {
            throw new RecordNotWritableException(
                    "value is not one Avro-binary "
                            + schema.getFullName()
                            + ": it ends inside the record ("
                            + value.length
                            + " bytes)");
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException e) {
            throw new RecordNotWritableException(
                    "value is not one Avro-binary "
                            + schema.getFullName()
                            + ": "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage());
        }
        return record;
    }

    @Override
    public String toString() {
        return schema.getFullName() + " from " + encoding.name().toLowerCase(java.util.Locale.ROOT);
    }
}
