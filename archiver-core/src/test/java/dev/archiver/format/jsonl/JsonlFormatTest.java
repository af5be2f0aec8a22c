package dev.archiver.format.jsonl;

import static dev.archiver.format.FormatTestSupport.INVALID_UTF8;
import static dev.archiver.format.FormatTestSupport.edgeCases;
import static dev.archiver.format.FormatTestSupport.read;
import static dev.archiver.format.FormatTestSupport.record;
import static dev.archiver.format.FormatTestSupport.utf8;
import static dev.archiver.format.FormatTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JsonlFormatTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper STRICT =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .FAIL_ON_TRAILING_TOKENS)
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    @Test
    void base64LayoutIsStable() throws IOException {
        ArchiveRecord r =
                record(
                        42,
                        utf8("k1"),
                        null,
                        new RecordHeader("trace", new byte[] {0, 1}),
                        new RecordHeader("n", null));
        String text =
                new String(
                        write(new JsonlFormat(PayloadEncoding.BASE64), List.of(r)),
                        StandardCharsets.UTF_8);
        assertThat(withoutNonce(text))
                .isEqualTo(
                        "{\"topic\":\"events\",\"partition\":3,\"offset\":42,\"timestamp\":1764018000042,"
                                + "\"timestampType\":\"CREATE_TIME\",\"keyBase64\":\"azE=\",\"value\":null,"
                                + "\"headers\":[{\"key\":\"trace\",\"valueBase64\":\"AAE=\"},{\"key\":\"n\",\"value\":null}]}\n");
    }

    @Test
    void utf8OrBase64WritesTextWhenItCanAndBase64Otherwise() throws IOException {
        ArchiveRecord r =
                record(
                        1,
                        utf8("clé"),
                        INVALID_UTF8,
                        new RecordHeader("h", utf8("ok")),
                        new RecordHeader("b", new byte[] {(byte) 0xff}));
        String line =
                new String(
                        write(new JsonlFormat(PayloadEncoding.UTF8_OR_BASE64), List.of(r)),
                        StandardCharsets.UTF_8);
        var node = MAPPER.readTree(line);
        assertThat(node.get("key").asText()).isEqualTo("clé");
        assertThat(node.has("keyBase64")).isFalse();
        assertThat(node.has("value")).isFalse();
        assertThat(node.get("valueBase64").asText()).isEqualTo("wyigoe2ggA==");
        assertThat(node.get("headers").get(0).get("value").asText()).isEqualTo("ok");
        assertThat(node.get("headers").get(1).get("valueBase64").asText()).isEqualTo("/w==");
        assertThat(read(new JsonlFormat(), line.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(r);
    }

    @Test
    void jsonLayoutEmbedsDocumentsAsTheyAreAndFallsBackToTextOrBase64() throws IOException {
        String value = "{\"country\":\"ES\", \"price\": 1.50, \"tags\":[\"a\",\"b\"]}";
        ArchiveRecord r =
                record(
                        5,
                        utf8("user-7"),
                        utf8(value),
                        new RecordHeader("n", utf8("42")),
                        new RecordHeader("s", utf8("\"quoted\"")),
                        new RecordHeader("pretty", utf8("{\n  \"a\": 1\n}")),
                        new RecordHeader("bin", new byte[] {(byte) 0xff}),
                        new RecordHeader("null", null));
        String line = new String(write(new JsonlFormat(), List.of(r)), StandardCharsets.UTF_8);
        assertThat(withoutNonce(line))
                .isEqualTo(
                        "{\"topic\":\"events\",\"partition\":3,\"offset\":5,\"timestamp\":1764018000005,"
                                + "\"timestampType\":\"CREATE_TIME\",\"keyText\":\"user-7\","
                                + "\"value\":"
                                + value
                                + ",\"headers\":[{\"key\":\"n\",\"value\":42},"
                                + "{\"key\":\"s\",\"valueText\":\"\\\"quoted\\\"\"},"
                                + "{\"key\":\"pretty\",\"valueText\":\"{\\n  \\\"a\\\": 1\\n}\"},"
                                + "{\"key\":\"bin\",\"valueBase64\":\"/w==\"},"
                                + "{\"key\":\"null\",\"value\":null}]}\n");
        assertThat(MAPPER.readTree(line).get("value").get("country").asText()).isEqualTo("ES");
        assertThat(read(new JsonlFormat(), utf8(line))).containsExactly(r);
    }

    @Test
    void readerReadsEveryFormOfEveryVersion() throws IOException {
        String head =
                "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp\":-1,\"timestampType\":\"NO_TIMESTAMP\",";
        String[][] cases = {
            {"\"valueBase64\":\"e30=\"", "{}"},
            {"\"value\":\"plain text\"", "plain text"},
            {"\"value\":\"{\\\"a\\\":1}\"", "{\"a\":1}"},
            {"\"valueText\":\"\\\"quoted\\\"\"", "\"quoted\""},
            {"\"value\":{\"a\":1}", "{\"a\":1}"},
            {"\"value\" : {\"a\" :  [1, 2.0] } ", "{\"a\" :  [1, 2.0] }"},
            {"\"value\":[]", "[]"},
            {"\"value\":-1.5e3", "-1.5e3"},
            {"\"value\":123456789012345678901234567890", "123456789012345678901234567890"},
            {"\"value\":true", "true"},
            {"\"value\":false", "false"},
            {"\"value\":{\"s\":\"\\u00e9\\ud83d\\ude80\"}", "{\"s\":\"\\u00e9\\ud83d\\ude80\"}"},
            {"\"value\":{\"s\":\"é\"}", "{\"s\":\"é\"}"},
        };
        for (String[] c : cases) {
            String line = head + c[0] + ",\"headers\":[{\"key\":\"h\"," + c[0] + "}]}\n";
            ArchiveRecord r = read(new JsonlFormat(), utf8(line)).get(0);
            assertThat(r.value()).as(c[0]).isEqualTo(utf8(c[1]));
            assertThat(r.headers().get(0).value()).as("header " + c[0]).isEqualTo(utf8(c[1]));
        }
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(head + "\"value\":{},\"valueText\":\"x\"}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fields 'value' and 'valueText' are both set");
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(
                                                head
                                                        + "\"headers\":[{\"key\":\"h\",\"valueText\":\"x\",\"valueBase64\":\"\"}]}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fields 'headers[].valueText' and 'headers[].valueBase64'");
        assertThatThrownBy(() -> read(new JsonlFormat(), utf8(head + "\"keyText\":1}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("field 'keyText' must be a string");
        assertThatThrownBy(() -> read(new JsonlFormat(), utf8(head + "\"key\":null} {}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 1: something follows");
    }

    @Test
    void hostilePayloadsRoundTripAndEveryLineStaysOneStrictJsonObject() throws IOException {
        List<byte[]> payloads = hostilePayloads();
        List<ArchiveRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            records.add(record(i, p, p, new RecordHeader("h", p)));
        }
        for (PayloadEncoding encoding : PayloadEncoding.values()) {
            JsonlFormat format = new JsonlFormat(encoding);
            byte[] file = write(format, records);
            assertThat(read(format, file)).as("%s", encoding).containsExactlyElementsOf(records);
            String[] lines = new String(file, StandardCharsets.UTF_8).split("\n", -1);
            assertThat(lines).as("lines under %s", encoding).hasSize(records.size() + 1);
            for (int i = 0; i < records.size(); i++) {
                var node = STRICT.readTree(lines[i]);
                boolean embedded =
                        node.get("value") != null
                                && !node.get("value").isNull()
                                && !node.get("value").isTextual();
                assertThat(embedded)
                        .as("%s: value %d embedded", encoding, i)
                        .isEqualTo(
                                encoding == PayloadEncoding.JSON
                                        && JsonDocument.classify(payloads.get(i))
                                                == JsonDocument.JSON);
            }
        }
    }

    /** Payloads that look like JSON, are JSON, or are almost JSON. */
    static List<byte[]> hostilePayloads() {
        List<byte[]> out = new java.util.ArrayList<>();
        for (String s :
                new String[] {
                    "{\"country\":\"ES\",\"n\":1}",
                    "{\"a\": [1, 2.50e3, true, false, null], \"b\": {\"c\": \"\\u00e9\"}}",
                    "{}",
                    "[]",
                    "42",
                    "-0",
                    "123456789012345678901234567890",
                    "1e999999",
                    "9".repeat(5000),
                    "true",
                    "null",
                    "\"a string\"",
                    "",
                    " ",
                    "{\"a\":1}x",
                    "{\"a\":1}{\"b\":2}",
                    "1 2",
                    " {\"a\":1}",
                    "{\"a\":1}\n",
                    "\uFEFF{\"a\":1}",
                    "{\n  \"a\": 1\n}",
                    "{\"a\":\"line\nbreak\"}",
                    "{\"a\":\t1}",
                    "{\"a\":1,\"a\":2}",
                    "{\"a\":\"\\ud800\"}",
                    "{\"a\":\"\\ud83d\\ude80\"}",
                    "{\"a\":\"\uD83D\uDE80\"}",
                    "{\"a\":NaN}",
                    "{\"a\":1,}",
                    "[".repeat(100) + "]".repeat(100),
                    "[".repeat(101) + "]".repeat(101),
                    "[".repeat(10_000) + "]".repeat(10_000),
                    "{\"a\":\"\u0000\"}",
                    "{\"a\":\"\\u0000\"}",
                }) {
            out.add(utf8(s));
        }
        out.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'});
        out.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'});
        out.add(utf8("[" + "1,".repeat(200_000) + "1]"));
        return out;
    }

    @ParameterizedTest
    @EnumSource(PayloadEncoding.class)
    void edgeCasesRoundTrip(PayloadEncoding encoding) throws IOException {
        JsonlFormat format = new JsonlFormat(encoding);
        List<ArchiveRecord> records = edgeCases();
        assertThat(read(format, write(format, records))).containsExactlyElementsOf(records);
    }

    @Test
    void valuesBeyondJacksonsDefaultStringLimitRoundTrip() throws IOException {
        byte[] value = new byte[16 << 20]; // 22M chars of base64; Jackson's default cap is 20M
        new java.util.Random(5).nextBytes(value);
        List<ArchiveRecord> records = List.of(record(0, null, value));
        assertThat(read(new JsonlFormat(), write(new JsonlFormat(), records)))
                .containsExactlyElementsOf(records);
    }

    @Test
    void nullAndEmptyPayloadsAreWrittenDifferently() throws IOException {
        String text =
                new String(
                        write(
                                new JsonlFormat(),
                                List.of(
                                        record(0, null, null),
                                        record(1, new byte[0], new byte[0]))),
                        StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        assertThat(lines[0]).contains("\"key\":null", "\"value\":null");
        assertThat(lines[1]).contains("\"keyText\":\"\"", "\"valueText\":\"\"");
    }

    @Test
    void emptyFileHasNoRecords() throws IOException {
        byte[] file = write(new JsonlFormat(), List.of());
        // one blank line: the nonce that makes every file unique (issue 14, hole 6)
        assertThat(new String(file, StandardCharsets.UTF_8)).matches("[ \t]{64}\n");
        assertThat(read(new JsonlFormat(), file)).isEmpty();
    }

    /**
     * The file without the {@link WhitespaceNonce} that ends its last line, after checking that it
     * is there: 64 spaces and tabs before the last {@code \n}.
     */
    static String withoutNonce(String file) {
        assertThat(file).matches("(?s).*[^ \t][ \t]{" + WhitespaceNonce.LENGTH + "}\n");
        int end = file.length() - 1 - WhitespaceNonce.LENGTH;
        return file.substring(0, end) + "\n";
    }

    @Test
    void dirtyLinesAreToleratedWhereHarmless() throws IOException {
        String file =
                "\n{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp\":-1,\"timestampType\":\"NO_TIMESTAMP\","
                        + "\"value\":\"v\",\"error\":\"bad json\",\"extra\":{\"x\":[1]}}\r\n   \n";
        List<ArchiveRecord> records =
                read(new JsonlFormat(), file.getBytes(StandardCharsets.UTF_8));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isNull();
        assertThat(records.get(0).value()).isEqualTo(utf8("v"));
        assertThat(records.get(0).headers()).isEmpty();
    }

    @Test
    void everyCutInsideALineIsReportedAsTruncation() throws IOException {
        byte[] file =
                write(
                        new JsonlFormat(),
                        List.of(record(0, utf8("a"), utf8("b")), record(1, null, utf8("c"))));
        int firstNewline = indexOf(file, (byte) '\n');
        for (int cut = 1; cut < file.length; cut++) {
            byte[] truncated = Arrays.copyOf(file, cut);
            if (cut == firstNewline + 1) {
                assertThat(read(new JsonlFormat(), truncated)).hasSize(1);
                continue;
            }
            int line = cut <= firstNewline ? 1 : 2;
            assertThatThrownBy(() -> read(new JsonlFormat(), truncated))
                    .as("cut at %d", cut)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Truncated jsonl file: line " + line);
        }
    }

    @Test
    void corruptLinesNameTheLineAndTheProblem() {
        String good =
                "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp\":-1,\"timestampType\":\"NO_TIMESTAMP\"}\n";
        assertThatThrownBy(() -> read(new JsonlFormat(), utf8(good + "{not json}\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2 is not valid JSON");
        assertThatThrownBy(() -> read(new JsonlFormat(), utf8(good.replace("\"offset\":1,", ""))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 1: missing field 'offset'");
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(good.replace("NO_TIMESTAMP", "SOMETIME"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown value 'SOMETIME'");
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(good.replace("}", ",\"valueBase64\":\"***\"}"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'valueBase64' is not valid base64");
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(
                                                good.replace(
                                                        "}",
                                                        ",\"value\":\"a\",\"valueBase64\":\"YQ==\"}"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("both set");
        assertThatThrownBy(
                        () ->
                                read(
                                        new JsonlFormat(),
                                        utf8(good.replace("\"partition\":0", "\"partition\":0.5"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'partition' must be an int");
        assertThatThrownBy(() -> read(new JsonlFormat(), utf8("[1,2]\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("expected a JSON object");
    }

    @Test
    void deadLetterObjectsCarryTheErrorAndReadBackAsTheRecord() throws IOException {
        ArchiveRecord r = record(7, null, INVALID_UTF8, new RecordHeader("h", null));
        StringWriter json = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(json)) {
            JsonlRecords.write(g, r, "Unexpected character at 1:1");
        }
        var node = MAPPER.readTree(json.toString());
        assertThat(node.get("error").asText()).isEqualTo("Unexpected character at 1:1");
        byte[] line = utf8(json.toString());
        assertThat(JsonlRecords.read(line, 0, line.length)).isEqualTo(r);
        assertThat(read(new JsonlFormat(), utf8(json + "\n"))).containsExactly(r);

        StringWriter withoutError = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(withoutError)) {
            JsonlRecords.write(g, r, null);
        }
        assertThat(MAPPER.readTree(withoutError.toString()).has("error")).isFalse();
    }

    @Test
    void writerClosesOnceAndRefusesWritesAfterClose() throws IOException {
        int[] closes = {0};
        ByteArrayOutputStream out =
                new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        closes[0]++;
                    }
                };
        RecordWriter writer = new JsonlFormat().newWriter(out);
        writer.write(ParsedRecord.of(record(0, null, utf8("v")), Instant.EPOCH));
        writer.close();
        writer.close();
        assertThat(closes[0]).isEqualTo(1);
        assertThat(withoutNonce(out.toString(StandardCharsets.UTF_8))).endsWith("}\n");
        assertThatThrownBy(
                        () -> writer.write(ParsedRecord.of(record(1, null, null), Instant.EPOCH)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void providerIsRegisteredAndReadsPayloadEncoding() {
        FileFormatProvider provider =
                Plugins.find(
                        FileFormatProvider.class, "jsonl", "format", Plugins.defaultClassLoader());
        Settings root = Settings.of(Map.of("format.jsonl.payload-encoding", "utf8-or-base64"));
        FileFormat format = provider.create(root.withPrefix("format.jsonl."));
        assertThat(format).isInstanceOf(JsonlFormat.class);
        assertThat(((JsonlFormat) format).payloadEncoding())
                .isEqualTo(PayloadEncoding.UTF8_OR_BASE64);
        assertThat(((JsonlFormat) provider.create(Settings.empty())).payloadEncoding())
                .isEqualTo(PayloadEncoding.JSON);
        assertThat(new JsonlFormat().payloadEncoding()).isEqualTo(PayloadEncoding.JSON);
        assertThat(format.lossless()).isTrue();
        assertThat(format.extension()).isEqualTo(".jsonl");

        Settings bad = Settings.of(Map.of("format.jsonl.payload-encoding", "hex"));
        assertThatThrownBy(() -> provider.create(bad.withPrefix("format.jsonl.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.jsonl.payload-encoding")
                .hasMessageContaining("base64, utf8-or-base64, json");
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
