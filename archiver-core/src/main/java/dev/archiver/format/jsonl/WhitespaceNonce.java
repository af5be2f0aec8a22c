package dev.archiver.format.jsonl;

import java.security.SecureRandom;

/**
 * 64 random bits spelled as JSON's insignificant whitespace (a space for 0, a tab for 1), written
 * at the end of a jsonl file's last line, before its {@code \n}. Every JSON parser skips whitespace
 * after a value (RFC 8259, section 2), so readers see the same records, while two files of the same
 * records never have the same bytes. Stores whose version tag is the content's MD5 (S3's ETag)
 * would otherwise give a replay the tag of the leftover it replaced, and a zombie's delayed
 * if-match on that tag would pass after the new owner committed (issue 14, hole 6; docs/engine.md).
 *
 * @since 0.2
 */
public final class WhitespaceNonce {
    /** Characters of the nonce: one bit each. */
    public static final int LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private WhitespaceNonce() {}

    /** A fresh nonce: {@link #LENGTH} characters, each a space or a tab. */
    public static String next() {
        long bits = RANDOM.nextLong();
        char[] c = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            c[i] = ((bits >>> i) & 1) == 0 ? ' ' : '\t';
        }
        return new String(c);
    }
}
