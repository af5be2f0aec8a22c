package dev.archiver.offset;

import java.io.IOException;

/**
 * This consumer no longer owns a partition: a rebalance moved it or another consumer committed past
 * this one. The engine drops its staged data for the partition; the new owner replays it.
 *
 * @since 0.1
 */
public class OwnershipLostException extends IOException {
    private static final long serialVersionUID = 1L;

    public OwnershipLostException(String message, Throwable cause) {
        super(message, cause);
    }

    public OwnershipLostException(String message) {
        super(message);
    }
}
