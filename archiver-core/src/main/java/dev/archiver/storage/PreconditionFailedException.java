package dev.archiver.storage;

/**
 * A conditional write was refused: the object exists (create-only) or changed (if-match). Not
 * retryable as such: the caller must re-read the object's state first.
 *
 * @since 0.1
 */
public class PreconditionFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String message, Throwable cause) {
        super(message, false, cause);
    }

    public PreconditionFailedException(String message) {
        this(message, null);
    }
}
