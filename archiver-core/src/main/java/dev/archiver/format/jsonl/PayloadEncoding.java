package dev.archiver.format.jsonl;

/**
 * How the {@code jsonl} format writes key, value and header-value bytes (setting {@code
 * format.jsonl.payload-encoding}). Both are lossless; see {@link JsonlFormat} for the field names.
 *
 * @since 0.1
 */
public enum PayloadEncoding {
    /** Every payload as base64 in a {@code *Base64} field. The default. */
    BASE64,
    /** Payloads that are valid UTF-8 as plain JSON strings, the others as base64. */
    UTF8_OR_BASE64
}
