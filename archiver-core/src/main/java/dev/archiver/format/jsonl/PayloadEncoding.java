package dev.archiver.format.jsonl;

/**
 * How the {@code jsonl} format writes key, value and header-value bytes (setting {@code
 * format.jsonl.payload-encoding}). All are lossless, and the reader reads every form whatever the
 * setting; see {@link JsonlFormat} for the field names.
 *
 * @since 0.1
 */
public enum PayloadEncoding {
    /** Every payload as base64 in a {@code *Base64} field. */
    BASE64,
    /** Payloads that are valid UTF-8 as plain JSON strings, the others as base64. */
    UTF8_OR_BASE64,
    /**
     * A payload that is one JSON document as that document, written as it is; other UTF-8 text as a
     * string in a {@code *Text} field; the rest as base64. The default.
     *
     * @since 0.2
     */
    JSON
}
