package dev.archiver.storage;

import java.io.IOException;

/**
 * A store operation failed. {@link #retryable()} says whether trying again may help (throttling,
 * 5xx, connection errors) or not (403, missing bucket, bad credentials). Messages name the
 * operation and the location, never credentials: "Failed uploading s3://bucket/key: Access Denied".
 *
 * @since 0.1
 */
public class StorageException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public StorageException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StorageException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
