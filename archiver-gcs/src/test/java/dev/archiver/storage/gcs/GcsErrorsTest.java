package dev.archiver.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.gcs.GcsErrors.Operation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The translation of client errors, for the statuses fake-gcs-server never returns (it does not
 * authenticate or authorize, and does not throttle).
 */
class GcsErrorsTest {
    private static final GcsLocation LOCATION =
            GcsLocation.of(StorageLocation.of("gs://bucket/topic/p0/file.jsonl"));

    private static IOException translate(Operation op, int code, String message) {
        return GcsErrors.translate(
                op, LOCATION, new com.google.cloud.storage.StorageException(code, message));
    }

    @Test
    void unauthenticatedIsNotRetryableAndPointsAtTheCredentials() {
        IOException e = translate(Operation.UPLOAD, 401, "Invalid Credentials");
        assertThat(e).isExactlyInstanceOf(StorageException.class);
        assertThat(((StorageException) e).retryable()).isFalse();
        assertThat(e)
                .hasMessageStartingWith("Failed uploading gs://bucket/topic/p0/file.jsonl: ")
                .hasMessageContaining("401")
                .hasMessageContaining("storage.gcs.credentials");
    }

    @Test
    void forbiddenIsNotRetryableAndNamesTheBucket() {
        IOException e =
                translate(Operation.LIST, 403, "archiver@p.iam does not have storage.objects.list");
        assertThat(((StorageException) e).retryable()).isFalse();
        assertThat(e)
                .hasMessageStartingWith("Failed listing gs://bucket/topic/p0/file.jsonl: ")
                .hasMessageContaining("403")
                .hasMessageContaining("'bucket'");
    }

    @Test
    void notFoundIsAMissingBucketExceptWhenReading() {
        IOException upload = translate(Operation.UPLOAD, 404, "Not Found");
        assertThat(((StorageException) upload).retryable()).isFalse();
        assertThat(upload).hasMessageContaining("bucket 'bucket' does not exist");
        assertThat(translate(Operation.READ, 404, "Not Found"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("gs://bucket/topic/p0/file.jsonl");
    }

    @Test
    void preconditionFailed() {
        assertThat(translate(Operation.UPLOAD, 412, "conditionNotMet"))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("gs://bucket/topic/p0/file.jsonl");
    }

    @Test
    void throttlingServerErrorsAndIoErrorsAreRetryable() {
        for (int code : new int[] {408, 429, 500, 502, 503}) {
            assertThat(((StorageException) translate(Operation.UPLOAD, code, "x")).retryable())
                    .as("HTTP %d", code)
                    .isTrue();
        }
        IOException io =
                GcsErrors.translate(
                        Operation.UPLOAD,
                        LOCATION,
                        new com.google.cloud.storage.StorageException(
                                new SocketTimeoutException("Read timed out")));
        assertThat(((StorageException) io).retryable()).isTrue();
        assertThat(io).hasMessageContaining("Read timed out");
        IOException plain =
                GcsErrors.translate(Operation.READ, LOCATION, new IOException("Connection reset"));
        assertThat(((StorageException) plain).retryable()).isTrue();
    }

    @Test
    void badRequestIsNotRetryable() {
        assertThat(
                        ((StorageException) translate(Operation.UPLOAD, 400, "Invalid argument"))
                                .retryable())
                .isFalse();
    }

    @Test
    void sessionUrlsDoNotLeakIntoMessages() {
        IOException e =
                translate(
                        Operation.UPLOAD,
                        503,
                        "503 Service Unavailable PUT https://storage.googleapis.com/upload/storage/v1/b/bucket/o?uploadType=resumable&upload_id=SESSION-CAPABILITY");
        assertThat(e)
                .hasMessageContaining("https://storage.googleapis.com/upload/storage/v1/b/bucket/o")
                .message()
                .doesNotContain("SESSION-CAPABILITY");
    }

    @Test
    void locationsOfOtherSchemesAreRejected() {
        assertThatThrownBy(() -> GcsLocation.of(StorageLocation.of("s3://bucket/key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket/key");
        GcsLocation l = GcsLocation.of(StorageLocation.of("gs://b/a/b c"));
        assertThat(l.bucket()).isEqualTo("b");
        assertThat(l.name()).isEqualTo("a/b c");
        assertThatThrownBy(() -> GcsLocation.of(StorageLocation.of("gs://b")).blobId())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
