package dev.archiver.storage.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/**
 * The one translator from SDK exceptions to the storage SPI's: "Failed OPERATION azblob://c/k:
 * REASON". Reasons are built from the status and the service's error code only. The service's
 * message is quoted only for errors that are not about authentication, because a SAS failure
 * message can echo the string that was signed.
 */
final class AzureErrors {
    private static final Set<BlobErrorCode> AUTH_CODES =
            Set.of(
                    BlobErrorCode.AUTHENTICATION_FAILED,
                    BlobErrorCode.AUTHORIZATION_FAILURE,
                    BlobErrorCode.AUTHORIZATION_PERMISSION_MISMATCH,
                    BlobErrorCode.AUTHORIZATION_PROTOCOL_MISMATCH,
                    BlobErrorCode.AUTHORIZATION_RESOURCE_TYPE_MISMATCH,
                    BlobErrorCode.AUTHORIZATION_SERVICE_MISMATCH,
                    BlobErrorCode.AUTHORIZATION_SOURCE_IPMISMATCH,
                    BlobErrorCode.INSUFFICIENT_ACCOUNT_PERMISSIONS,
                    BlobErrorCode.INVALID_AUTHENTICATION_INFO,
                    BlobErrorCode.NO_AUTHENTICATION_INFORMATION);
    private static final Set<BlobErrorCode> RETRYABLE_CODES =
            Set.of(
                    BlobErrorCode.SERVER_BUSY,
                    BlobErrorCode.INTERNAL_ERROR,
                    BlobErrorCode.OPERATION_TIMED_OUT,
                    BlobErrorCode.CONTAINER_BEING_DELETED);

    /** What the operation means by a 404 on the blob. */
    enum Missing {
        /** No such object: {@link FileNotFoundException}. */
        NOT_FOUND,
        /**
         * A conditional write on a blob that does not exist: {@link PreconditionFailedException}.
         */
        PRECONDITION,
        /** An error like any other. */
        ERROR
    }

    private AzureErrors() {}

    static IOException translate(
            Throwable thrown, String operation, AzureBlobLocation location, Missing missing) {
        Throwable e = unwrap(thrown);
        String prefix = "Failed " + operation + " " + location + ": ";
        if (e instanceof BlobStorageException s) {
            int status = s.getStatusCode();
            BlobErrorCode code = s.getErrorCode();
            String detail = describe(status, code, null);
            if (status == 412
                    || BlobErrorCode.CONDITION_NOT_MET.equals(code)
                    || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code)
                    || (missing == Missing.PRECONDITION
                            && status == 404
                            && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(code))) {
                return new PreconditionFailedException(prefix + "precondition failed " + detail, s);
            }
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return new StorageException(
                        prefix
                                + "the container '"
                                + location.container()
                                + "' does not exist "
                                + detail
                                + "; create it first",
                        false,
                        s);
            }
            if (status == 404 && missing == Missing.NOT_FOUND) {
                FileNotFoundException notFound =
                        new FileNotFoundException(prefix + "no such blob " + detail);
                notFound.initCause(s);
                return notFound;
            }
            if ((code != null && AUTH_CODES.contains(code)) || status == 401 || status == 403) {
                return new StorageException(
                        prefix
                                + "access denied "
                                + detail
                                + "; check the account, its key, the SAS token (permissions,"
                                + " expiry) or the identity's role on the container",
                        false,
                        new CauseWithoutSecrets(s));
            }
            if (BlobErrorCode.BLOB_ARCHIVED.equals(code)) {
                return new StorageException(
                        prefix + "the blob is in the archive tier; rehydrate it first " + detail,
                        false,
                        s);
            }
            boolean retryable =
                    status >= 500
                            || status == 408
                            || status == 429
                            || (code != null && RETRYABLE_CODES.contains(code));
            return new StorageException(
                    prefix + "request failed " + describe(status, code, s.getServiceMessage()),
                    retryable,
                    s);
        }
        if (e instanceof InterruptedException || e instanceof InterruptedIOException) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(prefix + "interrupted");
            interrupted.initCause(e);
            return interrupted;
        }
        if (e instanceof HttpResponseException h) {
            int status = h.getResponse() == null ? 0 : h.getResponse().getStatusCode();
            return new StorageException(
                    prefix + "request failed (" + status + ")",
                    status >= 500 || status == 408 || status == 429,
                    e);
        }
        if (e instanceof IllegalArgumentException) {
            return new StorageException(prefix + e.getMessage(), false, e);
        }
        // Connection refused or reset, DNS, timeouts: the SDK has already retried.
        boolean retryable =
                e instanceof IOException
                        || e instanceof TimeoutException
                        || e instanceof UncheckedIOException
                        || hasCause(e, IOException.class)
                        || hasCause(e, TimeoutException.class);
        return new StorageException(prefix + rootMessage(e), retryable, e);
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = Exceptions.unwrap(t);
        while ((e instanceof UncheckedIOException || e.getClass() == RuntimeException.class)
                && e.getCause() != null
                && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    private static String describe(int status, BlobErrorCode code, String message) {
        StringBuilder b = new StringBuilder("(").append(status);
        if (code != null) {
            b.append(' ').append(code);
        }
        if (message != null && !message.isBlank()) {
            String firstLine = message.strip().lines().findFirst().orElse("");
            b.append(": ").append(firstLine);
        }
        return b.append(')').toString();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Stands in for an authentication failure in the cause chain: the SDK exception's message
     * carries the service's XML error, whose details can echo what was signed. Keeps the status,
     * the code and the stack trace.
     */
    static final class CauseWithoutSecrets extends IOException {
        private static final long serialVersionUID = 1L;

        CauseWithoutSecrets(BlobStorageException e) {
            super(
                    e.getClass().getSimpleName()
                            + " "
                            + describe(e.getStatusCode(), e.getErrorCode(), null));
            setStackTrace(e.getStackTrace());
        }
    }
}
