package dev.archiver.format.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Tells whether a payload can be written into a {@code jsonl} line as it is, as a JSON value (see
 * {@link JsonlFormat} for the rules), and otherwise whether it is UTF-8 text.
 */
final class JsonDocument {
    private JsonDocument() {}

    /** The deepest nesting embedded; DuckDB refuses lines nested deeper than 128 levels. */
    static final int MAX_DEPTH = 100;

    /** The longest number embedded, in characters: Jackson's default limit. */
    static final int MAX_NUMBER_LENGTH = 1000;

    /** {@link #classify}: not valid UTF-8. */
    static final int BINARY = Utf8.INVALID;

    /** {@link #classify}: UTF-8 text of BMP characters only, not a document to embed. */
    static final int TEXT_BMP = Utf8.BMP;

    /** {@link #classify}: UTF-8 text with a supplementary character, not a document to embed. */
    static final int TEXT_SUPPLEMENTARY = Utf8.SUPPLEMENTARY;

    /** {@link #classify}: one JSON document, to be written as it is. */
    static final int JSON = 2;

    private static final JsonFactory FACTORY =
            new JsonFactoryBuilder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(MAX_DEPTH)
                                    .maxNumberLength(MAX_NUMBER_LENGTH)
                                    .maxStringLength(Integer.MAX_VALUE)
                                    .build())
                    .build();

    /** {@link #JSON}, {@link #TEXT_BMP}, {@link #TEXT_SUPPLEMENTARY} or {@link #BINARY}. */
    static int classify(byte[] b) {
        int n = b.length;
        if (n == 0) {
            return TEXT_BMP;
        }
        byte first = b[0];
        byte last = b[n - 1];
        boolean structure = (first == '{' && last == '}') || (first == '[' && last == ']');
        boolean candidate = structure;
        int utf8 = TEXT_BMP;
        int i = 0;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                if (c < 0x20) {
                    // a raw line break would split the line; other control bytes are invalid JSON
                    if (c != '\t') {
                        candidate = false;
                    }
                } else if (c == '\\' && candidate) {
                    int next = escape(b, i);
                    if (next < 0) {
                        candidate = false;
                    } else {
                        i = next;
                        continue;
                    }
                }
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xc2) {
                return BINARY; // a continuation byte, or an overlong two-byte lead
            }
            if (c < 0xe0) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return BINARY;
                }
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return BINARY;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xe0 && b1 < 0xa0) || (c == 0xed && b1 >= 0xa0)) {
                    return BINARY; // overlong, or a surrogate
                }
                i += 3;
            } else if (c < 0xf5) {
                if (i + 3 >= n
                        || !continuation(b[i + 1])
                        || !continuation(b[i + 2])
                        || !continuation(b[i + 3])) {
                    return BINARY;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xf0 && b1 < 0x90) || (c == 0xf4 && b1 >= 0x90)) {
                    return BINARY; // overlong, or above U+10FFFF
                }
                i += 4;
                utf8 = TEXT_SUPPLEMENTARY;
            } else {
                return BINARY;
            }
        }
        if (structure) {
            return candidate && parsesAsOneDocument(b) ? JSON : utf8;
        }
        return isNumber(b) || isLiteral(b) ? JSON : utf8;
    }

    /**
     * The index after the escape sequence at {@code i}, or -1 when it is an escaped lone surrogate
     * (valid JSON grammar that DuckDB and others refuse) or malformed. Only printable ASCII is
     * skipped, so that control bytes and UTF-8 sequences after a backslash are still checked.
     */
    private static int escape(byte[] b, int i) {
        if (i + 1 >= b.length) {
            return -1;
        }
        byte e = b[i + 1];
        if (e != 'u') {
            return e > 0x20 && e < 0x7f ? i + 2 : -1;
        }
        int unit = hex4(b, i + 2);
        if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff)) {
            return -1;
        }
        if (unit < 0xd800 || unit > 0xdbff) {
            return i + 6;
        }
        if (i + 7 >= b.length || b[i + 6] != '\\' || b[i + 7] != 'u') {
            return -1;
        }
        int low = hex4(b, i + 8);
        return low >= 0xdc00 && low <= 0xdfff ? i + 12 : -1;
    }

    private static int hex4(byte[] b, int from) {
        if (from + 4 > b.length) {
            return -1;
        }
        int v = 0;
        for (int k = from; k < from + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /** An object or array and nothing after it, accepted by Jackson's strict parser. */
    private static boolean parsesAsOneDocument(byte[] b) {
        try (JsonParser p = FACTORY.createParser(b)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** RFC 8259 {@code number}: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    static boolean isNumber(byte[] b) {
        int n = b.length;
        if (n > MAX_NUMBER_LENGTH) {
            return false;
        }
        int i = 0;
        if (i < n && b[i] == '-') {
            i++;
        }
        if (i >= n) {
            return false;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i);
        } else {
            return false;
        }
        if (i < n && b[i] == '.') {
            int j = digits(b, i + 1);
            if (j == i + 1) {
                return false;
            }
            i = j;
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int j = digits(b, i);
            if (j == i) {
                return false;
            }
            i = j;
        }
        return i == n;
    }

    private static int digits(byte[] b, int i) {
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private static boolean isLiteral(byte[] b) {
        return (b.length == 4 && b[0] == 't' && b[1] == 'r' && b[2] == 'u' && b[3] == 'e')
                || (b.length == 5
                        && b[0] == 'f'
                        && b[1] == 'a'
                        && b[2] == 'l'
                        && b[3] == 's'
                        && b[4] == 'e');
    }
}
