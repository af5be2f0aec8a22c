package dev.archiver.storage.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keystone v3 against a real Keystone (Debian's python3-keystone, started by the same launcher in
 * front of a second Swift all-in-one): password authentication with the storage URL taken from the
 * catalog, application credentials, endpoint interface and region selection, and clear errors. Kept
 * apart from the TempAuth tests because Keystone's first start takes 40 s to 3 min.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwiftKeystoneSaioTest {
    private static final String CONTAINER = "keystone";

    private SwiftSaio.Server server;
    private final String run = "run-" + UUID.randomUUID();

    @TempDir Path tempDir;

    @BeforeAll
    void start() throws Exception {
        server = SwiftSaio.keystone();
        String token = passwordToken();
        // the container of project "test" (KEY_<project id>), created with a Keystone token
        try (SwiftStorage s = create(passwordSettings(Map.of()))) {
            SwiftClient.Session session = s.client().session();
            assertThat(session.storageUrl()).contains("/v1/KEY_");
            int status =
                    server.status("PUT", session.storageUrl() + "/" + CONTAINER, session.token());
            assertThat(status).isIn(201, 202);
        }
        assertThat(token).isNotEmpty();
    }

    private Map<String, String> passwordSettings(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("storage.swift.auth", "keystone-v3");
        s.put("storage.swift.auth-url", server.keystoneUrl());
        s.put("storage.swift.keystone.user", "tester");
        s.put("storage.swift.keystone.password", "testing");
        s.put("storage.swift.keystone.project", "test");
        s.put("storage.swift.retry.initial-backoff", "50ms");
        s.put("storage.swift.retry.max-backoff", "500ms");
        s.putAll(extra);
        return s;
    }

    private static SwiftStorage create(Map<String, String> settings) {
        return (SwiftStorage)
                new SwiftStorageProvider()
                        .create(Settings.of(settings).withPrefix("storage.swift."));
    }

    private StorageLocation location(String key) {
        return StorageLocation.of("swift://" + CONTAINER + "/" + run + "/" + key);
    }

    private void roundTrip(ObjectStorage storage, String key) throws Exception {
        StorageLocation loc = location(key);
        byte[] content = new byte[3000];
        new Random(key.hashCode()).nextBytes(content);
        Path f = Files.createTempFile(tempDir, "obj", ".bin");
        Files.write(f, content);
        storage.upload(f, loc, UploadOptions.defaults());
        try (InputStream in = storage.open(loc)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        try (Stream<ObjectInfo> s = storage.list(location(key))) {
            assertThat(s.map(ObjectInfo::location).toList()).containsExactly(loc);
        }
        storage.delete(loc);
        assertThat(storage.stat(loc)).isEmpty();
    }

    @Test
    void passwordAuthenticationUsesTheCatalogsObjectStoreEndpoint() throws Exception {
        try (SwiftStorage storage = create(passwordSettings(Map.of()))) {
            roundTrip(storage, "password");
            assertThat(storage.client().session().storageUrl())
                    .startsWith("http://127.0.0.1:" + server.port + "/v1/KEY_");
            assertThat(storage.client().session().expiresAt()).isPresent();
        }
    }

    @Test
    void regionAndInternalInterfaceAreSelectable() throws Exception {
        try (SwiftStorage storage =
                create(
                        passwordSettings(
                                Map.of(
                                        "storage.swift.region", "RegionOne",
                                        "storage.swift.interface", "internal")))) {
            roundTrip(storage, "internal");
        }
        try (SwiftStorage storage =
                create(passwordSettings(Map.of("storage.swift.region", "RegionTwo")))) {
            assertThatThrownBy(() -> storage.stat(location("x")))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("no object-store endpoint")
                    .hasMessageContaining("RegionTwo")
                    .hasMessageContaining("public@RegionOne");
        }
    }

    @Test
    void applicationCredentialAuthentication() throws Exception {
        String[] credential = createApplicationCredential();
        Map<String, String> s = new HashMap<>();
        s.put("storage.swift.auth", "keystone-v3");
        s.put("storage.swift.auth-url", server.keystoneUrl());
        s.put("storage.swift.keystone.application-credential-id", credential[0]);
        s.put("storage.swift.keystone.application-credential-secret", credential[1]);
        try (SwiftStorage storage = create(s)) {
            roundTrip(storage, "application-credential");
        }
        s.put("storage.swift.keystone.application-credential-secret", "wrong-" + credential[1]);
        try (SwiftStorage storage = create(s)) {
            assertThatThrownBy(() -> storage.stat(location("x")))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("application credential " + credential[0])
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining(credential[1]);
        }
    }

    @Test
    void wrongPasswordIsAClearNonRetryableErrorWithoutThePassword() throws Exception {
        String wrong = "wrong-password-" + UUID.randomUUID();
        try (SwiftStorage storage =
                create(passwordSettings(Map.of("storage.swift.keystone.password", wrong)))) {
            StorageLocation loc = location("never");
            assertThatThrownBy(
                            () ->
                                    storage.upload(
                                            Files.write(
                                                    Files.createTempFile(tempDir, "x", ".bin"),
                                                    new byte[] {1}),
                                            loc,
                                            UploadOptions.defaults()))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("uploading " + loc)
                    .hasMessageContaining("Default/tester")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining(wrong);
        }
    }

    private String passwordToken() throws Exception {
        return keystoneLogin()[0];
    }

    /** {@code [token, user id]} of tester in project test. */
    private String[] keystoneLogin() throws Exception {
        String body =
                "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":"
                        + "{\"name\":\"tester\",\"domain\":{\"name\":\"Default\"},\"password\":\"testing\"}}},"
                        + "\"scope\":{\"project\":{\"name\":\"test\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> r =
                server.http()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(server.keystoneUrl() + "/auth/tokens"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode token = SwiftClient.JSON.readTree(r.body()).path("token");
        return new String[] {
            r.headers().firstValue("X-Subject-Token").orElseThrow(),
            token.path("user").path("id").asText()
        };
    }

    /** {@code [id, secret]} of a new application credential of tester. */
    private String[] createApplicationCredential() throws Exception {
        String[] login = keystoneLogin();
        HttpResponse<String> r =
                server.http()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        server.keystoneUrl()
                                                                + "/users/"
                                                                + login[1]
                                                                + "/application_credentials"))
                                        .header("Content-Type", "application/json")
                                        .header("X-Auth-Token", login[0])
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"application_credential\":{\"name\":\"archiver-"
                                                                + UUID.randomUUID()
                                                                + "\"}}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode c = SwiftClient.JSON.readTree(r.body()).path("application_credential");
        return new String[] {c.path("id").asText(), c.path("secret").asText()};
    }
}
