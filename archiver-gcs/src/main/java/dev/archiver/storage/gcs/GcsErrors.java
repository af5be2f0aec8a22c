package dev.archiver.storage.gcs;

import com.google.auth.Retryable;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Translates Google client errors into the SPI's exceptions. Messages name the operation and the
 * location; they carry the server's short error text but never a credential.
 */
final class GcsErrors {
    private static final int MAX_DETAIL = 300;
    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?]+)\\?\\S*");

    private GcsErrors() {}

    enum Operation {
        UPLOAD("uploading"),
        READ("reading"),
        STAT("reading metadata of"),
        LIST("listing"),
        DELETE("deleting");

        private final String verb;

        Operation(String verb) {
            this.verb = verb;
        }
    }

    static IOException translate(Operation operation, GcsLocation location, Throwable error) {
        String prefix = "Failed " + operation.verb + " " + location + ": ";
        if (error instanceof InterruptedIOException e) {
            return e;
        }
        Retryable auth = authFailure(error);
        if (auth != null) {
            return new StorageException(
                    prefix
                            + "could not obtain an access token from the configured credentials ("
                            + ((Throwable) auth).getClass().getSimpleName()
                            + "); check storage.gcs.credentials",
                    auth.isRetryable(),
                    error);
        }
        com.google.cloud.storage.StorageException gcs =
                cause(error, com.google.cloud.storage.StorageException.class);
        if (gcs == null) {
            return new StorageException(
                    prefix + describe(error), error instanceof IOException, error);
        }
        int code = gcs.getCode();
        String detail = detail(gcs);
        return switch (code) {
            case 412 ->
                    new PreconditionFailedException(
                            prefix
                                    + "precondition failed (HTTP 412): the object exists or its generation"
                                    + " differs from the expected one",
                            error);
            case 401 ->
                    new StorageException(
                            prefix
                                    + "authentication failed (HTTP 401): the credentials were rejected; check"
                                    + " storage.gcs.credentials"
                                    + detail,
                            false,
                            error);
            case 403 ->
                    new StorageException(
                            prefix
                                    + "access denied (HTTP 403): the credentials lack permission for bucket '"
                                    + location.bucket()
                                    + "'"
                                    + detail,
                            false,
                            error);
            case 404 ->
                    operation == Operation.READ
                            ? notFound(location, error)
                            : new StorageException(
                                    prefix
                                            + "bucket '"
                                            + location.bucket()
                                            + "' does not exist (HTTP 404)"
                                            + detail,
                                    false,
                                    error);
            case 408, 429 -> new StorageException(prefix + "HTTP " + code + detail, true, error);
            default -> {
                boolean retryable = code >= 500 || code <= 0 || gcs.isRetryable();
                yield new StorageException(
                        prefix + (code > 0 ? "HTTP " + code : describe(gcs)) + detail,
                        retryable,
                        error);
            }
        };
    }

    static FileNotFoundException notFound(GcsLocation location, Throwable cause) {
        FileNotFoundException e = new FileNotFoundException("No object at " + location);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** The HTTP status of a Google client error in {@code error}'s cause chain, or -1. */
    static int httpCode(Throwable error) {
        com.google.cloud.storage.StorageException gcs =
                cause(error, com.google.cloud.storage.StorageException.class);
        return gcs == null ? -1 : gcs.getCode();
    }

    private static String detail(com.google.cloud.storage.StorageException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "";
        }
        m = clean(m);
        if (m.length() > MAX_DETAIL) {
            m = m.substring(0, MAX_DETAIL) + "...";
        }
        return ": " + m;
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            return name;
        }
        m = clean(m);
        if (m.length() > MAX_DETAIL) {
            m = m.substring(0, MAX_DETAIL) + "...";
        }
        return name.toLowerCase(Locale.ROOT).contains("exception") ? name + ": " + m : m;
    }

    /**
     * One line, without URL queries: a resumable session's URL carries its upload id, which lets
     * anyone holding it write to the session.
     */
    private static String clean(String message) {
        return URL_QUERY.matcher(message.strip().replaceAll("\\s+", " ")).replaceAll("$1?...");
    }

    /**
     * The failure of the auth library to obtain a token (its exceptions implement {@link
     * Retryable}), if that is what went wrong.
     */
    private static Retryable authFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof Retryable r && c.getClass().getName().startsWith("com.google.auth.")) {
                return r;
            }
        }
        return null;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
