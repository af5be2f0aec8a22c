package dev.archiver.format.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonDocumentTest {

    private static final String DEEP_100 = "[".repeat(100) + "]".repeat(100);
    private static final String DEEP_101 = "[".repeat(101) + "]".repeat(101);

    @Test
    void embedsOneStrictDocumentAndNothingElse() {
        String[] embedded = {
            "{\"country\":\"ES\",\"n\":1}",
            "{\"a\": [1, 2.50e3, true, false, null], \"b\": {\"c\": \"\\u00e9\\n\"}}",
            "{}",
            "[]",
            "[1]",
            "{\"\":1}",
            "{\"a\":\t1}",
            "{\"a\":\"é日本\"}",
            "{\"a\":\"\uD83D\uDE80\"}",
            "{\"a\":\"\\ud83d\\ude80\"}",
            "{\"a\":\"\\\\ud800\"}",
            "{\"a\":\"\\u0000\"}",
            "{\"a\":\"\u2028\u2029\u007f\"}",
            "42",
            "-0",
            "0",
            "1.5e-10",
            "-12.25E+3",
            "123456789012345678901234567890",
            "1e999999",
            "9".repeat(1000),
            "true",
            "false",
            DEEP_100,
        };
        String[] text = {
            "",
            "null",
            "\"a string\"",
            "plain text",
            "{\"a\":1}x",
            "{\"a\":1}{\"b\":2}",
            "{\"a\":1} {\"b\":2}",
            "1 2",
            " {\"a\":1}",
            "{\"a\":1} ",
            "{\"a\":1}\n",
            "\t[1]",
            "\uFEFF{\"a\":1}",
            "{\n  \"a\": 1\n}",
            "{\r\n\"a\":1}",
            "{\"a\":\"line\nbreak\"}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"\u0001\"}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":{\"b\":1,\"c\":2,\"d\":3,\"b\":4}}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}",
            "{\"a\":\"\\ud800x\"}",
            "{\"\\ud800\":1}",
            "{\"a\":NaN}",
            "{\"a\":01}",
            "{'a':1}",
            "{\"a\":1,}",
            "[1,]",
            "{\"a\":1}//c",
            "{\"a\":\"\\x41\"}",
            "{\"a\":\"\\u12\"}",
            "[",
            "]",
            "[}",
            "-",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "0x10",
            "01",
            "-01",
            "Infinity",
            "tru",
            "True",
            "truex",
            "falsey",
            "9".repeat(1001),
            DEEP_101,
            "[".repeat(10_000) + "]".repeat(10_000),
        };
        for (String s : embedded) {
            assertThat(JsonDocument.classify(utf8(s)))
                    .as("%s", shorten(s))
                    .isEqualTo(JsonDocument.JSON);
            assertThat(JsonlRecordsOutputTest.embeddable(s)).as("oracle: %s", shorten(s)).isTrue();
        }
        for (String s : text) {
            int expected =
                    s.codePoints().anyMatch(c -> c > 0xffff)
                            ? JsonDocument.TEXT_SUPPLEMENTARY
                            : JsonDocument.TEXT_BMP;
            assertThat(JsonDocument.classify(utf8(s))).as("%s", shorten(s)).isEqualTo(expected);
            assertThat(JsonlRecordsOutputTest.embeddable(s)).as("oracle: %s", shorten(s)).isFalse();
        }
    }

    @Test
    void bytesThatAreNotUtf8AreBinaryEvenInsideADocument() {
        byte[][] binary = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'},
            {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
            {'[', (byte) 0xe2, (byte) 0x82, ']'},
            {'[', '1', ']', (byte) 0x80},
            {'"', '\\', (byte) 0xc3},
        };
        for (byte[] b : binary) {
            assertThat(JsonDocument.classify(b))
                    .as(Arrays.toString(b))
                    .isEqualTo(JsonDocument.BINARY);
        }
    }

    @Test
    void agreesWithAStrictTreeParseOnMutatedDocuments() {
        Random random = new Random(17);
        String[] seeds = {
            "{\"a\":[1,2,{\"b\":\"c\\\"d\\\\\"}],\"e\":-1.5e3,\"f\":true,\"g\":null}",
            "[\"\\ud83d\\ude80\",\"\\u00e9\",{\"x\":{\"y\":[[]]}}]",
            "{\"k1\":1,\"k2\":2,\"k3\":3}",
            "-0.0e-0",
        };
        String alphabet = "{}[]\",:\\ u0dD8ce1-+.tfnrlsa\t\n\u00e9\uD83D\uDE80";
        int embedded = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int m = random.nextInt(3); m >= 0; m--) {
                int at = random.nextInt(s.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < s.length()) {
                            s.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < s.length()) {
                            s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            String doc = s.toString();
            byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
            boolean validUtf8 =
                    Arrays.equals(
                                    new String(bytes, StandardCharsets.UTF_8)
                                            .getBytes(StandardCharsets.UTF_8),
                                    bytes)
                            && doc.codePoints().noneMatch(c -> c >= 0xd800 && c <= 0xdfff);
            if (!validUtf8) {
                continue;
            }
            boolean expected = JsonlRecordsOutputTest.embeddable(doc);
            assertThat(JsonDocument.classify(bytes) == JsonDocument.JSON)
                    .as("%s", doc)
                    .isEqualTo(expected);
            embedded += expected ? 1 : 0;
        }
        assertThat(embedded).as("mutations that are still documents").isGreaterThan(500);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "... (" + s.length() + " chars)" : s;
    }
}
