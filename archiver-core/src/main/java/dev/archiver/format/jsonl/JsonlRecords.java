package dev.archiver.format.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Writes and reads one {@link ArchiveRecord} as one JSON object of the {@code jsonl} layout
 * described in {@link JsonlFormat}. Used by the format itself and by the engine's dead-letter
 * files, which add an {@code "error"} field.
 *
 * @since 0.1
 */
public final class JsonlRecords {
    private JsonlRecords() {}

    /**
     * Writes {@code record} as one JSON object with base64 payloads, plus an {@code "error"} string
     * field when {@code errorOrNull} is not null. Writes no line separator.
     */
    public static void write(JsonGenerator g, ArchiveRecord record, String errorOrNull)
            throws IOException {
        write(g, record, errorOrNull, PayloadEncoding.BASE64);
    }

    /** As {@link #write(JsonGenerator, ArchiveRecord, String)}, with the given payload encoding. */
    public static void write(
            JsonGenerator g, ArchiveRecord record, String errorOrNull, PayloadEncoding encoding)
            throws IOException {
        write(g, record, errorOrNull, encoding, new Scratch());
    }

    /**
     * Per-writer state reused from record to record, so that writing a record allocates nothing: a
     * base64 buffer and the encoded topic name. Not thread-safe; one per writer.
     */
    static final class Scratch {
        // a buffer above this size is used once and dropped, so an odd huge record does not pin
        // megabytes per open file
        private static final int KEEP_LIMIT = 64 * 1024;
        private byte[] buffer = new byte[0];
        private final RawJson raw = new RawJson();
        private String topic;
        private SerializedString encodedTopic;

        byte[] buffer(int size) {
            if (buffer.length >= size) {
                return buffer;
            }
            byte[] b = new byte[size];
            if (size <= KEEP_LIMIT) {
                buffer = b;
            }
            return b;
        }

        RawJson raw(byte[] json) {
            raw.bytes = json;
            return raw;
        }

        SerializedString topic(String name) {
            if (!name.equals(topic)) {
                topic = name;
                encodedTopic = new SerializedString(name);
            }
            return encodedTopic;
        }
    }

