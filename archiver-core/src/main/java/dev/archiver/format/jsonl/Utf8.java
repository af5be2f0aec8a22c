package dev.archiver.format.jsonl;

/**
 * Strict UTF-8 validation with the same verdict as the JDK's UTF-8 decoder set to report errors: no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
 */
final class Utf8 {
    private Utf8() {}

    /** {@link #check}: not valid UTF-8. */
    static final int INVALID = -1;

    /** {@link #check}: valid UTF-8 of characters in the Basic Multilingual Plane only. */
    static final int BMP = 0;

    /** {@link #check}: valid UTF-8 with at least one four-byte (supplementary) character. */
    static final int SUPPLEMENTARY = 1;

    static boolean isValid(byte[] b) {
        return check(b) != INVALID;
    }

    /** {@link #INVALID}, {@link #BMP} or {@link #SUPPLEMENTARY}. */
    static int check(byte[] b) {
        int result = BMP;
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xc2) {
                return INVALID; // a continuation byte, or an overlong two-byte lead
            }
            if (c < 0xe0) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return INVALID;
                }
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return INVALID;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xe0 && b1 < 0xa0) || (c == 0xed && b1 >= 0xa0)) {
                    return INVALID; // overlong, or a surrogate
                }
                i += 3;
            } else if (c < 0xf5) {
                if (i + 3 >= n
                        || !continuation(b[i + 1])
                        || !continuation(b[i + 2])
                        || !continuation(b[i + 3])) {
                    return INVALID;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xf0 && b1 < 0x90) || (c == 0xf4 && b1 >= 0x90)) {
                    return INVALID; // overlong, or above U+10FFFF
                }
                i += 4;
                result = SUPPLEMENTARY;
            } else {
                return INVALID;
            }
        }
        return result;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
