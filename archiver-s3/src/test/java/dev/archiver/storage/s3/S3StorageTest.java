package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import dev.archiver.testing.FaultInjectingProxy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** S3-specific behaviour of {@link S3Storage}, against a real S3 server (S3Proxy). */
class S3StorageTest {
    private static final long MB = 1L << 20;

    private static S3ProxyServer server;
    private static String bucket;

    @TempDir Path tmp;

    private final List<ObjectStorage> storages = new ArrayList<>();
    private final RecordingInterceptor recorder = new RecordingInterceptor();

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.get();
        bucket = server.createBucket("s3-storage-test");
    }

    @AfterEach
    void closeStorages() throws IOException {
        for (ObjectStorage s : storages) {
            s.close();
        }
    }

    private ObjectStorage storage(S3StorageConfig.Builder config) {
        ObjectStorage storage =
                S3StorageProvider.create(
                        config.build(),
                        b ->
                                b.overrideConfiguration(
                                        b.overrideConfiguration().toBuilder()
                                                .addExecutionInterceptor(recorder)
                                                .build()));
        storages.add(storage);
        return storage;
    }

    private ObjectStorage storage() {
        return storage(server.config());
    }

    private static StorageLocation location(String key) {
        return StorageLocation.of("s3://" + bucket + "/" + key);
    }

    private Path file(String name, long size, long seed) throws IOException {
        Path file = tmp.resolve(name);
        Random random = new Random(seed);
        byte[] chunk = new byte[(int) Math.min(size, MB)];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
        return file;
    }

    private Path text(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    private static String read(ObjectStorage storage, StorageLocation location) throws IOException {
        try (InputStream in = storage.open(location)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int pendingMultipartUploads(String key) {
        return server.client()
                .listMultipartUploads(r -> r.bucket(bucket).prefix(key))
                .uploads()
                .size();
    }

    @Test
    void multipartUploadOfFiftyMegabytesReadsBackIdentical() throws Exception {
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(8 * MB)
                                .partSize(8 * MB)
                                .uploadParallelism(3));
        Path file = file("big.bin", 50 * MB, 42);
        StorageLocation target = location("multipart/big.bin");

        storage.upload(
                file, target, UploadOptions.defaults().withMetadata(Map.of("record-count", "50")));

        assertThat(recorder.sent("CreateMultipartUpload")).hasSize(1);
        assertThat(recorder.sent("UploadPart")).hasSize(7); // 6 x 8 MB + 2 MB
        assertThat(recorder.sent("UploadPart"))
                .allSatisfy(s -> assertThat(s.header("x-amz-checksum-crc32c")).isNotBlank());
        assertThat(recorder.sent("CompleteMultipartUpload")).hasSize(1);
        assertThat(recorder.sent("PutObject")).isEmpty();
        try (InputStream expected = Files.newInputStream(file);
                InputStream actual = storage.open(target)) {
            assertThat(sha256(actual)).isEqualTo(sha256(expected));
        }
        ObjectInfo info = storage.stat(target).orElseThrow();
        assertThat(info.size()).isEqualTo(50 * MB);
        assertThat(info.metadata()).containsEntry("record-count", "50");
        assertThat(pendingMultipartUploads("multipart/")).isZero();
    }

    @Test
    void smallFilesUseOnePutWithChecksum() throws Exception {
        ObjectStorage storage = storage();
        storage.upload(
                text("small.txt", "hello"), location("small/one.txt"), UploadOptions.defaults());

        assertThat(recorder.sent("PutObject"))
                .singleElement()
                .satisfies(
                        s -> assertThat(s.header("x-amz-checksum-crc32c")).isEqualTo("mnG7TA=="));
        assertThat(recorder.sent("CreateMultipartUpload")).isEmpty();
        assertThat(read(storage, location("small/one.txt"))).isEqualTo("hello");
    }

    @Test
    void crc32IsSentWhenConfigured() throws Exception {
        ObjectStorage storage =
                storage(server.config().checksumAlgorithm(S3StorageConfig.ChecksumAlgorithm.CRC32));
        storage.upload(
                text("crc32.txt", "hello"), location("small/crc32.txt"), UploadOptions.defaults());

        assertThat(recorder.sent("PutObject"))
                .singleElement()
                .satisfies(s -> assertThat(s.header("x-amz-checksum-crc32")).isEqualTo("NhCmhg=="));
        assertThat(read(storage, location("small/crc32.txt"))).isEqualTo("hello");
    }

    @Test
    void createOnlyMultipartOntoExistingKeyFailsAbortsAndLeavesTheObject() throws Exception {
        ObjectStorage storage =
                storage(server.config().multipartThreshold(5 * MB).partSize(5 * MB));
        StorageLocation target = location("abort/existing.bin");
        storage.upload(text("old.txt", "old content"), target, UploadOptions.defaults());
        String etagBefore = storage.stat(target).orElseThrow().etag().orElseThrow();

        PreconditionFailedException e =
                catchThrowableOfType(
                        PreconditionFailedException.class,
                        () ->
                                storage.upload(
                                        file("new.bin", 12 * MB, 7),
                                        target,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifNoneMatch())));

        assertThat(e).hasMessageContaining("uploading").hasMessageContaining(target.toString());
        assertThat(e.retryable()).isFalse();
        assertThat(recorder.sent("UploadPart")).hasSize(3);
        assertThat(recorder.sent("CompleteMultipartUpload"))
                .singleElement()
                .satisfies(s -> assertThat(s.header("If-None-Match")).isEqualTo("*"));
        assertThat(recorder.sent("AbortMultipartUpload")).hasSize(1);
        assertThat(read(storage, target)).isEqualTo("old content");
        assertThat(storage.stat(target).orElseThrow().etag()).contains(etagBefore);
        assertThat(pendingMultipartUploads("abort/")).isZero();
    }

    @Test
    void failedPartAbortsTheUploadAndNothingBecomesVisible() throws Exception {
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .uploadParallelism(2));
        StorageLocation target = location("abort/failed-part.bin");
        recorder.failWhen(r -> r instanceof UploadPartRequest p && p.partNumber() == 3);

        StorageException e =
                catchThrowableOfType(
                        StorageException.class,
                        () ->
                                storage.upload(
                                        file("parts.bin", 22 * MB, 3),
                                        target,
                                        UploadOptions.defaults()));

        assertThat(e)
                .hasMessageContaining("Failed uploading " + target)
                .hasMessageContaining("injected failure");
        assertThat(recorder.sent("CompleteMultipartUpload")).isEmpty();
        assertThat(recorder.sent("AbortMultipartUpload")).hasSize(1);
        assertThat(storage.stat(target)).isEmpty();
        assertThat(pendingMultipartUploads("abort/failed-part")).isZero();
    }

    @Test
    void metadataAndTagsArePresentOnSingleAndMultipartObjects() throws Exception {
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .tag("team", "data-platform")
                                .tag("retention", "7y"));
        Map<String, String> metadata =
                Map.of("record-count", "3", "first-offset", "00000000000000012345");
        StorageLocation small = location("meta/small.jsonl");
        StorageLocation large = location("meta/large.jsonl");

        storage.upload(
                text("small.jsonl", "{}\n{}\n{}\n"),
                small,
                new UploadOptions(metadata, Precondition.none()));
        storage.upload(
                file("large.jsonl", 6 * MB, 1),
                large,
                new UploadOptions(metadata, Precondition.none()));

        S3Client raw = server.client();
        for (StorageLocation l : List.of(small, large)) {
            HeadObjectResponse head = raw.headObject(r -> r.bucket(bucket).key(l.key()));
            assertThat(head.metadata()).isEqualTo(metadata);
            ObjectInfo info = storage.stat(l).orElseThrow();
            assertThat(info.metadata()).isEqualTo(metadata);
            assertThat(info.etag()).contains(head.eTag());
        }
        // S3Proxy does not implement object tagging (GetObjectTagging answers 501 NotImplemented
        // and
        // x-amz-tagging is ignored), so the tags are checked on the wire here;
        // S3StorageContractMinioTest
        // reads them back from MinIO where Docker exists.
        List<RecordingInterceptor.Sent> writes = new ArrayList<>(recorder.sent("PutObject"));
        writes.addAll(recorder.sent("CreateMultipartUpload"));
        assertThat(writes)
                .hasSize(2)
                .allSatisfy(
                        s ->
                                assertThat(Set.of(s.header("x-amz-tagging").split("&")))
                                        .containsExactlyInAnyOrder(
                                                "team=data-platform", "retention=7y"));
        assertThat(recorder.sent("UploadPart"))
                .allSatisfy(s -> assertThat(s.header("x-amz-tagging")).isNull());
    }

    @Test
    void sseS3HeaderIsSentOnEveryWrite() throws Exception {
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .encryption(S3StorageConfig.Encryption.s3Managed()));
        storage.upload(
                text("sse-s3.txt", "sse-s3"), location("sse/s3.txt"), UploadOptions.defaults());
        storage.upload(
                file("sse-s3.bin", 6 * MB, 2), location("sse/s3.bin"), UploadOptions.defaults());

        List<RecordingInterceptor.Sent> writes = new ArrayList<>(recorder.sent("PutObject"));
        writes.addAll(recorder.sent("CreateMultipartUpload"));
        assertThat(writes)
                .hasSize(2)
                .allSatisfy(
                        s ->
                                assertThat(s.header("x-amz-server-side-encryption"))
                                        .isEqualTo("AES256"));
        assertThat(read(storage, location("sse/s3.txt"))).isEqualTo("sse-s3");
        for (String key : List.of("sse/s3.txt", "sse/s3.bin")) {
            assertThat(
                            server.client()
                                    .headObject(r -> r.bucket(bucket).key(key))
                                    .serverSideEncryption())
                    .as(key)
                    .isEqualTo(ServerSideEncryption.AES256);
        }
    }

    @Test
    void sseKmsHeadersAreSentOnEveryWrite() throws Exception {
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .encryption(S3StorageConfig.Encryption.kms("alias/archive")));
        storage.upload(
                text("sse-kms.txt", "sse-kms"), location("sse/kms.txt"), UploadOptions.defaults());
        storage.upload(
                file("sse-kms.bin", 6 * MB, 2), location("sse/kms.bin"), UploadOptions.defaults());

        List<RecordingInterceptor.Sent> writes = new ArrayList<>(recorder.sent("PutObject"));
        writes.addAll(recorder.sent("CreateMultipartUpload"));
        assertThat(writes)
                .hasSize(2)
                .allSatisfy(
                        s -> {
                            assertThat(s.header("x-amz-server-side-encryption"))
                                    .isEqualTo("aws:kms");
                            assertThat(s.header("x-amz-server-side-encryption-aws-kms-key-id"))
                                    .isEqualTo("alias/archive");
                        });
        for (String key : List.of("sse/kms.txt", "sse/kms.bin")) {
            HeadObjectResponse head = server.client().headObject(r -> r.bucket(bucket).key(key));
            assertThat(head.serverSideEncryption()).as(key).isEqualTo(ServerSideEncryption.AWS_KMS);
            assertThat(head.ssekmsKeyId()).as(key).isEqualTo("alias/archive");
        }
    }

    @Test
    void sseCustomerKeyIsSentOnEveryRequestOfTheObject() throws Exception {
        byte[] key = new byte[32];
        new Random(5).nextBytes(key);
        String base64Key = Base64.getEncoder().encodeToString(key);
        String md5 =
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(key));
        ObjectStorage storage =
                storage(
                        server.config()
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .encryption(
                                        S3StorageConfig.Encryption.customerKey(
                                                Secret.of(base64Key))));

        storage.upload(text("sse-c.txt", "sse-c"), location("sse/c.txt"), UploadOptions.defaults());
        storage.upload(
                file("sse-c.bin", 6 * MB, 2), location("sse/c.bin"), UploadOptions.defaults());
        assertThat(storage.stat(location("sse/c.txt"))).isPresent();
        assertThat(read(storage, location("sse/c.txt"))).isEqualTo("sse-c");
        // the server keeps the object encrypted under the key: a read without it is refused
        assertThatThrownBy(
                        () ->
                                server.client()
                                        .getObjectAsBytes(r -> r.bucket(bucket).key("sse/c.txt")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(400));
        assertThat(
                        server.client()
                                .headObject(
                                        r ->
                                                r.bucket(bucket)
                                                        .key("sse/c.bin")
                                                        .sseCustomerAlgorithm("AES256")
                                                        .sseCustomerKey(base64Key)
                                                        .sseCustomerKeyMD5(md5))
                                .sseCustomerAlgorithm())
                .isEqualTo("AES256");

        for (String op :
                List.of(
                        "PutObject",
                        "CreateMultipartUpload",
                        "UploadPart",
                        "CompleteMultipartUpload",
                        "HeadObject",
                        "GetObject")) {
            assertThat(recorder.sent(op))
                    .as(op)
                    .isNotEmpty()
                    .allSatisfy(
                            s -> {
                                assertThat(
                                                s.header(
                                                        "x-amz-server-side-encryption-customer-algorithm"))
                                        .isEqualTo("AES256");
                                assertThat(s.header("x-amz-server-side-encryption-customer-key"))
                                        .isEqualTo(base64Key);
                                assertThat(
                                                s.header(
                                                        "x-amz-server-side-encryption-customer-key-MD5"))
                                        .isEqualTo(md5);
                            });
        }
    }

    @Test
    void createOnlyRefusesAnExistingKey() throws Exception {
        ObjectStorage storage = storage();
        StorageLocation target = location("conditional/create-only.txt");
        UploadOptions createOnly =
                UploadOptions.defaults().withPrecondition(Precondition.ifNoneMatch());

        storage.upload(text("first.txt", "first"), target, createOnly);
        assertThatThrownBy(() -> storage.upload(text("second.txt", "second"), target, createOnly))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("Failed uploading " + target);

        assertThat(recorder.sent("PutObject"))
                .allSatisfy(s -> assertThat(s.header("If-None-Match")).isEqualTo("*"));
        assertThat(read(storage, target)).isEqualTo("first");
    }

    @Test
    void ifMatchReplacesTheCurrentVersionAndRefusesAStaleOne() throws Exception {
        ObjectStorage storage =
                storage(server.config().multipartThreshold(5 * MB).partSize(5 * MB));
        StorageLocation target = location("conditional/if-match.txt");
        storage.upload(text("v1.txt", "v1"), target, UploadOptions.defaults());
        String v1 = storage.stat(target).orElseThrow().etag().orElseThrow();

        storage.upload(
                text("v2.txt", "v2"),
                target,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(v1)));
        assertThat(read(storage, target)).isEqualTo("v2");
        String v2 = storage.stat(target).orElseThrow().etag().orElseThrow();
        assertThat(v2).isNotEqualTo(v1);

        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        text("v3.txt", "v3"),
                                        target,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch(v1))))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("Failed uploading " + target);
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file("v3.bin", 6 * MB, 9),
                                        target,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch(v1))))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(read(storage, target)).isEqualTo("v2");
        assertThat(pendingMultipartUploads("conditional/")).isZero();

        Path large = file("v4.bin", 6 * MB, 10);
        storage.upload(
                large, target, UploadOptions.defaults().withPrecondition(Precondition.ifMatch(v2)));
        assertThat(recorder.sent("CompleteMultipartUpload"))
                .last()
                .satisfies(s -> assertThat(s.header("If-Match")).isEqualTo(v2));
        try (InputStream in = storage.open(target);
                InputStream expected = Files.newInputStream(large)) {
            assertThat(sha256(in)).isEqualTo(sha256(expected));
        }
    }

    @Test
    void conditionalWritesCanBeTurnedOff() throws Exception {
        ObjectStorage storage = storage(server.config().conditionalWrites(false));
        StorageLocation target = location("conditional/off.txt");
        storage.upload(text("a.txt", "a"), target, UploadOptions.defaults());

        storage.upload(
                text("b.txt", "b"),
                target,
                UploadOptions.defaults().withPrecondition(Precondition.ifNoneMatch()));

        assertThat(storage.supportsConditionalWrites()).isFalse();
        assertThat(recorder.sent("PutObject"))
                .allSatisfy(s -> assertThat(s.header("If-None-Match")).isNull());
        assertThat(read(storage, target)).isEqualTo("b");
    }

    @Test
    void wrongSecretKeyIsAClearNonRetryableErrorWithoutTheSecret() throws Exception {
        String wrongSecret = "wrong-secret-Q9zX4vLk";
        ObjectStorage storage =
                storage(
                        server.config()
                                .credentials(
                                        S3StorageConfig.Credentials.staticKeys(
                                                S3ProxyServer.ACCESS_KEY, Secret.of(wrongSecret))));
        StorageLocation target = location("denied/object.txt");

        StorageException e =
                catchThrowableOfType(
                        StorageException.class,
                        () -> storage.upload(text("x.txt", "x"), target, UploadOptions.defaults()));

        assertThat(e.retryable()).isFalse();
        assertThat(e)
                .hasMessageStartingWith("Failed uploading " + target + ": ")
                .hasMessageContaining("SignatureDoesNotMatch");
        assertThat(stackTrace(e))
                .doesNotContain(wrongSecret)
                .doesNotContain(S3ProxyServer.SECRET_KEY);
        assertThat(recorder.sent("PutObject")).hasSize(1); // not retried by the SDK

        StorageException list =
                catchThrowableOfType(
                        StorageException.class, () -> storage.list(location("denied/")));
        assertThat(list.retryable()).isFalse();
        assertThat(list).hasMessageStartingWith("Failed listing " + location("denied/"));
        assertThat(stackTrace(list)).doesNotContain(wrongSecret);
    }

    @Test
    void unknownAccessKeyIsAClearNonRetryableError() throws Exception {
        String secret = "another-secret-R2d2C3po";
        ObjectStorage storage =
                storage(
                        server.config()
                                .credentials(
                                        S3StorageConfig.Credentials.staticKeys(
                                                "no-such-access-key", Secret.of(secret))));
        StorageLocation target = location("denied/other.txt");

        StorageException e =
                catchThrowableOfType(StorageException.class, () -> storage.open(target));

        assertThat(e.retryable()).isFalse();
        assertThat(e)
                .hasMessageStartingWith("Failed reading " + target + ": ")
                .hasMessageContaining("InvalidAccessKeyId")
                .hasMessageContaining("credentials were rejected");
        assertThat(stackTrace(e)).doesNotContain(secret);
    }

    @Test
    void missingBucketIsANonRetryableErrorNamingTheBucket() throws Exception {
        ObjectStorage storage = storage();
        StorageLocation target = StorageLocation.of("s3://no-such-bucket-4711/a/b.txt");

        StorageException upload =
                catchThrowableOfType(
                        StorageException.class,
                        () -> storage.upload(text("y.txt", "y"), target, UploadOptions.defaults()));
        assertThat(upload.retryable()).isFalse();
        assertThat(upload)
                .hasMessageContaining("Failed uploading " + target)
                .hasMessageContaining("no-such-bucket-4711")
                .hasMessageContaining("NoSuchBucket");

        StorageException list =
                catchThrowableOfType(
                        StorageException.class,
                        () -> storage.list(StorageLocation.of("s3://no-such-bucket-4711/a/")));
        assertThat(list.retryable()).isFalse();
        assertThat(list).hasMessageContaining("Failed listing s3://no-such-bucket-4711/a");
    }

    @Test
    void serverErrorsAreRetriedBySdk() throws Exception {
        try (FaultInjectingProxy proxy =
                FaultInjectingProxy.builder("127.0.0.1", server.endpoint().getPort()).build()) {
            ObjectStorage storage =
                    storage(server.config().endpoint(URI.create(proxy.endpoint())).maxAttempts(3));
            StorageLocation target = location("retry/unavailable.txt");
            proxy.setDown(true);
            // the store comes back just before the third attempt is sent
            recorder.onTransmit(sent -> proxy.setDown(sent.size() < 3));

            storage.upload(text("unavailable.txt", "eventually"), target, UploadOptions.defaults());

            assertThat(recorder.sent("PutObject")).hasSize(3);
            assertThat(proxy.faultsInjected()).isEqualTo(2);
            recorder.onTransmit(sent -> {});
            assertThat(read(storage, target)).isEqualTo("eventually");
        }
    }

    @Test
    void exhaustedRetriesAreARetryableError() throws Exception {
        try (FaultInjectingProxy proxy =
                FaultInjectingProxy.builder("127.0.0.1", server.endpoint().getPort()).build()) {
            ObjectStorage storage =
                    storage(server.config().endpoint(URI.create(proxy.endpoint())).maxAttempts(2));
            StorageLocation target = location("retry/down.txt");
            proxy.setDown(true);

            StorageException e =
                    catchThrowableOfType(
                            StorageException.class,
                            () ->
                                    storage.upload(
                                            text("down.txt", "never"),
                                            target,
                                            UploadOptions.defaults()));

            assertThat(e.retryable()).isTrue();
            assertThat(e)
                    .hasMessageStartingWith("Failed uploading " + target + ": ")
                    .hasMessageContaining("503");
            assertThat(recorder.sent("PutObject")).hasSize(2);
        }
    }

    @Test
    void unreachableEndpointIsARetryableError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ObjectStorage storage =
                storage(
                        server.config()
                                .endpoint(URI.create("http://127.0.0.1:" + closedPort))
                                .maxAttempts(1));
        StorageLocation target = location("retry/unreachable.txt");

        StorageException e =
                catchThrowableOfType(StorageException.class, () -> storage.stat(target));

        assertThat(e.retryable()).isTrue();
        assertThat(e).hasMessageStartingWith("Failed reading metadata of " + target + ": ");
    }

    @Test
    void missingObjects() throws Exception {
        ObjectStorage storage = storage();
        StorageLocation missing = location("missing/nothing.txt");

        assertThat(storage.stat(missing)).isEmpty();
        assertThatThrownBy(() -> storage.open(missing))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(missing.toString());
        storage.delete(missing);
    }

    @Test
    void listingIsLazyAndPaged() throws Exception {
        ObjectStorage storage = storage(server.config().listPageSize(2));
        Path file = text("page.txt", "p");
        for (int i = 0; i < 5; i++) {
            storage.upload(file, location("paged/obj-" + i), UploadOptions.defaults());
        }
        recorder.clear();

        try (Stream<ObjectInfo> all = storage.list(location("paged/"))) {
            assertThat(all.map(i -> i.location().key()))
                    .containsExactly(
                            "paged/obj-0",
                            "paged/obj-1",
                            "paged/obj-2",
                            "paged/obj-3",
                            "paged/obj-4");
        }
        assertThat(recorder.sent("ListObjectsV2")).hasSize(3);

        recorder.clear();
        try (Stream<ObjectInfo> all = storage.list(location("paged/"))) {
            assertThat(all.findFirst())
                    .get()
                    .satisfies(
                            i -> {
                                assertThat(i.location()).isEqualTo(location("paged/obj-0"));
                                assertThat(i.size()).isEqualTo(1);
                                assertThat(i.etag()).isPresent();
                            });
        }
        assertThat(recorder.sent("ListObjectsV2")).hasSize(1);
    }

    @Test
    void deleteAllSendsBatchesOfAThousand() throws Exception {
        ObjectStorage storage = storage();
        S3Client raw = server.client();
        List<StorageLocation> existing =
                IntStream.range(0, 3).mapToObj(i -> location("bulk/existing-" + i)).toList();
        existing.forEach(
                l ->
                        raw.putObject(
                                r -> r.bucket(bucket).key(l.key()), RequestBody.fromString("x")));
        List<StorageLocation> locations =
                IntStream.range(0, 1001)
                        .mapToObj(i -> location(String.format("bulk/never-existed-%04d", i)))
                        .collect(Collectors.toList());
        locations.addAll(existing);

        storage.deleteAll(locations);

        assertThat(recorder.sent("DeleteObjects")).hasSize(2);
        assertThat(raw.listObjectsV2(r -> r.bucket(bucket).prefix("bulk/")).contents()).isEmpty();
    }

    @Test
    void s3aLocationsWorkAndKeepTheirScheme() throws Exception {
        ObjectStorage storage = storage();
        StorageLocation target = StorageLocation.of("s3a://" + bucket + "/hadoop/style.txt");
        storage.upload(text("s3a.txt", "s3a"), target, UploadOptions.defaults());

        assertThat(read(storage, location("hadoop/style.txt"))).isEqualTo("s3a");
        try (Stream<ObjectInfo> listed =
                storage.list(StorageLocation.of("s3a://" + bucket + "/hadoop/"))) {
            assertThat(listed.map(ObjectInfo::location)).containsExactly(target);
        }
        assertThatThrownBy(() -> storage.stat(StorageLocation.of("gs://" + bucket + "/x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providerIsFoundBySchemeAndBuildsFromSettings() throws Exception {
        StorageProviders providers = StorageProviders.load();
        assertThat(providers.forLocation(StorageLocation.of("s3://b/k")))
                .isInstanceOf(S3StorageProvider.class);
        assertThat(providers.forLocation(StorageLocation.of("s3a://b/k")))
                .isInstanceOf(S3StorageProvider.class);

        Settings settings =
                Settings.of(
                        Map.of(
                                "storage.s3.endpoint",
                                server.endpoint().toString(),
                                "storage.s3.path-style-access",
                                "true",
                                "storage.s3.access-key",
                                S3ProxyServer.ACCESS_KEY,
                                "storage.s3.secret-key",
                                S3ProxyServer.SECRET_KEY));
        StorageLocation target = location("settings/from-settings.txt");
        try (ObjectStorage storage = providers.create(target, settings)) {
            storage.upload(text("settings.txt", "configured"), target, UploadOptions.defaults());
            assertThat(read(storage, target)).isEqualTo("configured");
            assertThat(storage.supportsConditionalWrites()).isTrue();
        }
        assertThat(settings.unusedKeys()).isEmpty();
    }

    @Test
    void storageAroundAUserClientDoesNotCloseIt() throws Exception {
        S3Client raw = server.client();
        ObjectStorage storage = S3StorageProvider.create(raw, server.config().build());
        StorageLocation target = location("embedded/user-client.txt");
        storage.upload(text("embedded.txt", "embedded"), target, UploadOptions.defaults());
        storage.close();
        storage.close();

        assertThat(raw.getObjectAsBytes(r -> r.bucket(bucket).key(target.key())).asUtf8String())
                .isEqualTo("embedded");
        assertThatThrownBy(() -> storage.stat(target)).isInstanceOf(IllegalStateException.class);
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