    static void write(
            JsonGenerator g,
            ArchiveRecord record,
            String errorOrNull,
            PayloadEncoding encoding,
            Scratch scratch)
            throws IOException {
        requireNonNull(g, "g is null");
        requireNonNull(record, "record is null");
        requireNonNull(encoding, "encoding is null");
        g.writeStartObject();
        g.writeFieldName(TOPIC);
        g.writeString(scratch.topic(record.topic()));
        g.writeFieldName(PARTITION);
        g.writeNumber(record.partition());
        g.writeFieldName(OFFSET);
        g.writeNumber(record.offset());
        g.writeFieldName(TIMESTAMP);
        g.writeNumber(record.timestamp());
        g.writeFieldName(TIMESTAMP_TYPE);
        g.writeString(TIMESTAMP_TYPES[record.timestampType().ordinal()]);
        writePayload(g, KEY, KEY_TEXT, KEY_BASE64, record.key(), encoding, scratch);
        writePayload(g, VALUE, VALUE_TEXT, VALUE_BASE64, record.value(), encoding, scratch);
        g.writeFieldName(HEADERS);
        g.writeStartArray();
        for (RecordHeader header : record.headers()) {
            g.writeStartObject();
            g.writeStringField("key", header.key());
            writePayload(g, VALUE, VALUE_TEXT, VALUE_BASE64, header.value(), encoding, scratch);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (errorOrNull != null) {
            g.writeStringField("error", errorOrNull);
        }
        g.writeEndObject();
    }

    private static final SerializedString TOPIC = new SerializedString("topic");
    private static final SerializedString PARTITION = new SerializedString("partition");
    private static final SerializedString OFFSET = new SerializedString("offset");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString TIMESTAMP_TYPE = new SerializedString("timestampType");
    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString KEY_TEXT = new SerializedString("keyText");
    private static final SerializedString KEY_BASE64 = new SerializedString("keyBase64");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString VALUE_TEXT = new SerializedString("valueText");
    private static final SerializedString VALUE_BASE64 = new SerializedString("valueBase64");
    private static final SerializedString HEADERS = new SerializedString("headers");
    private static final SerializedString[] TIMESTAMP_TYPES =
            Arrays.stream(TimestampType.values())
                    .map(t -> new SerializedString(t.name()))
                    .toArray(SerializedString[]::new);

    private static void writePayload(
            JsonGenerator g,
            SerializedString name,
            SerializedString textName,
            SerializedString base64Name,
            byte[] bytes,
            PayloadEncoding encoding,
            Scratch scratch)
            throws IOException {
        if (bytes == null) {
            g.writeFieldName(name);
            g.writeNull();
            return;
        }
        boolean utf8Output = g instanceof UTF8JsonGenerator;
        int utf8;
        if (encoding == PayloadEncoding.JSON) {
            utf8 = JsonDocument.classify(bytes);
            if (utf8 == JsonDocument.JSON) {
                g.writeFieldName(name);
                g.writeRawValue(scratch.raw(bytes));
                return;
            }
        } else if (encoding == PayloadEncoding.UTF8_OR_BASE64) {
            utf8 = Utf8.check(bytes);
            textName = name;
        } else {
            utf8 = Utf8.INVALID;
        }
        if (utf8 != Utf8.INVALID) {
            g.writeFieldName(textName);
            if (utf8Output && utf8 == Utf8.BMP) {
                // Jackson escapes UTF-8 input as it escapes the decoded String, without the
                // String and its re-encoding; it writes a supplementary character of a String as
                // an escaped surrogate pair, though, so such payloads keep taking the String path
                g.writeUTF8String(bytes, 0, bytes.length);
            } else {
                g.writeString(new String(bytes, StandardCharsets.UTF_8));
            }
            return;
        }
        if (!utf8Output) {
            g.writeFieldName(base64Name);
            g.writeBinary(bytes);
            return;
        }
        // RFC 4648 base64 with padding and no line feeds, as Jackson's default variant; the JDK
        // encoder into a reused buffer is several times faster than Jackson's three-byte chunks,
        // and base64 needs no JSON escaping
        byte[] out = scratch.buffer(4 * ((bytes.length + 2) / 3));
        int n = BASE64_ENCODER.encode(bytes, out);
        g.writeFieldName(base64Name);
        g.writeRawUTF8String(out, 0, n);
    }

    private static final Base64.Encoder BASE64_ENCODER = Base64.getEncoder();

    // reads what any writer embedded: no limits beyond the line itself
    private static final JsonFactory READ =
            new JsonFactoryBuilder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(Integer.MAX_VALUE)
                                    .maxNumberLength(Integer.MAX_VALUE)
                                    .maxStringLength(Integer.MAX_VALUE)
                                    .maxNameLength(Integer.MAX_VALUE)
                                    .build())
                    .build();

