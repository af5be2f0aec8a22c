package dev.archiver.format.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * JSON Lines, lossless: one UTF-8 JSON object per record, each followed by {@code \n}. The last
 * line ends with a {@link WhitespaceNonce} before its {@code \n} (a file without records is that
 * one blank line), so no two files have the same bytes; JSON readers skip it.
 *
 * <pre>{@code
 * {"topic":"events","partition":3,"offset":42,"timestamp":1764018000000,"timestampType":"CREATE_TIME",
 *  "keyText":"user-7","value":{"country":"ES","page":"/home"},
 *  "headers":[{"key":"trace","valueBase64":"AAE="},{"key":"empty","value":null}]}
 * }</pre>
 *
 * <p>Fields: {@code topic} (string), {@code partition} (int), {@code offset} (long), {@code
 * timestamp} (epoch ms, -1 when none), {@code timestampType} ({@code NO_TIMESTAMP}, {@code
 * CREATE_TIME} or {@code LOG_APPEND_TIME}), the key, the value and {@code headers} (an array of
 * objects with {@code key} and a value, in Kafka order).
 *
 * <p>A payload (key, value, header value) is written under one of three names, and the name and the
 * JSON type say how to decode it; at most one of the three is set:
 *
 * <ul>
 *   <li>{@code <name>}: {@code null} is a null payload (a tombstone value, a null key or header
 *       value); an object, array, number, {@code true} or {@code false} is a JSON document that is
 *       the payload, byte for byte as it stands in the line; a string is text, to be encoded back
 *       as UTF-8 (the form {@link PayloadEncoding#UTF8_OR_BASE64} writes);
 *   <li>{@code <name>Text}: a string, the payload's text, to be encoded back as UTF-8;
 *   <li>{@code <name>Base64}: the bytes in RFC 4648 base64 (with padding); {@code ""} is an empty
 *       payload.
 * </ul>
 *
 * <p>With {@link PayloadEncoding#JSON} (the default) a payload that is one JSON document is written
 * as it is under {@code <name>}, so that query engines read its fields ({@code value.country});
 * other valid UTF-8 goes to {@code <name>Text} and the rest to {@code <name>Base64}. The payload's
 * own bytes are copied into the line, never re-serialised, and a document is embedded only when the
 * line stays one line of strict JSON that gives those bytes back exactly and that DuckDB reads; it
 * must be
 *
 * <ul>
 *   <li>exactly one JSON document (RFC 8259) as a strict parser reads it, with nothing before or
 *       after it: no whitespace, no byte order mark, no second document;
 *   <li>an object, an array, a number, {@code true} or {@code false}: a JSON string or {@code null}
 *       would read back as text or as a null payload, so they are written as text;
 *   <li>strictly valid UTF-8 without raw control characters other than tabs between tokens: a
 *       document with a raw line break (pretty-printed JSON) would split the line;
 *   <li>free of escaped lone surrogates (a surrogate's escape without its pair) and of duplicate
 *       names in an object, which DuckDB refuses;
 *   <li>nested at most 100 levels deep (DuckDB reads lines nested up to 128 levels), with numbers
 *       of at most 1000 characters.
 * </ul>
 *
 * <p>With {@link PayloadEncoding#BASE64} every non-null payload uses the {@code Base64} name (the
 * layout before 0.2); with {@link PayloadEncoding#UTF8_OR_BASE64} valid UTF-8 is written as a
 * string under {@code <name>} and the rest as base64. A null payload is always {@code
 * "<name>":null}. Every setting is lossless, and the reader reads every form regardless of the
 * setting; it ignores fields it does not know (such as the {@code "error"} field of dead-letter
 * files).
 *
 * @since 0.1
 */
public final class JsonlFormat implements FileFormat {
    private static final JsonFactory JSON =
            new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private final PayloadEncoding encoding;

    public JsonlFormat(PayloadEncoding encoding) {
        this.encoding = requireNonNull(encoding, "encoding is null");
    }

    /** The format with the default payload encoding, {@link PayloadEncoding#JSON}. */
    public JsonlFormat() {
        this(PayloadEncoding.JSON);
    }

    public PayloadEncoding payloadEncoding() {
        return encoding;
    }

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public String extension() {
        return ".jsonl";
    }

    /** The last line ends with a {@link WhitespaceNonce}. */
    @Override
    public boolean writesUniqueFiles() {
        return true;
    }

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8);
        return new JsonlRecordWriter(generator, encoding);
    }

    @Override
    public RecordReader newReader(InputStream in) {
        return new JsonlRecordReader(requireNonNull(in, "in is null"));
    }

    @Override
    public String toString() {
        return "jsonl(payload-encoding=" + encoding + ")";
    }
}
