package dev.archiver;

/**
 * Whether the engine may run on a store that cannot fence a consumer that lost its partitions
 * ({@code storage.fencing}; docs/design.md, invariant 5).
 *
 * @since 0.2
 */
public enum Fencing {
    /**
     * Refuse to start unless uploads are fenced: the store enforces conditional writes and keeps
     * the objects' metadata (default).
     */
    REQUIRED,
    /**
     * Start anyway, with a warning. Only the engine's own ownership checks protect the archive: a
     * zombie's upload that is already under way when its partitions move can overwrite an object
     * the new owner has committed, so records can be lost or archived twice.
     */
    UNSAFE_OWNERSHIP_CHECKS_ONLY
}
