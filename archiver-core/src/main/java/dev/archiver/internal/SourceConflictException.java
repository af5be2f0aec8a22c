package dev.archiver.internal;

import dev.archiver.storage.StorageException;

/**
 * An upload met an object at its key that belongs to another source: another consumer group, or
 * another incarnation of the topic. Such an object is never replaced and no retry or replay can
 * change that, so the batch fails at once (docs/engine.md, invariant 5).
 */
final class SourceConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    SourceConflictException(String message) {
        super(message, false);
    }
}
