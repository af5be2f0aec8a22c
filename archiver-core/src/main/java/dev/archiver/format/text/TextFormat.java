package dev.archiver.format.text;

import static java.util.Objects.requireNonNull;

import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Delimited text, not lossless (Secor's delimited text): each record's value bytes, unchanged,
 * followed by the delimiter. Topic, partition, offset, timestamp, key and headers are not written.
 * A null value (tombstone) is written like an empty one, as the delimiter alone, so a read-back
 * cannot tell them apart; a value that contains the delimiter reads back as several records.
 *
 * <p>The reader splits the file on the delimiter and returns, for the n-th piece (0-based), a
 * record with topic {@code ""}, partition 0, offset n, timestamp -1 ({@code NO_TIMESTAMP}), a null
 * key, no headers and the piece as a non-null value. A file whose last piece has no delimiter is
 * reported as truncated.
 *
 * @since 0.1
 */
public final class TextFormat implements FileFormat {
    /** The default delimiter, a line feed. */
    public static final String DEFAULT_DELIMITER = "\n";

    private final byte[] delimiter;

    /**
     * @param delimiter the delimiter bytes; not empty
     */
    public TextFormat(byte[] delimiter) {
        requireNonNull(delimiter, "delimiter is null");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter is empty");
        }
        this.delimiter = delimiter.clone();
    }

    /** A text format with the {@link #DEFAULT_DELIMITER}. */
    public TextFormat() {
        this(DEFAULT_DELIMITER.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a delimiter as written in configuration: literal text (encoded as UTF-8) in which
     * {@code \n}, {@code \t}, {@code \r}, {@code \0}, {@code \s} (a space) and {@code \\} (a
     * backslash) are escapes. Configuration values are trimmed, hence {@code \s}.
     *
     * @throws IllegalArgumentException when the result is empty or an escape is unknown
     */
    public static byte[] parseDelimiter(String spec) {
        requireNonNull(spec, "spec is null");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 == spec.length()) {
                throw new IllegalArgumentException(
                        "delimiter '" + spec + "' ends with a lone backslash; use \\\\");
            }
            char e = spec.charAt(++i);
            sb.append(
                    switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case '0' -> '\0';
                        case 's' -> ' ';
                        case '\\' -> '\\';
                        default ->
                                throw new IllegalArgumentException(
                                        "delimiter '"
                                                + spec
                                                + "' has an unknown escape \\"
                                                + e
                                                + "; accepted escapes are \\n, \\t, \\r, \\0, \\s and \\\\");
                    });
        }
        if (sb.length() == 0) {
            throw new IllegalArgumentException("delimiter is empty");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] delimiter() {
        return delimiter.clone();
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String extension() {
        return ".txt";
    }

    @Override
    public boolean lossless() {
        return false;
    }

    @Override
    public RecordWriter newWriter(OutputStream out) {
        return new TextRecordWriter(requireNonNull(out, "out is null"), delimiter);
    }

    @Override
    public RecordReader newReader(InputStream in) {
        return new TextRecordReader(requireNonNull(in, "in is null"), delimiter);
    }

    @Override
    public String toString() {
        return "text";
    }
}
