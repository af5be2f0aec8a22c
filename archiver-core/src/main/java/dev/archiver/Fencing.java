package dev.archiver;

import dev.archiver.codec.Codec;
import dev.archiver.format.FileFormat;
import dev.archiver.storage.ObjectStorage;
import java.util.Optional;

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
    UNSAFE_OWNERSHIP_CHECKS_ONLY;

    /**
     * Why a replay could not be fenced on {@code store} with this format and codec, or empty: on a
     * store whose if-match tag is the content's hash, a replay that writes the bytes of the
     * leftover it replaces gets the leftover's tag (issue 14, hole 6; docs/engine.md, invariant 5).
     */
    static Optional<String> replayGap(ObjectStorage store, FileFormat format, Codec codec) {
        if (!store.supportsConditionalWrites()
                || !store.tagFollowsContent()
                || format.writesUniqueFiles()
                || codec.writesUniqueFiles()) {
            return Optional.empty();
        }
        return Optional.of(
                "the store's version tag (S3's ETag) is the MD5 of the content, and format "
                        + format.name()
                        + " with codec "
                        + codec.name()
                        + " writes the same bytes when a batch is replayed, so a zombie's delayed"
                        + " If-Match on the tag of a leftover it read also matches the new owner's"
                        + " committed replay of it (ETag reuse). Choose a codec that makes every"
                        + " file unique (gzip, zstd, lz4, snappy) or a format that does (jsonl,"
                        + " avro, parquet)");
    }
}
