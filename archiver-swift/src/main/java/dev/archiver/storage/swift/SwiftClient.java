package dev.archiver.storage.swift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.swift.SwiftStorageConfig.Auth;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Swift REST client: obtains and caches a token (TempAuth v1, Keystone v3 or a given one),
 * sends requests below the storage URL, re-authenticates once on 401, and retries 5xx, rate limits
 * and connection errors with exponential backoff. It knows nothing about the storage SPI.
 */
final class SwiftClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Renew a token this long before it expires, so that no request carries a dying token. */
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

    private final SwiftStorageConfig config;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final Clock clock;
    private final AtomicInteger authentications = new AtomicInteger();
    private final Object authLock = new Object();
    private volatile Session session;

    /** A storage URL (without a trailing slash) and the token that goes with it. */
    record Session(String storageUrl, String token, Optional<Instant> expiresAt) {
        Session {
            requireNonNull(storageUrl, "storageUrl is null");
            requireNonNull(token, "token is null");
            requireNonNull(expiresAt, "expiresAt is null");
            storageUrl = stripTrailingSlashes(storageUrl);
        }

        @Override
        public String toString() {
            return "Session[" + storageUrl + "]";
        }
    }

    SwiftClient(SwiftStorageConfig config) {
        this(config, Clock.systemUTC());
    }

    SwiftClient(SwiftStorageConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.httpExecutor =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "archiver-swift-http");
                            t.setDaemon(true);
                            return t;
                        });
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(config.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(httpExecutor)
                        .build();
        if (config.auth() == Auth.TOKEN) {
            session =
                    new Session(
                            config.storageUrl().orElseThrow().toString(),
                            config.token().orElseThrow().reveal(),
                            Optional.empty());
        }
    }

    /** How many times this client obtained a token (for tests and metrics). */
    int authentications() {
        return authentications.get();
    }

    /** The current session, authenticating first when there is none or it is about to expire. */
    Session session() throws StorageException {
        Session s = session;
        if (s != null && !expiringSoon(s)) {
            return s;
        }
        synchronized (authLock) {
            s = session;
            if (s != null && (config.auth() == Auth.TOKEN || !expiringSoon(s))) {
                return s;
            }
            s = authenticate();
            authentications.incrementAndGet();
            session = s;
            return s;
        }
    }

    private boolean expiringSoon(Session s) {
        return s.expiresAt().isPresent()
                && clock.instant().plus(RENEW_BEFORE).isAfter(s.expiresAt().get());
    }

    private void invalidate(Session s) {
        synchronized (authLock) {
            if (session == s) {
                session = null;
            }
        }
    }

    /**
     * Sends one request to {@code storageUrl/path}. Returns every final response, including error
     * statuses, for the caller to interpret; a retryable status is returned only once the attempts
     * are used up. A 401 leads to one re-authentication; a second 401 throws.
     *
     * @param path the encoded path below the storage URL, with its query string; empty for the
     *     account
     * @throws StorageException when the request cannot be sent (after the retries) or the token is
     *     refused
     */
    <T> HttpResponse<T> send(
            String operation,
            Object location,
            String method,
            String path,
            Map<String, String> headers,
            BodyPublisher body,
            BodyHandler<T> handler)
            throws StorageException {
        boolean reauthenticated = false;
        int attempt = 0;
        while (true) {
            attempt++;
            Session s;
            try {
                s = session();
            } catch (StorageException e) {
                if (e.retryable() && attempt < config.maxAttempts()) {
                    backoff(operation, location, attempt, Optional.empty());
                    continue;
                }
                throw new StorageException(
                        SwiftErrors.failed(operation, location) + ": " + e.getMessage(),
                        e.retryable(),
                        e);
            }
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            path.isEmpty()
                                                    ? s.storageUrl()
                                                    : s.storageUrl() + "/" + path))
                            .timeout(config.requestTimeout())
                            .header("X-Auth-Token", s.token())
                            .method(method, body == null ? BodyPublishers.noBody() : body);
            headers.forEach(b::header);
            HttpResponse<T> r;
            try {
                r = http.send(b.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SwiftErrors.transport(
                        operation, location, new InterruptedIOException("interrupted"));
            } catch (IOException e) {
                if (attempt < config.maxAttempts()) {
                    backoff(operation, location, attempt, Optional.empty());
                    continue;
                }
                throw SwiftErrors.transport(operation, location, e);
            }
            int status = r.statusCode();
            if (status == 401) {
                discard(r);
                if (!reauthenticated && config.auth() != Auth.TOKEN) {
                    reauthenticated = true;
                    invalidate(s);
                    attempt--;
                    continue;
                }
                throw config.auth() == Auth.TOKEN
                        ? new StorageException(
                                SwiftErrors.failed(operation, location)
                                        + ": HTTP 401 Unauthorized, the pre-authenticated token"
                                        + " (storage.swift.token) was refused",
                                false)
                        : SwiftErrors.forStatus(operation, location, 401);
            }
            if (SwiftErrors.retryable(status) && attempt < config.maxAttempts()) {
                discard(r);
                backoff(
                        operation,
                        location,
                        attempt,
                        r.headers().firstValue("Retry-After").flatMap(SwiftClient::seconds));
                continue;
            }
            return r;
        }
    }

    /** Like {@link #send} with no body, discarding the response body. */
    HttpResponse<Void> send(
            String operation, Object location, String method, String path, Map<String, String> h)
            throws StorageException {
        return send(operation, location, method, path, h, null, BodyHandlers.discarding());
    }

    private void backoff(
            String operation, Object location, int attempt, Optional<Duration> retryAfter)
            throws StorageException {
        long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long max = config.maxBackoff().toMillis();
        long millis = Math.min(max, base);
        millis = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        if (retryAfter.isPresent()) {
            millis = Math.min(max, Math.max(millis, retryAfter.get().toMillis()));
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SwiftErrors.transport(
                    operation, location, new InterruptedIOException("interrupted"));
        }
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void discard(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped; nothing else to release
            }
        }
    }

    // ---- authentication ----

    private Session authenticate() throws StorageException {
        return switch (config.auth()) {
            case TEMPAUTH -> authenticateV1();
            case KEYSTONE_V3 -> authenticateKeystone();
            case TOKEN -> session;
        };
    }

    private Session authenticateV1() throws StorageException {
        URI url = config.authUrl().orElseThrow();
        String user = config.user().orElseThrow();
        String what = "authenticating as '" + user + "' at " + url;
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .timeout(config.requestTimeout())
                        .header("X-Auth-User", user)
                        .header("X-Auth-Key", config.key().orElseThrow().reveal())
                        .GET()
                        .build();
        HttpResponse<Void> r = sendAuth(what, request, BodyHandlers.discarding());
        int status = r.statusCode();
        if (status == 401 || status == 403) {
            throw new StorageException(
                    what
                            + " was refused (HTTP "
                            + status
                            + "): check storage.swift.user and storage.swift.key",
                    false);
        }
        if (status / 100 != 2) {
            throw new StorageException(
                    what + " failed: HTTP " + status, SwiftErrors.retryable(status));
        }
        String storageUrl = r.headers().firstValue("X-Storage-Url").orElse(null);
        String token = r.headers().firstValue("X-Auth-Token").orElse(null);
        if (storageUrl == null || token == null) {
            throw new StorageException(
                    what + ": the response has no X-Storage-Url or X-Auth-Token", false);
        }
        Optional<Instant> expires =
                r.headers()
                        .firstValue("X-Auth-Token-Expires")
                        .flatMap(SwiftClient::seconds)
                        .map(d -> clock.instant().plus(d));
        return new Session(storageUrl, token, expires);
    }

    private Session authenticateKeystone() throws StorageException {
        String base = stripTrailingSlashes(config.authUrl().orElseThrow().toString());
        URI url = URI.create((base.endsWith("/v3") ? base : base + "/v3") + "/auth/tokens");
        ObjectNode auth = JSON.createObjectNode();
        ObjectNode identity = auth.putObject("auth").putObject("identity");
        String what;
        String hint;
        if (config.applicationCredentialId().isPresent()) {
            String id = config.applicationCredentialId().get();
            identity.putArray("methods").add("application_credential");
            identity.putObject("application_credential")
                    .put("id", id)
                    .put("secret", config.applicationCredentialSecret().orElseThrow().reveal());
            what = "authenticating with application credential " + id + " at " + url;
            hint =
                    "storage.swift.keystone.application-credential-id and"
                            + " storage.swift.keystone.application-credential-secret";
        } else {
            String user = config.keystoneUser().orElseThrow();
            identity.putArray("methods").add("password");
            ObjectNode u = identity.putObject("password").putObject("user");
            u.put("name", user);
            u.putObject("domain").put("name", config.userDomain());
            u.put("password", config.keystonePassword().orElseThrow().reveal());
            ObjectNode project =
                    ((ObjectNode) auth.get("auth"))
                            .putObject("scope")
                            .putObject("project")
                            .put("name", config.project().orElseThrow());
            project.putObject("domain").put("name", config.projectDomain());
            what =
                    "authenticating as '"
                            + config.userDomain()
                            + "/"
                            + user
                            + "' for project '"
                            + config.projectDomain()
                            + "/"
                            + config.project().orElseThrow()
                            + "' at "
                            + url;
            hint = "the storage.swift.keystone.* settings";
        }
        HttpRequest request;
        try {
            request =
                    HttpRequest.newBuilder(url)
                            .timeout(config.requestTimeout())
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(BodyPublishers.ofByteArray(JSON.writeValueAsBytes(auth)))
                            .build();
        } catch (IOException e) {
            throw new StorageException(what + ": " + SwiftErrors.describe(e), false, e);
        }
        HttpResponse<byte[]> r = sendAuth(what, request, BodyHandlers.ofByteArray());
        int status = r.statusCode();
        if (status == 401 || status == 403 || status == 404) {
            throw new StorageException(
                    what + " was refused (HTTP " + status + "): check " + hint, false);
        }
        if (status / 100 != 2) {
            throw new StorageException(
                    what + " failed: HTTP " + status, SwiftErrors.retryable(status));
        }
        String token = r.headers().firstValue("X-Subject-Token").orElse(null);
        if (token == null) {
            throw new StorageException(what + ": the response has no X-Subject-Token", false);
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body()).path("token");
        } catch (IOException e) {
            throw new StorageException(what + ": unreadable token response", true, e);
        }
        Optional<Instant> expires = Optional.empty();
        if (body.hasNonNull("expires_at")) {
            try {
                expires =
                        Optional.of(
                                OffsetDateTime.parse(body.get("expires_at").asText()).toInstant());
            } catch (RuntimeException e) {
                expires = Optional.empty();
            }
        }
        String storageUrl =
                selectEndpoint(
                        body.path("catalog"),
                        config.region(),
                        config.endpointInterface().catalogName(),
                        what);
        return new Session(storageUrl, token, expires);
    }

    /**
     * The URL of the {@code object-store} endpoint with the given interface, in {@code region} when
     * given (matched against {@code region_id} and {@code region}); without a region, the catalog
     * must offer exactly one region for that interface.
     */
    static String selectEndpoint(
            JsonNode catalog, Optional<String> region, String endpointInterface, String what)
            throws StorageException {
        List<JsonNode> candidates = new ArrayList<>();
        TreeSet<String> offered = new TreeSet<>();
        for (JsonNode service : catalog) {
            if (!"object-store".equals(service.path("type").asText())) {
                continue;
            }
            for (JsonNode ep : service.path("endpoints")) {
                String r =
                        ep.hasNonNull("region_id")
                                ? ep.get("region_id").asText()
                                : ep.path("region").asText();
                offered.add(ep.path("interface").asText() + "@" + r);
                if (!endpointInterface.equals(ep.path("interface").asText())) {
                    continue;
                }
                if (region.isPresent()
                        && !region.get().equals(ep.path("region_id").asText())
                        && !region.get().equals(ep.path("region").asText())) {
                    continue;
                }
                candidates.add(ep);
            }
        }
        TreeSet<String> regions = new TreeSet<>();
        for (JsonNode ep : candidates) {
            regions.add(
                    ep.hasNonNull("region_id")
                            ? ep.get("region_id").asText()
                            : ep.path("region").asText());
        }
        if (candidates.isEmpty()) {
            throw new StorageException(
                    what
                            + ": the catalog has no object-store endpoint with interface "
                            + endpointInterface
                            + region.map(r -> " in region " + r).orElse("")
                            + " (offered: "
                            + (offered.isEmpty() ? "none" : String.join(", ", offered))
                            + "); check storage.swift.interface and storage.swift.region",
                    false);
        }
        if (regions.size() > 1) {
            throw new StorageException(
                    what
                            + ": the catalog offers object-store endpoints in several regions "
                            + regions
                            + "; set storage.swift.region",
                    false);
        }
        return candidates.get(0).path("url").asText();
    }

    private <T> HttpResponse<T> sendAuth(String what, HttpRequest request, BodyHandler<T> handler)
            throws StorageException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(what + ": interrupted", false, e);
        } catch (IOException e) {
            throw new StorageException(what + " failed: " + SwiftErrors.describe(e), true, e);
        }
    }

    static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }
}
