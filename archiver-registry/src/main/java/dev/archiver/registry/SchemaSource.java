package dev.archiver.registry;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where the schemas named by ids in the Confluent wire format come from: a schema registry, or
 * anything else that can answer "which schema has id N". Keep this minimal: every method is a cost
 * for every implementation.
 *
 * <p>Thread-safe: one source serves every consumer thread of a job. Schemas under an id never
 * change (registries assign a new id to every new schema), so an implementation may cache what it
 * fetched for as long as it lives, and callers may cache too.
 *
 * <p>Created by a {@link SchemaSourceProvider}; the component that created a source closes it.
 *
 * @since 0.3
 */
public interface SchemaSource extends Closeable {

    /**
     * The schema with global id {@code id}.
     *
     * @throws SchemaNotFoundException when the source answered and has no schema with this id;
     *     asking again will not help
     * @throws IOException when the source could not be asked or failed to answer (unreachable,
     *     timed out, a server error, refused credentials); asking again later may succeed. The
     *     message names the source and the id, never a credential
     */
    RegisteredSchema schema(int id) throws IOException;

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
