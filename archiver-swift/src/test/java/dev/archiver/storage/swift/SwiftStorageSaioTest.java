package dev.archiver.storage.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swift-specific behaviour against real OpenStack Swift with TempAuth: Static Large Objects and
 * their segments, metadata as {@code X-Object-Meta-*}, re-authentication, and the errors of bad
 * credentials, missing containers and refused access.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwiftStorageSaioTest {
    private static final String CONTAINER = "specific";
    private static final String SEGMENTS = CONTAINER + "_segments";
    private static final int MB = 1 << 20;

    private SwiftSaio.Server server;
    private SwiftStorage storage;
    private String run;

    @TempDir Path tempDir;

    @BeforeAll
    void start() throws Exception {
        server = SwiftSaio.tempAuth();
        server.createContainer(CONTAINER);
        storage =
                create(
                        server.tempAuthSettings(
                                Map.of(
                                        "storage.swift.slo.threshold", "8MB",
                                        "storage.swift.slo.segment-size", "8MB")));
        run = "run-" + UUID.randomUUID();
    }

    @AfterAll
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    private static SwiftStorage create(Map<String, String> settings) {
        return (SwiftStorage)
                new SwiftStorageProvider()
                        .create(Settings.of(settings).withPrefix("storage.swift."));
    }

    private StorageLocation location(String key) {
        return StorageLocation.of("swift://" + CONTAINER + "/" + run + "/" + key);
    }

    private Path file(byte[] content) throws IOException {
        Path f = Files.createTempFile(tempDir, "obj", ".bin");
        Files.write(f, content);
        return f;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private String md5Of(StorageLocation loc) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        try (InputStream in = storage.open(loc)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private List<String> segmentsOf(String key) throws Exception {
        return server.list(SEGMENTS, run + "/" + key + "/slo/");
    }

    @Test
    void largeObjectIsUploadedInSegmentsAndReadBackIdentical() throws Exception {
        byte[] content = random(50 * MB, 1);
        StorageLocation loc = location("big/50mb.bin");
        storage.upload(file(content), loc, UploadOptions.defaults());

        List<String> segments = segmentsOf("big/50mb.bin");
        assertThat(segments).hasSize(7); // 6 x 8 MB + 2 MB
        assertThat(storage.head("test", SwiftLocation.of(loc)).orElseThrow().largeObject())
                .isTrue();
        ObjectInfo info = storage.stat(loc).orElseThrow();
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(md5Of(loc)).isEqualTo(md5(content));
        try (Stream<ObjectInfo> s = storage.list(location("big/"))) {
            assertThat(s.toList())
                    .singleElement()
                    .satisfies(
                            i -> {
                                assertThat(i.location()).isEqualTo(loc);
                                assertThat(i.size()).isEqualTo(content.length);
                            });
        }
        storage.delete(loc);
    }

    @Test
    void overwriteAndDeleteRemoveTheOldSegments() throws Exception {
        StorageLocation loc = location("overwrite.bin");
        storage.upload(file(random(20 * MB, 2)), loc, UploadOptions.defaults());
        List<String> first = segmentsOf("overwrite.bin");
        assertThat(first).hasSize(3);

        byte[] second = random(17 * MB, 3);
        storage.upload(file(second), loc, UploadOptions.defaults());
        List<String> afterLarge = segmentsOf("overwrite.bin");
        assertThat(afterLarge).hasSize(3).doesNotContainAnyElementsOf(first);
        assertThat(md5Of(loc)).isEqualTo(md5(second));

        byte[] small = random(1000, 4);
        storage.upload(file(small), loc, UploadOptions.defaults());
        assertThat(segmentsOf("overwrite.bin")).isEmpty();
        assertThat(md5Of(loc)).isEqualTo(md5(small));

        storage.upload(file(random(9 * MB, 5)), loc, UploadOptions.defaults());
        assertThat(segmentsOf("overwrite.bin")).hasSize(2);
        storage.delete(loc);
        assertThat(segmentsOf("overwrite.bin")).isEmpty();
        assertThat(storage.stat(loc)).isEmpty();
    }

    @Test
    void ifMatchReplacesALargeObjectAndItsSegments() throws Exception {
        StorageLocation loc = location("if-match-large.bin");
        storage.upload(file(random(9 * MB, 6)), loc, UploadOptions.defaults());
        List<String> old = segmentsOf("if-match-large.bin");
        String etag = storage.stat(loc).orElseThrow().etag().orElseThrow();
        byte[] replacement = random(10 * MB, 7);
        storage.upload(
                file(replacement),
                loc,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(etag)));
        assertThat(md5Of(loc)).isEqualTo(md5(replacement));
        assertThat(segmentsOf("if-match-large.bin")).hasSize(2).doesNotContainAnyElementsOf(old);
        storage.delete(loc);
    }

    @Test
    void refusedManifestLeavesNoSegments() throws Exception {
        StorageLocation loc = location("race.bin");
        byte[] winner = random(100, 8);
        // Another writer creates the object after the early existence check, before the manifest.
        storage.beforeManifestPut =
                () -> {
                    try (SwiftStorage other = create(server.tempAuthSettings(Map.of()))) {
                        other.upload(file(winner), loc, UploadOptions.defaults());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
        try {
            assertThatThrownBy(
                            () ->
                                    storage.upload(
                                            file(random(9 * MB, 9)),
                                            loc,
                                            UploadOptions.defaults()
                                                    .withPrecondition(Precondition.ifNoneMatch())))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining(loc.toString());
        } finally {
            storage.beforeManifestPut = () -> {};
        }
        assertThat(md5Of(loc)).isEqualTo(md5(winner));
        assertThat(segmentsOf("race.bin")).isEmpty();
        storage.delete(loc);
    }

    @Test
    void ifMatchDetectsAReplacementDuringTheSegmentUpload() throws Exception {
        StorageLocation loc = location("if-match-race.bin");
        storage.upload(file(random(100, 10)), loc, UploadOptions.defaults());
        String etag = storage.stat(loc).orElseThrow().etag().orElseThrow();
        byte[] other = random(200, 11);
        storage.beforeManifestPut =
                () -> {
                    try (SwiftStorage writer = create(server.tempAuthSettings(Map.of()))) {
                        writer.upload(file(other), loc, UploadOptions.defaults());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
        try {
            assertThatThrownBy(
                            () ->
                                    storage.upload(
                                            file(random(9 * MB, 12)),
                                            loc,
                                            UploadOptions.defaults()
                                                    .withPrecondition(Precondition.ifMatch(etag))))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining("changed while its segments were uploaded");
        } finally {
            storage.beforeManifestPut = () -> {};
        }
        assertThat(md5Of(loc)).isEqualTo(md5(other));
        assertThat(segmentsOf("if-match-race.bin")).isEmpty();
        storage.delete(loc);
    }

    @Test
    void metadataIsStoredAsObjectMetaHeadersOnSmallAndLargeObjects() throws Exception {
        Map<String, String> meta =
                Map.of(
                        "archiver-records", "20000",
                        "archiver-first-offset", "00000000000000012345",
                        "archiver-max-timestamp", "2026-11-24T21:00:00Z");
        for (int size : new int[] {10, 9 * MB}) {
            StorageLocation loc = location("meta-" + size);
            storage.upload(
                    file(random(size, size)), loc, new UploadOptions(meta, Precondition.none()));
            assertThat(storage.stat(loc).orElseThrow().metadata()).isEqualTo(meta);
            Map<String, List<String>> raw = server.head(CONTAINER, SwiftLocation.of(loc).object());
            Map<String, String> lower = new HashMap<>();
            raw.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            assertThat(lower).containsEntry("x-object-meta-archiver-records", "20000");
            storage.delete(loc);
        }
    }

    @Test
    void reauthenticatesWhenTheTokenIsNoLongerValid() throws Exception {
        StorageLocation loc = location("reauth");
        storage.upload(file(new byte[] {1}), loc, UploadOptions.defaults());
        SwiftClient.Session before = storage.client().session();
        int authentications = storage.client().authentications();
        String objectUrl = before.storageUrl() + "/" + SwiftLocation.of(loc).path();
        assertThat(server.status("HEAD", objectUrl, before.token())).isEqualTo(200);

        // TempAuth keeps tokens only in memcached (key: md5 of "AUTH_/token/<token>"): delete it,
        // as its expiry would.
        assertThat(memcachedDelete("AUTH_/token/" + before.token())).isEqualTo("DELETED");
        assertThat(server.status("HEAD", objectUrl, before.token())).isEqualTo(401);

        assertThat(storage.stat(loc)).isPresent();
        assertThat(storage.client().authentications()).isEqualTo(authentications + 1);
        assertThat(storage.client().session().token()).isNotEqualTo(before.token());
        storage.delete(loc);
    }

    private String memcachedDelete(String key) throws Exception {
        String hashed =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("MD5")
                                        .digest(key.getBytes(StandardCharsets.UTF_8)));
        try (Socket s = new Socket("127.0.0.1", server.memcachedPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("delete " + hashed + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    @Test
    void wrongKeyIsAClearNonRetryableErrorWithoutTheKey() throws Exception {
        String wrongKey = "not-the-key-" + UUID.randomUUID();
        try (ObjectStorage bad =
                create(server.tempAuthSettings("test:tester", wrongKey, Map.of()))) {
            StorageLocation loc = location("never-written");
            assertThatThrownBy(
                            () -> bad.upload(file(new byte[] {1}), loc, UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("uploading " + loc)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("storage.swift.key")
                    .hasMessageNotContaining(wrongKey);
            assertThatThrownBy(() -> bad.stat(loc))
                    .isInstanceOf(StorageException.class)
                    .hasMessageNotContaining(wrongKey);
        }
    }

    @Test
    void missingContainerIsAClearNonRetryableError() throws Exception {
        StorageLocation loc = StorageLocation.of("swift://no-such-container-" + run + "/k");
        assertThatThrownBy(
                        () -> storage.upload(file(new byte[] {1}), loc, UploadOptions.defaults()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining(loc.toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> storage.list(loc))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> storage.stat(loc))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void forbiddenIsAClearNonRetryableError() throws Exception {
        // tester3 is a non-admin user of account "test": no access to containers without ACLs.
        try (ObjectStorage reader =
                create(server.tempAuthSettings("test:tester3", "testing3", Map.of()))) {
            StorageLocation loc = location("forbidden");
            assertThatThrownBy(
                            () ->
                                    reader.upload(
                                            file(new byte[] {1}), loc, UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining(loc.toString())
                    .hasMessageContaining("403");
        }
    }

    @Test
    void preAuthenticatedTokenWorksAndItsRejectionIsClear() throws Exception {
        String[] login = server.login();
        Map<String, String> settings = new HashMap<>();
        settings.put("storage.swift.auth", "token");
        settings.put("storage.swift.storage-url", login[0]);
        settings.put("storage.swift.token", login[1]);
        StorageLocation loc = location("pre-authenticated");
        try (ObjectStorage s = create(settings)) {
            s.upload(file(new byte[] {4, 2}), loc, UploadOptions.defaults());
            try (InputStream in = s.open(loc)) {
                assertThat(in.readAllBytes()).containsExactly(4, 2);
            }
        }
        settings.put("storage.swift.token", "AUTH_tk" + "0".repeat(32));
        try (ObjectStorage s = create(settings)) {
            assertThatThrownBy(() -> s.stat(loc))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("storage.swift.token")
                    .hasMessageNotContaining("AUTH_tk000");
        }
        storage.delete(loc);
    }

    @Test
    void connectionErrorsAreReportedAsRetryable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>(server.tempAuthSettings(Map.of()));
        settings.put("storage.swift.auth-url", "http://127.0.0.1:" + closedPort + "/auth/v1.0");
        settings.put("storage.swift.retry.max-attempts", "3");
        try (SwiftStorage s = create(settings)) {
            StorageLocation loc = location("unreachable");
            assertThatThrownBy(() -> s.stat(loc))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining(loc.toString())
                    .hasMessageContaining("127.0.0.1:" + closedPort);
            assertThat(s.client().authentications()).isZero();
        }
    }
}
