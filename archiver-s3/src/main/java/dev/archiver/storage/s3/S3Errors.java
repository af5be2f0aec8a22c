package dev.archiver.storage.s3;

import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryUtils;

/**
 * The one translator from SDK exceptions to the storage SPI's: "Failed OPERATION s3://b/k: REASON".
 * Reasons are built from the status and S3's error code and message only; S3 never echoes a secret
 * key (it is not sent), and request headers are never quoted.
 */
final class S3Errors {
    private static final Set<String> CREDENTIAL_CODES =
            Set.of(
                    "InvalidAccessKeyId",
                    "SignatureDoesNotMatch",
                    "ExpiredToken",
                    "InvalidToken",
                    "TokenRefreshRequired",
                    "InvalidSecurity",
                    "AuthorizationHeaderMalformed");
    private static final Set<String> RETRYABLE_CODES =
            Set.of(
                    "RequestTimeout",
                    "RequestTimeTooSkewed",
                    "SlowDown",
                    "InternalError",
                    "ServiceUnavailable",
                    "Throttling",
                    "ThrottlingException",
                    "RequestThrottled",
                    "ConditionalRequestConflict");

    private S3Errors() {}

    /**
     * The exception for a failed operation.
     *
     * @param operation a verb phrase such as {@code uploading}, completed by the location
     * @param missingIsNotFound whether a 404 on the object means "no such object" (GET and HEAD)
     */
    static IOException translate(
            SdkException e, String operation, S3Location location, boolean missingIsNotFound) {
        return translate(e, operation, location, missingIsNotFound, null);
    }

    /**
     * Like {@link #translate(SdkException, String, S3Location, boolean)}; a request the store
     * refused as such (a 4xx other than the ones with their own meaning, or a 501) is named by
     * {@code request} (e.g. {@code PutObject with x-amz-checksum-crc32c, If-None-Match: *}), so
     * that the message says what to turn off.
     */
    static IOException translate(
            SdkException e,
            String operation,
            S3Location location,
            boolean missingIsNotFound,
            String request) {
        String prefix = "Failed " + operation + " " + location + ": ";
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String message = details == null ? null : details.errorMessage();
            String detail = describe(status, code, message);
            if (status == 412 || "PreconditionFailed".equals(code)) {
                return new PreconditionFailedException(prefix + "precondition failed " + detail, e);
            }
            if ("NoSuchBucket".equals(code)) {
                return new StorageException(
                        prefix + "the bucket '" + location.bucket() + "' does not exist " + detail,
                        false,
                        e);
            }
            if (status == 404
                    && missingIsNotFound
                    && (code == null || "NoSuchKey".equals(code) || "NotFound".equals(code))) {
                FileNotFoundException notFound =
                        new FileNotFoundException(prefix + "no such object " + detail);
                notFound.initCause(e);
                return notFound;
            }
            if (code != null && CREDENTIAL_CODES.contains(code)) {
                return new StorageException(
                        prefix
                                + "the credentials were rejected "
                                + detail
                                + "; check the access key, the secret key and the region",
                        false,
                        e);
            }
            if (status == 401 || status == 403) {
                return new StorageException(
                        prefix
                                + "access denied "
                                + detail
                                + "; check the credentials and the bucket's policy",
                        false,
                        e);
            }
            // 501 NotImplemented: the store lacks a feature the request uses; it never will
            boolean retryable =
                    (status >= 500 && status != 501)
                            || status == 429
                            || status == 408
                            || (code != null && RETRYABLE_CODES.contains(code))
                            || RetryUtils.isThrottlingException(e);
            return new StorageException(
                    prefix
                            + "request failed "
                            + detail
                            + (request == null || retryable ? "" : "; the request: " + request),
                    retryable,
                    e);
        }
        if (e instanceof AbortedException) {
            InterruptedIOException interrupted = new InterruptedIOException(prefix + "interrupted");
            interrupted.initCause(e);
            return interrupted;
        }
        boolean retryable =
                e instanceof ApiCallTimeoutException
                        || e instanceof ApiCallAttemptTimeoutException
                        || (e instanceof SdkClientException && hasIoCause(e));
        return new StorageException(prefix + e.getMessage(), retryable, e);
    }

    /**
     * Like {@link #translate}, for a write with {@code precondition}: S3 answers an {@code
     * If-Match} on a missing key with 404 NoSuchKey rather than 412, and that too means the
     * precondition failed.
     */
    static IOException translateWrite(
            SdkException e, S3Location location, Precondition precondition, String request) {
        if (precondition.kind() == Precondition.Kind.IF_MATCH
                && e instanceof AwsServiceException service
                && service.statusCode() == 404
                && service.awsErrorDetails() != null
                && "NoSuchKey".equals(service.awsErrorDetails().errorCode())) {
            return new PreconditionFailedException(
                    "Failed uploading "
                            + location
                            + ": precondition failed (404 NoSuchKey: no object to match "
                            + precondition.etag()
                            + ")",
                    e);
        }
        return translate(e, "uploading", location, false, request);
    }

    private static String describe(int status, String code, String message) {
        StringBuilder b = new StringBuilder("(").append(status);
        if (code != null) {
            b.append(' ').append(code);
        }
        if (message != null && !message.isBlank() && !"null".equals(message)) {
            b.append(": ").append(message);
        }
        return b.append(')').toString();
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
