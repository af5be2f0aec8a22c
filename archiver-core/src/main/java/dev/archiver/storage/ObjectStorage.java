package dev.archiver.storage;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An object store: the one thing every backend implements. Keep this interface minimal: every
 * method is a cost for every backend. Optimisations are added as {@code default} methods.
 *
 * <p><b>Thread-safety:</b> implementations are thread-safe; the engine uploads from several threads
 * at once.
 *
 * <p><b>Locations:</b> every method takes full {@link StorageLocation}s of one of the provider's
 * schemes; a location of another scheme is an {@link IllegalArgumentException}.
 *
 * <p><b>Errors:</b> methods throw {@link IOException}: {@link FileNotFoundException} for a missing
 * object where the method says so, {@link PreconditionFailedException} for a refused conditional
 * write, and {@link StorageException} (with {@link StorageException#retryable()}) for the rest. The
 * message names the operation and the location and never contains a credential.
 *
 * <p><b>Lifecycle:</b> the storage owns its client; {@link #close()} releases it and is idempotent.
 *
 * @since 0.1
 */
public interface ObjectStorage extends Closeable {

    /**
     * Uploads a local file as one object.
     *
     * <p>The object becomes visible atomically when the call returns and never before, even when
     * the backend uploads it in parts; if the call fails, nothing new is visible (a failed
     * multipart upload is aborted). An existing object at {@code target} is replaced unless the
     * precondition forbids it.
     *
     * @param localFile a readable regular file; it is not modified or deleted
     * @param target the object's location
     * @param options metadata and precondition; a store without conditional writes ({@link
     *     #supportsConditionalWrites()} false) ignores the precondition
     * @throws PreconditionFailedException when the precondition does not hold; nothing was written
     * @throws StorageException when the upload fails
     */
    void upload(Path localFile, StorageLocation target, UploadOptions options) throws IOException;

    /**
     * The object's size, modification time, tag and metadata.
     *
     * @return empty when there is no object at {@code location} (a prefix is not an object)
     */
    Optional<ObjectInfo> stat(StorageLocation location) throws IOException;

    /**
     * Opens an object for reading.
     *
     * @throws FileNotFoundException when there is no object at {@code location}
     */
    InputStream open(StorageLocation location) throws IOException;

    /**
     * Every object whose key starts with {@code prefix}'s key (a plain string prefix: {@code a/b}
     * lists {@code a/b/c} and {@code a/bc}), in lexicographic order of the key's UTF-8 bytes,
     * fetched lazily page by page. {@link ObjectInfo#metadata()} may be empty in listings.
     *
     * <p>The caller must close the stream. An I/O error while paging surfaces as an {@link
     * java.io.UncheckedIOException} wrapping the {@link StorageException}.
     *
     * @return an empty stream when nothing matches (also when the "directory" does not exist)
     * @throws StorageException when the listing cannot start (e.g. the bucket does not exist)
     */
    Stream<ObjectInfo> list(StorageLocation prefix) throws IOException;

    /** Deletes an object; deleting a missing object is a no-op. */
    void delete(StorageLocation location) throws IOException;

    /** Deletes several objects; missing ones are ignored. Backends override this to batch. */
    default void deleteAll(Collection<StorageLocation> locations) throws IOException {
        for (StorageLocation location : locations) {
            delete(location);
        }
    }

    /**
     * Whether {@link UploadOptions.Precondition}s are enforced atomically by the store. When false,
     * the engine falls back to ownership checks before each upload (docs/design.md, invariant 5).
     */
    default boolean supportsConditionalWrites() {
        return false;
    }

    /**
     * Whether the tag an {@link UploadOptions.Precondition#ifMatch if-match} compares is a function
     * of the object's bytes alone (S3's ETag is their MD5), so that an object replaced by one with
     * the same bytes keeps its tag. An if-match on a tag read before such a replacement still
     * passes after it; the engine fences a replay on such a store only when its files differ on
     * every write ({@link dev.archiver.format.FileFormat#writesUniqueFiles()}, {@link
     * dev.archiver.codec.Codec#writesUniqueFiles()}) and refuses to start otherwise, unless {@code
     * storage.fencing=unsafe-ownership-checks-only} (docs/engine.md, invariant 5). The default is
     * {@code true}, the safe answer; a store whose tags change on every write (a generation, a
     * timestamp) returns {@code false}.
     *
     * @since 0.2
     */
    default boolean tagFollowsContent() {
        return true;
    }

    /**
     * Why uploads under {@code root} cannot be fenced against a consumer that lost its partitions
     * (docs/design.md, invariant 5), or empty when they can. Fencing needs both conditional writes
     * ({@link #supportsConditionalWrites()}) and user metadata that {@link #stat} returns (the
     * owner epoch of an existing object tells a leftover from a newer owner's object). The engine
     * refuses to start when this is not empty, unless the user opts in with {@code
     * storage.fencing=unsafe-ownership-checks-only}.
     *
     * <p>The reason is a sentence for that startup error: it names the setting or the environment
     * at fault. An implementation may probe the store under {@code root} (for example write and
     * delete a hidden temporary object); the default answers from {@link
     * #supportsConditionalWrites()}.
     *
     * @param root the archive root the engine will write under
     * @throws IOException when the probe itself fails
     * @since 0.2
     */
    default Optional<String> fencingGap(StorageLocation root) throws IOException {
        return supportsConditionalWrites()
                ? Optional.empty()
                : Optional.of("the store does not enforce conditional writes");
    }

    /** Releases the client. Idempotent. */
    @Override
    void close() throws IOException;
}
