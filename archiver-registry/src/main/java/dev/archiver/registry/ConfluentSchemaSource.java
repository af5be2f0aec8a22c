package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaSource} over the Confluent Schema Registry REST API ({@code GET
 * /schemas/ids/{id}}), with every schema it fetched kept for its lifetime (a schema never changes
 * under its id).
 *
 * @since 0.3
 */
public final class ConfluentSchemaSource implements SchemaSource {
    private static final Logger log = LoggerFactory.getLogger(ConfluentSchemaSource.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/json;q=0.9";

    private final ConfluentSchemaSourceConfig config;
    private final HttpClient client;
    private final Optional<String> authorization;
    private final Map<Integer, RegisteredSchema> cache = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    public ConfluentSchemaSource(ConfluentSchemaSourceConfig config) {
        this.config = requireNonNull(config, "config is null");
        HttpClient.Builder b =
                HttpClient.newBuilder()
                        .connectTimeout(config.requestTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER);
        if (config.trustStore().isPresent()) {
            b.sslContext(sslContext(config));
        }
        this.client = b.build();
        if (config.basicAuthUsername().isPresent()) {
            String pair =
                    config.basicAuthUsername().get()
                            + ":"
                            + config.basicAuthPassword().orElseThrow().reveal();
            this.authorization =
                    Optional.of(
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            this.authorization = config.bearerToken().map(t -> "Bearer " + t.reveal());
        }
    }

    private static SSLContext sslContext(ConfluentSchemaSourceConfig config) {
        try (InputStream in = Files.newInputStream(config.trustStore().orElseThrow())) {
            KeyStore store = KeyStore.getInstance(config.trustStoreType());
            store.load(
                    in,
                    config.trustStorePassword().map(s -> s.reveal().toCharArray()).orElse(null));
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            // the exception of a wrong password names no password
            throw new ConfigException(
                    "Cannot load the schema registry trust store "
                            + config.trustStore().orElseThrow()
                            + ": "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    public ConfluentSchemaSourceConfig config() {
        return config;
    }

    /** HTTP requests sent so far (lookups answered from the cache send none). */
    public long requests() {
        return requests.get();
    }

    @Override
    public RegisteredSchema schema(int id) throws IOException {
        RegisteredSchema cached = cache.get(id);
        if (cached != null) {
            return cached;
        }
        if (closed.get()) {
            throw new IOException("schema source " + this + " is closed");
        }
        RegisteredSchema fetched = fetchWithRetries(id);
        RegisteredSchema previous = cache.putIfAbsent(id, fetched);
        return previous == null ? fetched : previous;
    }

    private RegisteredSchema fetchWithRetries(int id) throws IOException {
        long backoff = config.retryBackoff().toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                return fetch(id);
            } catch (SchemaNotFoundException e) {
                throw e;
            } catch (RetriableLookupException e) {
                if (attempt >= config.retries()) {
                    throw new IOException(e.getMessage(), e.getCause());
                }
                log.warn("{}; retrying in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while looking up schema " + id, ie);
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private RegisteredSchema fetch(int id) throws IOException {
        URI uri = resolve("schemas/ids/" + Integer.toUnsignedString(id));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(config.requestTimeout())
                        .header("Accept", ACCEPT)
                        .GET();
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response;
        requests.incrementAndGet();
        try {
            response =
                    client.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RetriableLookupException(
                    "Schema registry "
                            + config.url()
                            + " unreachable looking up schema "
                            + id
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up schema " + id, e);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status == 200 && body != null && body.path("schema").isTextual()) {
            SchemaType type;
            try {
                type = SchemaType.fromRegistry(body.path("schemaType").asText(null));
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        "Schema registry "
                                + config.url()
                                + ": schema "
                                + id
                                + " has an unknown schemaType '"
                                + body.path("schemaType").asText()
                                + "'");
            }
            if (body.path("references").isArray() && !body.path("references").isEmpty()) {
                throw new IOException(
                        "Schema registry "
                                + config.url()
                                + ": schema "
                                + id
                                + " has references to other schemas, which are not supported");
            }
            return new RegisteredSchema(id, type, body.path("schema").asText());
        }
        String detail =
                body != null && body.path("message").isTextual()
                        ? body.path("message").asText()
                        : "HTTP " + status;
        int errorCode = body == null ? 0 : body.path("error_code").asInt(0);
        if (status == 404 && (errorCode == 40403 || errorCode == 0 || errorCode == 404)) {
            throw new SchemaNotFoundException(
                    id,
                    "Schema registry "
                            + config.url()
                            + " has no schema "
                            + id
                            + " ("
                            + detail
                            + ")");
        }
        String message =
                "Schema registry "
                        + config.url()
                        + " answered HTTP "
                        + status
                        + " looking up schema "
                        + id
                        + ": "
                        + detail;
        if (status >= 500 || status == 429 || status == 408) {
            throw new RetriableLookupException(message, null);
        }
        // 401/403 (credentials refused) and other client errors: a retry now will not help, but a
        // later one may (credentials rotated), so it is still an IOException, not "not found"
        throw new IOException(message);
    }

    private URI resolve(String path) {
        String base = config.url().toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); its threads end when it is unreachable
        closed.set(true);
    }

    @Override
    public String toString() {
        return "confluent(" + config.url() + ")";
    }

    /** A failure that may heal; retried within one lookup. */
    private static final class RetriableLookupException extends IOException {
        private static final long serialVersionUID = 1L;

        RetriableLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