    /**
     * Reads one object written by {@link #write} from {@code length} bytes of UTF-8 JSON starting
     * at {@code offset}: every form of every version of the layout (see {@link JsonlFormat}). An
     * embedded JSON document is returned as the exact bytes it occupies in {@code json}. Unknown
     * fields (such as {@code "error"}) are ignored; whitespace around the object is allowed.
     *
     * @throws JsonProcessingException when the bytes are not valid JSON
     * @throws IllegalArgumentException when they are not one object of the layout: a field is
     *     missing or has the wrong type (the message names the field), or something follows the
     *     object
     * @since 0.2
     */
    public static ArchiveRecord read(byte[] json, int offset, int length) throws IOException {
        requireNonNull(json, "json is null");
        try (JsonParser p = READ.createParser(json, offset, length)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(
                        "expected a JSON object but found " + describe(t));
            }
            String topic = null;
            Long partition = null;
            Long recordOffset = null;
            Long timestamp = null;
            String type = null;
            Payload key = new Payload("key", "", "keyText", "keyBase64");
            Payload value = new Payload("value", "", "valueText", "valueBase64");
            List<RecordHeader> headers = List.of();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                switch (name) {
                    case "topic" -> topic = string(p, t, name);
                    case "partition" -> partition = integer(p, t, name, true);
                    case "offset" -> recordOffset = integer(p, t, name, false);
                    case "timestamp" -> timestamp = integer(p, t, name, false);
                    case "timestampType" -> type = string(p, t, name);
                    case "headers" -> headers = headers(p, t, json, offset);
                    default -> {
                        if (!key.accept(name, p, t, json, offset)
                                && !value.accept(name, p, t, json, offset)) {
                            p.skipChildren();
                        }
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("something follows the record's object");
            }
            require(topic, "topic");
            require(partition, "partition");
            require(recordOffset, "offset");
            require(timestamp, "timestamp");
            require(type, "timestampType");
            TimestampType timestampType;
            try {
                timestampType = TimestampType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "field 'timestampType' has unknown value '"
                                + type
                                + "'; expected one of "
                                + List.of(TimestampType.values()));
            }
            return new ArchiveRecord(
                    topic,
                    partition.intValue(),
                    recordOffset,
                    timestamp,
                    timestampType,
                    key.bytes(),
                    value.bytes(),
                    headers);
        }
    }

    /** The payload of one record or header, from whichever of its three fields is set. */
    private static final class Payload {
        private final String name;
        private final String context;
        private final String textName;
        private final String base64Name;
        private byte[] plain;
        private String text;
        private String base64;

        Payload(String name, String context, String textName, String base64Name) {
            this.name = name;
            this.context = context;
            this.textName = textName;
            this.base64Name = base64Name;
        }

        /** Takes field {@code field} if it is one of this payload's; false otherwise. */
        boolean accept(String field, JsonParser p, JsonToken t, byte[] json, int offset)
                throws IOException {
            if (field.equals(name)) {
                plain = plain(p, t, json, offset);
            } else if (field.equals(textName)) {
                text = t == JsonToken.VALUE_NULL ? null : string(p, t, context + textName);
            } else if (field.equals(base64Name)) {
                base64 = t == JsonToken.VALUE_NULL ? null : string(p, t, context + base64Name);
            } else {
                return false;
            }
            return true;
        }

        private static byte[] plain(JsonParser p, JsonToken t, byte[] json, int offset)
                throws IOException {
            switch (t) {
                case VALUE_NULL:
                    return null;
                case VALUE_STRING:
                    // the text form of the utf8-or-base64 encoding
                    return p.getText().getBytes(StandardCharsets.UTF_8);
                default:
                    // an embedded document: its bytes as they are in the line
                    int start = offset + (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = offset + (int) p.currentLocation().getByteOffset();
                    return Arrays.copyOfRange(json, start, end);
            }
        }

        byte[] bytes() {
            String first = null;
            for (String set :
                    new String[] {
                        plain == null ? null : name,
                        text == null ? null : textName,
                        base64 == null ? null : base64Name
                    }) {
                if (set == null) {
                    continue;
                }
                if (first != null) {
                    throw new IllegalArgumentException(
                            "fields '"
                                    + context
                                    + first
                                    + "' and '"
                                    + context
                                    + set
                                    + "' are both set");
                }
                first = set;
            }
            if (plain != null) {
                return plain;
            }
            if (text != null) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (base64 != null) {
                try {
                    return Base64.getDecoder().decode(base64);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "field '"
                                    + context
                                    + base64Name
                                    + "' is not valid base64: "
                                    + e.getMessage());
                }
            }
            return null;
        }
    }

    private static List<RecordHeader> headers(JsonParser p, JsonToken t, byte[] json, int offset)
            throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (t != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("field 'headers' must be an array");
        }
        List<RecordHeader> headers = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("field 'headers' must hold objects");
            }
            String key = null;
            Payload value = new Payload("value", "headers[].", "valueText", "valueBase64");
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if (name.equals("key")) {
                    key = string(p, t, "headers[].key");
                } else if (!value.accept(name, p, t, json, offset)) {
                    p.skipChildren();
                }
            }
            require(key, "headers[].key");
            headers.add(new RecordHeader(key, value.bytes()));
        }
        return headers;
    }

    private static String string(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("field '" + name + "' must be a string");
        }
        return p.getText();
    }

    private static Long integer(JsonParser p, JsonToken t, String name, boolean isInt)
            throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonParser.NumberType type = t == JsonToken.VALUE_NUMBER_INT ? p.getNumberType() : null;
        if (type == JsonParser.NumberType.INT || (!isInt && type == JsonParser.NumberType.LONG)) {
            return p.getLongValue();
        }
        throw new IllegalArgumentException(
                "field '" + name + "' must be " + (isInt ? "an int" : "a long"));
    }

    private static void require(Object field, String name) {
        if (field == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString();
        };
    }
}
