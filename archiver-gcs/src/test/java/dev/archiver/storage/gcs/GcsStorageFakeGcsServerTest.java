package dev.archiver.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What is specific to GCS, checked on fake-gcs-server over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcsStorageFakeGcsServerTest {
    private static final String BUCKET = "specific";
    private static final int MB = 1024 * 1024;

    private FakeGcsServer server;
    private ObjectStorage storage;
    private Storage raw;
    private final String run = "run-" + UUID.randomUUID();

    @TempDir Path tempDir;

    @BeforeAll
    void start() throws Exception {
        server = FakeGcsServer.shared();
        server.createBucket(BUCKET);
        storage = provider(Map.of());
        raw = server.client();
    }

    @AfterAll
    void stop() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    private ObjectStorage provider(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(server.settings());
        s.putAll(extra);
        return new GcsStorageProvider().create(Settings.of(s).withPrefix("storage.gcs."));
    }

    private StorageLocation location(String key) {
        return StorageLocation.of("gs://" + BUCKET + "/" + run + "/" + key);
    }

    private Path file(byte[] content) throws Exception {
        Path f = Files.createTempFile(tempDir, "obj", ".bin");
        Files.write(f, content);
        return f;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] read(ObjectStorage s, StorageLocation loc) throws Exception {
        try (InputStream in = s.open(loc)) {
            return in.readAllBytes();
        }
    }

    @Test
    void fiftyMegabytesGoUpResumablyInSeveralChunksAndReadBackIdentical() throws Exception {
        // A client whose connections we can count: every chunk of a resumable upload is one PUT
        // to the session URL (its query carries upload_id).
        AtomicInteger chunkRequests = new AtomicInteger();
        NetHttpTransport transport =
                new NetHttpTransport.Builder()
                        .setConnectionFactory(
                                url -> {
                                    if (url.getQuery() != null
                                            && url.getQuery().contains("upload_id=")) {
                                        chunkRequests.incrementAndGet();
                                    }
                                    return (HttpURLConnection) url.openConnection();
                                })
                        .build();
        GcsStorageConfig config =
                GcsStorageConfig.from(
                        Settings.of(Map.of("chunk-size", "8MB", "resumable-threshold", "1MB")),
                        Map.of());
        byte[] content = random(50 * MB, 42);
        StorageLocation loc = location("big/50mb.bin");
        try (Storage client =
                        StorageOptions.newBuilder()
                                .setHost(server.endpoint())
                                .setProjectId("archiver-test")
                                .setCredentials(NoCredentials.getInstance())
                                .setTransportOptions(
                                        HttpTransportOptions.newBuilder()
                                                .setHttpTransportFactory(() -> transport)
                                                .build())
                                .build()
                                .getService();
                ObjectStorage s = GcsStorageProvider.forClient(client, config)) {
            s.upload(
                    file(content),
                    loc,
                    new UploadOptions(Map.of("archiver-records", "1"), Precondition.ifNoneMatch()));
            // 50 MB in 8 MB chunks: 7 requests (6 full chunks and the finalizing rest)
            assertThat(chunkRequests.get()).isGreaterThanOrEqualTo(7);
            assertThat(read(s, loc)).isEqualTo(content);
        }
        Blob blob = raw.get(BlobId.of(BUCKET, loc.key()));
        assertThat(blob.getSize()).isEqualTo(content.length);
        assertThat(blob.getCrc32c()).isEqualTo(GcsStorage.crc32c(file(content)));
        assertThat(blob.getMetadata()).containsEntry("archiver-records", "1");
        assertThat(Base64.getDecoder().decode(blob.getMd5()))
                .isEqualTo(MessageDigest.getInstance("MD5").digest(content));
    }

    @Test
    void crc32cOfEveryUploadIsTheOneOfTheLocalFile() throws Exception {
        for (int size : new int[] {0, 1, 100_000, 9 * MB}) {
            byte[] content = random(size, size);
            StorageLocation loc = location("crc/" + size);
            Path f = file(content);
            storage.upload(f, loc, UploadOptions.defaults());
            assertThat(raw.get(BlobId.of(BUCKET, loc.key())).getCrc32c())
                    .as("size %d", size)
                    .isEqualTo(GcsStorage.crc32c(f));
        }
        // the well-known check value of CRC32C: "123456789" -> 0xE3069283
        assertThat(GcsStorage.crc32c(file("123456789".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(
                        Base64.getEncoder()
                                .encodeToString(
                                        new byte[] {(byte) 0xE3, 0x06, (byte) 0x92, (byte) 0x83}));
    }

    @Test
    void metadataIsStoredOnSmallAndLargeObjectsAndListed() throws Exception {
        Map<String, String> meta =
                Map.of(
                        "archiver-records", "20000",
                        "archiver-first-offset", "100",
                        "archiver-last-offset", "20099",
                        "archiver-min-timestamp", "2026-11-24T21:00:00Z",
                        "archiver-max-timestamp", "2026-11-24T21:59:59.999Z");
        StorageLocation small = location("meta/small");
        StorageLocation large = location("meta/large");
        storage.upload(file(random(10, 1)), small, new UploadOptions(meta, Precondition.none()));
        storage.upload(
                file(random(9 * MB, 2)), large, new UploadOptions(meta, Precondition.none()));
        for (StorageLocation loc : List.of(small, large)) {
            assertThat(storage.stat(loc).orElseThrow().metadata()).isEqualTo(meta);
            assertThat(raw.get(BlobId.of(BUCKET, loc.key())).getMetadata()).isEqualTo(meta);
        }
        try (Stream<ObjectInfo> listed = storage.list(location("meta/"))) {
            assertThat(listed.map(ObjectInfo::metadata).toList()).containsExactly(meta, meta);
        }
    }

    @Test
    void storageClassIsSetOnNewObjects() throws Exception {
        StorageLocation loc = location("class/nearline");
        try (ObjectStorage nearline = provider(Map.of("storage.gcs.storage-class", "nearline"))) {
            nearline.upload(file(random(10, 3)), loc, UploadOptions.defaults());
        }
        assertThat(raw.get(BlobId.of(BUCKET, loc.key())).getStorageClass())
                .isEqualTo(StorageClass.NEARLINE);
    }

    @Test
    void etagIsTheGeneration() throws Exception {
        StorageLocation loc = location("gen/a");
        storage.upload(file(random(10, 4)), loc, UploadOptions.defaults());
        long generation = raw.get(BlobId.of(BUCKET, loc.key())).getGeneration();
        assertThat(storage.stat(loc).orElseThrow().etag()).contains(String.valueOf(generation));
        try (Stream<ObjectInfo> listed = storage.list(loc)) {
            assertThat(listed.toList())
                    .singleElement()
                    .satisfies(i -> assertThat(i.etag()).contains(String.valueOf(generation)));
        }
    }

    @Test
    void staleGenerationIsRefusedForSmallAndResumableUploads() throws Exception {
        for (int size : new int[] {100, 9 * MB}) {
            StorageLocation loc = location("stale/" + size);
            storage.upload(file(random(size, 5)), loc, UploadOptions.defaults());
            String stale = storage.stat(loc).orElseThrow().etag().orElseThrow();
            byte[] second = random(size, 6);
            storage.upload(
                    file(second),
                    loc,
                    UploadOptions.defaults().withPrecondition(Precondition.ifMatch(stale)));
            String current = storage.stat(loc).orElseThrow().etag().orElseThrow();
            assertThat(current).isNotEqualTo(stale);

            assertThatThrownBy(
                            () ->
                                    storage.upload(
                                            file(random(size, 7)),
                                            loc,
                                            UploadOptions.defaults()
                                                    .withPrecondition(Precondition.ifMatch(stale))))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining(loc.toString())
                    .hasMessageContaining("412");
            assertThat(read(storage, loc)).isEqualTo(second);
            assertThat(storage.stat(loc).orElseThrow().etag()).contains(current);
        }
    }

    @Test
    void anEtagThatIsNoGenerationNeverMatches() throws Exception {
        StorageLocation loc = location("not-a-generation");
        storage.upload(file(random(10, 8)), loc, UploadOptions.defaults());
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(10, 9)),
                                        loc,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch("\"abc\""))))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining(loc.toString());
    }

    @Test
    void failedResumableUploadLeavesNothingVisible() throws Exception {
        StorageLocation loc = location("never-finalized");
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(9 * MB, 10)),
                                        loc,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch("12345"))))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(storage.stat(loc)).isEmpty();
    }

    @Test
    void missingBucketIsAClearNonRetryableError() throws Exception {
        StorageLocation loc = StorageLocation.of("gs://no-such-bucket-" + run + "/a/b");
        for (int size : new int[] {10, 9 * MB}) {
            Path f = file(random(size, 11));
            assertThatThrownBy(() -> storage.upload(f, loc, UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("uploading " + loc)
                    .hasMessageContaining("does not exist");
        }
        assertThatThrownBy(() -> storage.list(loc).close())
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("listing " + loc)
                .hasMessageContaining("does not exist");
        assertThat(storage.stat(loc)).isEmpty();
    }

    @Test
    void credentialsTheTokenEndpointRejectsGiveAClearNonRetryableError() throws Exception {
        // fake-gcs-server accepts any (or no) Authorization header, so it cannot reject a token.
        // What it can show: a service-account key whose token exchange fails. The key below is
        // well-formed (a fresh RSA key) but its token endpoint is the emulator, which refuses the
        // exchange, as Google's refuses a revoked or unknown key.
        String json = serviceAccountKey();
        String keyBody = json.split("\\\\n")[1];
        Path key = tempDir.resolve("sa.json");
        Files.writeString(key, json);
        StorageLocation loc = location("auth/x");
        try (ObjectStorage s =
                provider(
                        Map.of(
                                "storage.gcs.credentials", "file",
                                "storage.gcs.credentials-file", key.toString(),
                                "storage.gcs.retry.max-attempts", "2"))) {
            assertThatThrownBy(() -> s.upload(file(new byte[] {1}), loc, UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("uploading " + loc)
                    .hasMessageContaining("storage.gcs.credentials")
                    .message()
                    .doesNotContain(keyBody)
                    .doesNotContain("0123456789abcdef");
            assertThatThrownBy(() -> s.list(loc).close())
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("listing " + loc);
        }
        assertThat(storage.stat(loc)).isEmpty();
    }

    /**
     * A well-formed service-account key (a fresh RSA key) whose token endpoint is the emulator,
     * which refuses the exchange, as Google's refuses a revoked or unknown key.
     */
    private String serviceAccountKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(
                                        generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\":\"service_account\",\"project_id\":\"archiver-test\","
                + "\"private_key_id\":\"0123456789abcdef\","
                + "\"private_key\":\""
                + pem.replace("\n", "\\n")
                + "\",\"client_email\":\"archiver@archiver-test.iam.gserviceaccount.com\","
                + "\"client_id\":\"1\",\"token_uri\":\""
                + server.endpoint()
                + "/token\"}";
    }

    @Test
    void applicationDefaultCredentialsComeFromGoogleApplicationCredentials() throws Exception {
        String adc = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
        Assumptions.assumeTrue(
                adc != null && !adc.isBlank(),
                "GOOGLE_APPLICATION_CREDENTIALS is set by this module's surefire configuration");
        Path key = Path.of(adc);
        Files.deleteIfExists(key);
        Map<String, String> auto =
                Map.of("storage.gcs.credentials", "auto", "storage.gcs.retry.max-attempts", "1");
        assertThatThrownBy(() -> provider(auto))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.gcs.credentials=auto")
                .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS");

        Files.createDirectories(key.getParent());
        Files.writeString(key, serviceAccountKey());
        StorageLocation loc = location("adc/x");
        try (ObjectStorage s = provider(auto)) {
            // the key was found and used: its token exchange is what fails
            assertThatThrownBy(() -> s.upload(file(new byte[] {1}), loc, UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("uploading " + loc)
                    .hasMessageContaining("access token");
        } finally {
            Files.deleteIfExists(key);
        }
    }

    @Test
    void programmaticClientIsNotClosedByTheStore() throws Exception {
        StorageLocation loc = location("programmatic");
        try (Storage client = server.client()) {
            ObjectStorage s = GcsStorageProvider.forClient(client);
            s.upload(file(new byte[] {1, 2}), loc, UploadOptions.defaults());
            s.close();
            assertThat(client.get(BlobId.of(BUCKET, loc.key()))).isNotNull();
        }
    }

    @Test
    void emulatorHostFromTheEnvironmentNeedsNoOtherSetting() throws Exception {
        GcsStorageConfig config =
                GcsStorageConfig.from(
                        Settings.empty(),
                        Map.of("STORAGE_EMULATOR_HOST", server.endpoint().replace("http://", "")));
        StorageLocation loc = location("from-env");
        try (ObjectStorage s = GcsStorage.create(config)) {
            s.upload(file(new byte[] {9}), loc, UploadOptions.defaults());
            assertThat(read(s, loc)).containsExactly(9);
        }
    }
}
