package dev.archiver.format;

/**
 * A record that a {@link RecordWriter} cannot represent in its file layout, for example a value
 * that does not fit the configured value schema.
 *
 * <p>A writer throws it from {@link RecordWriter#write} <em>before</em> writing any byte of that
 * record: the file stays valid and the writer stays usable for the next record. The engine then
 * treats the record as it treats one that cannot be parsed, according to {@code errors.tolerance}:
 * archived raw under the dead-letter prefix with this exception's message (default), skipped and
 * counted, or failing the job. The message says what does not fit and where (e.g. a field path); it
 * must not quote secrets.
 *
 * @since 0.2
 */
public class RecordNotWritableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordNotWritableException(String message) {
        super(message);
    }

    public RecordNotWritableException(String message, Throwable cause) {
        super(message, cause);
    }
}
