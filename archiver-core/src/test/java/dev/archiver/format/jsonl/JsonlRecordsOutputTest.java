package dev.archiver.format.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The allocation-free writer must produce byte for byte what the straightforward Jackson calls
 * produce (the on-disk layout is a contract): base64 via {@code writeBinaryField}, UTF-8 payloads
 * via a strict decode and {@code writeStringField}, JSON documents via a strict tree parse and
 * {@code writeRawValue}.
 */
class JsonlRecordsOutputTest {
    private static final JsonFactory GENERATORS =
            new JsonFactoryBuilder().rootValueSeparator((String) null).build();
    private static final ObjectMapper STRICT =
            JsonMapper.builder(
                            new JsonFactoryBuilder()
                                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(100)
                                                    .maxNumberLength(1000)
                                                    .maxStringLength(Integer.MAX_VALUE)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    @ParameterizedTest
    @EnumSource(PayloadEncoding.class)
    void sameBytesAsTheReferenceWriter(PayloadEncoding encoding) throws IOException {
        Random random = new Random(7);
        List<ArchiveRecord> records = new ArrayList<>();
        for (byte[] payload : payloads(random)) {
            records.add(
                    new ArchiveRecord(
                            random.nextBoolean() ? "events" : "t\u00e9-\"q\"",
                            random.nextInt(1000),
                            random.nextLong() & Long.MAX_VALUE,
                            random.nextBoolean() ? -1 : random.nextLong() & Long.MAX_VALUE,
                            TimestampType.values()[random.nextInt(3)],
                            random.nextBoolean() ? null : payload,
                            payload,
                            random.nextBoolean()
                                    ? List.of()
                                    : List.of(
                                            new RecordHeader("h", payload),
                                            new RecordHeader("n\n", null))));
        }
        byte[] fast = write(records, encoding, true);
        byte[] reference = write(records, encoding, false);
        int i = java.util.Arrays.mismatch(fast, reference);
        assertThat(i)
                .as(
                        "first difference at %d: ...%s... vs ...%s...",
                        i, excerpt(fast, i), excerpt(reference, i))
                .isEqualTo(-1);
    }

    @Test
    void utf8ValidationAgreesWithTheJdkDecoder() {
        Random random = new Random(11);
        for (byte[] payload : payloads(random)) {
            assertThat(Utf8.isValid(payload))
                    .as("%s", java.util.Arrays.toString(payload))
                    .isEqualTo(jdkDecode(payload) != null);
        }
    }

    private static String excerpt(byte[] b, int at) {
        int from = Math.max(0, at - 60);
        int to = Math.min(b.length, at + 40);
        return new String(b, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    private static List<byte[]> payloads(Random random) {
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        out.addAll(JsonlFormatTest.hostilePayloads());
        out.add("plain ascii {\"json\": 1}".getBytes(StandardCharsets.UTF_8));
        out.add(
                "ctrl \u0000\u0001\t\n\r\u001f \\ \" / \u2028\u2029"
                        .getBytes(StandardCharsets.UTF_8));
        out.add(
                "\u00e9\u4e2d\ud83d\ude00\uffff\u0080\u07ff\u0800"
                        .getBytes(StandardCharsets.UTF_8));
        int[][] edges = {
            {0xc0, 0x80},
            {0xc1, 0xbf},
            {0xc2, 0x80},
            {0xdf, 0xbf},
            {0xe0, 0x80, 0x80},
            {0xe0, 0xa0, 0x80},
            {0xed, 0x9f, 0xbf},
            {0xed, 0xa0, 0x80},
            {0xef, 0xbf, 0xbf},
            {0xf0, 0x8f, 0xbf, 0xbf},
            {0xf0, 0x90, 0x80, 0x80},
            {0xf4, 0x8f, 0xbf, 0xbf},
            {0xf4, 0x90, 0x80, 0x80},
            {0xf5, 0x80, 0x80, 0x80},
            {0xff},
            {0x80},
            {0xe2, 0x82},
            {0xf0, 0x9f, 0x98},
            {0x41, 0xc3}
        };
        for (int[] e : edges) {
            byte[] b = new byte[e.length];
            for (int i = 0; i < e.length; i++) {
                b[i] = (byte) e[i];
            }
            out.add(b);
        }
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[random.nextInt(i < 2900 ? 40 : 100_000)];
            if (random.nextBoolean()) {
                random.nextBytes(b);
            } else {
                // mostly valid text with a few random bytes
                String s = randomText(random, b.length);
                b = s.getBytes(StandardCharsets.UTF_8);
                if (b.length > 0 && random.nextInt(4) == 0) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            out.add(b);
        }
        return out;
    }

    private static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder();
        String alphabet = "ab \"\\\n\t\u0000\u00e9\u4e2d\ud83d\ude00\u2028";
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String s = sb.toString();
        // never split a surrogate pair from the alphabet
        return s.replaceAll("\ud83d(?!\ude00)", "x").replaceAll("(?<!\ud83d)\ude00", "y");
    }

    private static byte[] write(List<ArchiveRecord> records, PayloadEncoding encoding, boolean fast)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = GENERATORS.createGenerator(out, JsonEncoding.UTF8)) {
            JsonlRecords.Scratch scratch = new JsonlRecords.Scratch();
            for (ArchiveRecord r : records) {
                if (fast) {
                    JsonlRecords.write(g, r, null, encoding, scratch);
                } else {
                    reference(g, r, encoding);
                }
                g.writeRaw('\n');
            }
        }
        return out.toByteArray();
    }

