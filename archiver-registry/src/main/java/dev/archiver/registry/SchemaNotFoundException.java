package dev.archiver.registry;

import java.io.IOException;

/**
 * The schema source answered, and it holds no schema with the id asked for. Unlike other {@link
 * IOException}s of a {@link SchemaSource} (the source could not be reached or failed), asking again
 * will not help: a record that names such an id is a bad record.
 *
 * @since 0.3
 */
public class SchemaNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int id;

    public SchemaNotFoundException(int id, String message) {
        super(message);
        this.id = id;
    }

    /** The id that was not found. */
    public int id() {
        return id;
    }
}
