package dev.archiver.format.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * JSON Lines, lossless: one UTF-8 JSON object per record, each followed by {@code \n}.
 *
 * <pre>{@code
 * {"topic":"events","partition":3,"offset":42,"timestamp":1764018000000,"timestampType":"CREATE_TIME",
 *  "keyBase64":"azE=","value":null,"headers":[{"key":"trace","valueBase64":"AAE="},{"key":"empty","value":null}]}
 * }</pre>
 *
 * <p>Fields: {@code topic} (string), {@code partition} (int), {@code offset} (long), {@code
 * timestamp} (epoch ms, -1 when none), {@code timestampType} ({@code NO_TIMESTAMP}, {@code
 * CREATE_TIME} or {@code LOG_APPEND_TIME}), the key, the value and {@code headers} (an array of
 * objects with {@code key} and a value, in Kafka order).
 *
 * <p>Payloads (key, value, header value) are written under one of two names, and the name says how
 * to decode them:
 *
 * <ul>
 *   <li>{@code <name>Base64}: the bytes in RFC 4648 base64 (with padding); {@code ""} is an empty
 *       payload;
 *   <li>{@code <name>}: the bytes as a JSON string, to be encoded back as UTF-8; {@code null} is a
 *       null payload (a tombstone value, a null key or header value).
 * </ul>
 *
 * <p>With {@link PayloadEncoding#BASE64} (the default) every non-null payload uses the {@code
 * Base64} name. With {@link PayloadEncoding#UTF8_OR_BASE64} payloads that are valid UTF-8 are
 * written as strings, so JSON text stays readable, and the others fall back to base64. A null
 * payload is always {@code "<name>":null}. Both settings are lossless, and the reader accepts both
 * forms regardless of the setting; it ignores fields it does not know (such as the {@code "error"}
 * field of dead-letter files).
 *
 * @since 0.1
 */
public final class JsonlFormat implements FileFormat {
    // Jackson caps strings at 20M chars by default; a 15 MB Kafka value is 20M chars of base64
    static final ObjectMapper MAPPER =
            new ObjectMapper(
                    new JsonFactoryBuilder()
                            .rootValueSeparator((String) null)
                            .streamReadConstraints(
                                    StreamReadConstraints.builder()
                                            .maxStringLength(Integer.MAX_VALUE)
                                            .build())
                            .build());

    private final PayloadEncoding encoding;

    public JsonlFormat(PayloadEncoding encoding) {
        this.encoding = requireNonNull(encoding, "encoding is null");
    }

    public JsonlFormat() {
        this(PayloadEncoding.BASE64);
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

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        JsonGenerator generator = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
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
