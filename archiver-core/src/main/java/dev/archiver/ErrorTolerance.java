package dev.archiver;

/**
 * What the engine does with a record that cannot be parsed, transformed or partitioned.
 *
 * @since 0.1
 */
public enum ErrorTolerance {
    /** Archive the raw record and the error under the dead-letter prefix (default); counted. */
    DEAD_LETTER,
    /** Drop the record; counted and logged (offset only, never the payload). */
    SKIP,
    /** Stop the engine with the error. */
    FAIL
}
