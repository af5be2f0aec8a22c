package dev.archiver.storage;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Options for one {@link ObjectStorage#upload}: user metadata and a write precondition.
 *
 * <p>Metadata keys are lowercase ASCII letters, digits and dashes (the intersection that every
 * store accepts); values are printable ASCII. Backends map them onto their native metadata (S3
 * {@code x-amz-meta-*}, Azure blob metadata, GCS custom metadata, Swift {@code X-Object-Meta-*}).
 *
 * @param metadata user metadata; may be empty
 * @param precondition when the write may happen
 * @since 0.1
 */
public record UploadOptions(Map<String, String> metadata, Precondition precondition) {
    private static final Pattern META_KEY = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public UploadOptions {
        metadata = Map.copyOf(requireNonNull(metadata, "metadata is null"));
        requireNonNull(precondition, "precondition is null");
        for (var e : metadata.entrySet()) {
            if (!META_KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException(
                        "Invalid metadata key '" + e.getKey() + "': use [a-z0-9-]");
            }
            if (!e.getValue().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(
                        "Invalid metadata value for '" + e.getKey() + "': use printable ASCII");
            }
        }
    }

    public static UploadOptions defaults() {
        return new UploadOptions(Map.of(), Precondition.none());
    }

    public UploadOptions withPrecondition(Precondition p) {
        return new UploadOptions(metadata, p);
    }

    public UploadOptions withMetadata(Map<String, String> m) {
        return new UploadOptions(m, precondition);
    }

    /**
     * A condition on the object's current state that the store checks atomically with the write.
     *
     * @param kind what to check
     * @param etag the expected tag for {@link Kind#IF_MATCH}; {@code null} otherwise
     */
    public record Precondition(Kind kind, String etag) {
        public enum Kind {
            /** Write unconditionally (overwrite). */
            NONE,
            /** Write only if no object exists at the key (create-only). */
            IF_NONE_MATCH,
            /** Write only if the object exists with exactly this tag. */
            IF_MATCH
        }

        public Precondition {
            requireNonNull(kind, "kind is null");
            if ((kind == Kind.IF_MATCH) != (etag != null)) {
                throw new IllegalArgumentException("etag must be given exactly for IF_MATCH");
            }
        }

        public static Precondition none() {
            return new Precondition(Kind.NONE, null);
        }

        public static Precondition ifNoneMatch() {
            return new Precondition(Kind.IF_NONE_MATCH, null);
        }

        public static Precondition ifMatch(String etag) {
            return new Precondition(Kind.IF_MATCH, requireNonNull(etag, "etag is null"));
        }
    }
}