    /** The writer as it was before it was optimised. */
    private static void reference(JsonGenerator g, ArchiveRecord record, PayloadEncoding encoding)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("topic", record.topic());
        g.writeNumberField("partition", record.partition());
        g.writeNumberField("offset", record.offset());
        g.writeNumberField("timestamp", record.timestamp());
        g.writeStringField("timestampType", record.timestampType().name());
        referencePayload(g, "key", record.key(), encoding);
        referencePayload(g, "value", record.value(), encoding);
        g.writeArrayFieldStart("headers");
        for (RecordHeader header : record.headers()) {
            g.writeStartObject();
            g.writeStringField("key", header.key());
            referencePayload(g, "value", header.value(), encoding);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void referencePayload(
            JsonGenerator g, String name, byte[] bytes, PayloadEncoding encoding)
            throws IOException {
        if (bytes == null) {
            g.writeNullField(name);
            return;
        }
        if (encoding == PayloadEncoding.UTF8_OR_BASE64) {
            String text = jdkDecode(bytes);
            if (text != null) {
                g.writeStringField(name, text);
                return;
            }
        }
        if (encoding == PayloadEncoding.JSON) {
            String text = jdkDecode(bytes);
            if (text != null && embeddable(text)) {
                g.writeFieldName(name);
                g.writeRawValue(text);
                return;
            }
            if (text != null) {
                g.writeStringField(name + "Text", text);
                return;
            }
        }
        g.writeBinaryField(name + "Base64", bytes);
    }

    /**
     * The rules of {@link JsonlFormat} for embedding, checked the slow way: a strict tree parse and
     * a walk over every decoded string.
     */
    static boolean embeddable(String text) {
        if (text.isEmpty()
                || Character.isWhitespace(text.charAt(0))
                || Character.isWhitespace(text.charAt(text.length() - 1))) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t') {
                return false;
            }
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (IOException e) {
            return false;
        }
        if (node == null || node.isTextual() || node.isNull() || text.charAt(0) == '\uFEFF') {
            return false;
        }
        return noLoneSurrogates(node);
    }

    private static boolean noLoneSurrogates(JsonNode node) {
        if (node.isTextual()) {
            return wellFormed(node.textValue());
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (!wellFormed(field.getKey()) || !noLoneSurrogates(field.getValue())) {
                return false;
            }
        }
        for (JsonNode element : node) {
            if (node.isArray() && !noLoneSurrogates(element)) {
                return false;
            }
        }
        return true;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String jdkDecode(byte[] bytes) {
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
}
