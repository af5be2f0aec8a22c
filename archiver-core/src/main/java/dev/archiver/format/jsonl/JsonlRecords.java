package dev.archiver.format.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
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
        writePayload(g, KEY, KEY_BASE64, record.key(), encoding, scratch);
        writePayload(g, VALUE, VALUE_BASE64, record.value(), encoding, scratch);
        g.writeFieldName(HEADERS);
        g.writeStartArray();
        for (RecordHeader header : record.headers()) {
            g.writeStartObject();
            g.writeStringField("key", header.key());
            writePayload(g, VALUE, VALUE_BASE64, header.value(), encoding, scratch);
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
    private static final SerializedString KEY_BASE64 = new SerializedString("keyBase64");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString VALUE_BASE64 = new SerializedString("valueBase64");
    private static final SerializedString HEADERS = new SerializedString("headers");
    private static final SerializedString[] TIMESTAMP_TYPES =
            Arrays.stream(TimestampType.values())
                    .map(t -> new SerializedString(t.name()))
                    .toArray(SerializedString[]::new);

    private static void writePayload(
            JsonGenerator g,
            SerializedString name,
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
        int utf8 = encoding == PayloadEncoding.UTF8_OR_BASE64 ? Utf8.check(bytes) : Utf8.INVALID;
        if (utf8 != Utf8.INVALID) {
            g.writeFieldName(name);
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

    /**
     * Reads one object written by {@link #write}. Unknown fields (such as {@code "error"}) are
     * ignored.
     *
     * @throws IllegalArgumentException when a field is missing or has the wrong type; the message
     *     names the field
     */
    public static ArchiveRecord read(JsonNode node) {
        requireNonNull(node, "node is null");
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object but found " + node.getNodeType());
        }
        String topic = requireField(node, "topic", JsonNode::isTextual, "a string").asText();
        JsonNode partition = requireField(node, "partition", JsonNode::canConvertToInt, "an int");
        JsonNode offset = requireField(node, "offset", JsonNode::canConvertToLong, "a long");
        JsonNode timestamp = requireField(node, "timestamp", JsonNode::canConvertToLong, "a long");
        String type = requireField(node, "timestampType", JsonNode::isTextual, "a string").asText();
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
        List<RecordHeader> headers = new ArrayList<>();
        JsonNode headerNodes = node.get("headers");
        if (headerNodes != null && !headerNodes.isNull()) {
            if (!headerNodes.isArray()) {
                throw new IllegalArgumentException("field 'headers' must be an array");
            }
            for (JsonNode h : headerNodes) {
                if (!h.isObject()) {
                    throw new IllegalArgumentException("field 'headers' must hold objects");
                }
                String key = requireField(h, "key", JsonNode::isTextual, "a string").asText();
                headers.add(new RecordHeader(key, payload(h, "value", "headers[].")));
            }
        }
        return new ArchiveRecord(
                topic,
                partition.intValue(),
                offset.longValue(),
                timestamp.longValue(),
                timestampType,
                payload(node, "key", ""),
                payload(node, "value", ""),
                headers);
    }

    private static JsonNode requireField(
            JsonNode node, String name, java.util.function.Predicate<JsonNode> ok, String what) {
        JsonNode field = node.get(name);
        if (field == null || field.isNull()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        if (!ok.test(field) || (field.isNumber() && !field.isIntegralNumber())) {
            throw new IllegalArgumentException("field '" + name + "' must be " + what);
        }
        return field;
    }

    private static byte[] payload(JsonNode node, String name, String context) {
        JsonNode base64 = node.get(name + "Base64");
        JsonNode text = node.get(name);
        boolean hasBase64 = base64 != null && !base64.isNull();
        boolean hasText = text != null && !text.isNull();
        if (hasBase64 && hasText) {
            throw new IllegalArgumentException(
                    "fields '"
                            + context
                            + name
                            + "' and '"
                            + context
                            + name
                            + "Base64' are both set");
        }
        if (hasBase64) {
            if (!base64.isTextual()) {
                throw new IllegalArgumentException(
                        "field '" + context + name + "Base64' must be a string");
            }
            try {
                return Base64.getDecoder().decode(base64.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "field '"
                                + context
                                + name
                                + "Base64' is not valid base64: "
                                + e.getMessage());
            }
        }
        if (hasText) {
            if (!text.isTextual()) {
                throw new IllegalArgumentException(
                        "field '" + context + name + "' must be a string or null");
            }
            return text.asText().getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }
}
