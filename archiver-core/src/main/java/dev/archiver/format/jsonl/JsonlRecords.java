package dev.archiver.format.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        requireNonNull(g, "g is null");
        requireNonNull(record, "record is null");
        requireNonNull(encoding, "encoding is null");
        g.writeStartObject();
        g.writeStringField("topic", record.topic());
        g.writeNumberField("partition", record.partition());
        g.writeNumberField("offset", record.offset());
        g.writeNumberField("timestamp", record.timestamp());
        g.writeStringField("timestampType", record.timestampType().name());
        writePayload(g, "key", record.key(), encoding);
        writePayload(g, "value", record.value(), encoding);
        g.writeArrayFieldStart("headers");
        for (RecordHeader header : record.headers()) {
            g.writeStartObject();
            g.writeStringField("key", header.key());
            writePayload(g, "value", header.value(), encoding);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (errorOrNull != null) {
            g.writeStringField("error", errorOrNull);
        }
        g.writeEndObject();
    }

    private static void writePayload(
            JsonGenerator g, String name, byte[] bytes, PayloadEncoding encoding)
            throws IOException {
        if (bytes == null) {
            g.writeNullField(name);
            return;
        }
        if (encoding == PayloadEncoding.UTF8_OR_BASE64) {
            String text = decodeUtf8(bytes);
            if (text != null) {
                g.writeStringField(name, text);
                return;
            }
        }
        // Jackson's default variant is RFC 4648 base64 with padding and no line feeds
        g.writeBinaryField(name + "Base64", bytes);
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

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
