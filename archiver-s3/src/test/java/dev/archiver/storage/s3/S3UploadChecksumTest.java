package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.s3.S3StorageConfig.ChecksumAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Issue 20: over plain HTTP the SDK streamed uploads aws-chunked and declared an {@code
 * x-amz-trailer} it never sent next to the precomputed {@code x-amz-checksum-crc32c} header; MinIO
 * refused every upload ({@code 400 XAmzContentChecksumMismatch}) while S3Proxy let it through.
 * Every checksum choice, single PUT and multipart, must now be accepted over HTTP and HTTPS, go out
 * as one plain (not aws-chunked) body with the checksum in a header, and be verified by the store:
 * a checksum that does not match the body is refused.
 */
class S3UploadChecksumTest {
    private static final long MB = 1L << 20;
    private static final Map<String, Supplier<S3TestServer>> SERVERS =
            Map.of(
                    "S3Proxy", S3ProxyServer::get,
                    "MinIO over HTTP", MinioServer::http,
                    "MinIO over HTTPS", MinioServer::https,
                    "moto", MotoServer::get);

    /** moto 5.2.5 accepts every request shape but verifies no checksum: a wrong one is accepted. */
    private static final String VERIFIES_NO_CHECKSUM = "moto";

    private static final Map<String, String> BUCKETS = new ConcurrentHashMap<>();

    @TempDir Path tmp;
    private final List<ObjectStorage> storages = new ArrayList<>();

    static Stream<Arguments> uploads() {
        return SERVERS.keySet().stream()
                .sorted()
                .flatMap(
                        server ->
                                Arrays.stream(ChecksumAlgorithm.values())
                                        .flatMap(
                                                algorithm ->
                                                        Stream.of(false, true)
                                                                .map(
                                                                        multipart ->
                                                                                Arguments.of(
                                                                                        server,
                                                                                        algorithm,
                                                                                        multipart))));
    }

    static Stream<Arguments> verifiedChecksums() {
        return SERVERS.keySet().stream()
                .filter(server -> !server.equals(VERIFIES_NO_CHECKSUM))
                .sorted()
                .flatMap(
                        server ->
                                Arrays.stream(ChecksumAlgorithm.values())
                                        .filter(a -> !a.name().equals("NONE"))
                                        .map(algorithm -> Arguments.of(server, algorithm)));
    }

    @AfterEach
    void closeStorages() throws IOException {
        for (ObjectStorage s : storages) {
            s.close();
        }
    }

    @ParameterizedTest(name = "{0}, {1}, multipart={2}")
    @MethodSource("uploads")
    void uploadIsOnePlainBodyWithItsChecksumInAHeader(
            String serverName, ChecksumAlgorithm algorithm, boolean multipart) throws Exception {
        S3TestServer server = SERVERS.get(serverName).get();
        RecordingInterceptor recorder = new RecordingInterceptor();
        ObjectStorage storage = storage(server, algorithm, recorder);
        Path file = file(multipart ? 6 * MB + 123 : 1000);
        StorageLocation target = location(server, algorithm + "-" + multipart);

        storage.upload(
                file,
                target,
                UploadOptions.defaults()
                        .withPrecondition(UploadOptions.Precondition.ifNoneMatch()));

        try (InputStream in = storage.open(target)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
        }
        List<RecordingInterceptor.Sent> bodies =
                recorder.sent(multipart ? "UploadPart" : "PutObject");
        assertThat(bodies).hasSize(multipart ? 2 : 1);
        String header = checksumHeader(algorithm);
        assertThat(bodies)
                .allSatisfy(
                        sent -> {
                            assertThat(sent.header("x-amz-trailer")).isNull();
                            assertThat(sent.header("Content-Encoding")).isNull();
                            assertThat(sent.header("x-amz-content-sha256"))
                                    .doesNotStartWith("STREAMING-");
                            if (header != null) {
                                assertThat(sent.header(header)).isNotBlank();
                            }
                            for (String other :
                                    List.of(
                                            "x-amz-checksum-crc32c",
                                            "x-amz-checksum-crc32",
                                            "Content-MD5")) {
                                if (!other.equals(header)) {
                                    assertThat(sent.header(other)).as(other).isNull();
                                }
                            }
                        });
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("verifiedChecksums")
    void checksumThatDoesNotMatchTheBodyIsRefused(String serverName, ChecksumAlgorithm algorithm)
            throws Exception {
        S3TestServer server = SERVERS.get(serverName).get();
        String header = checksumHeader(algorithm);
        ExecutionInterceptor corrupt =
                new ExecutionInterceptor() {
                    @Override
                    public SdkHttpRequest modifyHttpRequest(
                            Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                        SdkHttpRequest request = context.httpRequest();
                        return request.firstMatchingHeader(header).isPresent()
                                ? request.toBuilder()
                                        .putHeader(
                                                header,
                                                header.equals("Content-MD5")
                                                        ? "AAAAAAAAAAAAAAAAAAAAAA=="
                                                        : "AAAAAA==")
                                        .build()
                                : request;
                    }
                };
        ObjectStorage storage = storage(server, algorithm, corrupt);
        StorageLocation target = location(server, "corrupt-" + algorithm);

        assertThatThrownBy(() -> storage.upload(file(1000), target, UploadOptions.defaults()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(target.toString())
                .hasMessageContaining("400");
        assertThat(storage.stat(target)).isEmpty();
    }

    private static String checksumHeader(ChecksumAlgorithm algorithm) {
        return switch (algorithm.name()) {
            case "CRC32C" -> "x-amz-checksum-crc32c";
            case "CRC32" -> "x-amz-checksum-crc32";
            case "MD5" -> "Content-MD5";
            default -> null;
        };
    }

    private ObjectStorage storage(
            S3TestServer server, ChecksumAlgorithm algorithm, ExecutionInterceptor interceptor) {
        ObjectStorage storage =
                S3StorageProvider.create(
                        server.config()
                                .checksumAlgorithm(algorithm)
                                .multipartThreshold(5 * MB)
                                .partSize(5 * MB)
                                .build(),
                        b ->
                                b.overrideConfiguration(
                                        b.overrideConfiguration().toBuilder()
                                                .addExecutionInterceptor(interceptor)
                                                .build()));
        storages.add(storage);
        return storage;
    }

    private static StorageLocation location(S3TestServer server, String name) {
        String bucket =
                BUCKETS.computeIfAbsent(server.name(), n -> server.createBucket("checksum"));
        return StorageLocation.of(
                "s3://" + bucket + "/" + name.toLowerCase(Locale.ROOT) + "-" + System.nanoTime());
    }

    private Path file(long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        new Random(size).nextBytes(bytes);
        return Files.write(tmp.resolve("f-" + System.nanoTime()), bytes);
    }
}
