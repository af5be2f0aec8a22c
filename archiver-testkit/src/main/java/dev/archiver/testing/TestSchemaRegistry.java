package dev.archiver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A small schema registry on loopback that serves the part of the Confluent Schema Registry REST
 * API that the archiver and its tests use: {@code POST /subjects/{subject}/versions} (register; the
 * same schema text and type get the same id), {@code GET /schemas/ids/{id}}, {@code GET
 * /subjects/{subject}/versions}, {@code GET /subjects/{subject}/versions/{version}} (a number or
 * {@code latest}, as serializers with {@code use.latest.version} ask). Errors are Confluent's
 * ({@code {"error_code":40403,...}}).
 *
 * <p>It is a stand-in, used because no real registry can be installed from the package registries
 * this project builds from: Karapace is not published on PyPI, Apicurio Registry publishes its
 * application classes but not all of their dependencies on Maven Central, and Confluent's registry
 * is on neither. It does no compatibility checks and keeps its schemas in memory; it can require
 * basic or bearer credentials, and be stopped and started again on the same port to play an outage.
 *
 * @since 0.3
 */
public final class TestSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** The password of {@link #trustStore()} and of the server's key store. */
    public static final String STORE_PASSWORD = "registry-test";

    private final Optional<String> requiredAuthorization;
    private final Map<String, Integer> idsByContent = new HashMap<>();
    private final List<ObjectNode> byId = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();
    private final AtomicLong schemaLookups = new AtomicLong();
    private SSLContext tls;
    private Path trustStore;
    private int port;
    private HttpServer server;

    private TestSchemaRegistry(Optional<String> requiredAuthorization) {
        this.requiredAuthorization = requiredAuthorization;
    }

    /**
     * A registry on a free loopback port over {@code https}, with a new self-signed certificate for
     * 127.0.0.1 whose trust store (PKCS12, password {@link #STORE_PASSWORD}) is {@link
     * #trustStore()}, both written under {@code dir}.
     */
    public static TestSchemaRegistry startHttps(Path dir) throws IOException {
        TestSchemaRegistry r = new TestSchemaRegistry(Optional.empty());
        Path keyStore = dir.resolve("registry.p12");
        Path trust = dir.resolve("registry-trust.p12");
        Files.createDirectories(dir);
        Files.deleteIfExists(keyStore);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "registry",
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "san=ip:127.0.0.1,dns:localhost",
                                "-validity",
                                "7",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keyStore.toString(),
                                "-storepass",
                                STORE_PASSWORD)
                        .redirectErrorStream(true)
                        .start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, STORE_PASSWORD.toCharArray());
            }
            Certificate certificate = store.getCertificate("registry");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("registry", certificate);
            try (OutputStream out = Files.newOutputStream(trust)) {
                trusted.store(out, STORE_PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, STORE_PASSWORD.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            r.tls = ctx;
            r.trustStore = trust;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while running keytool");
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot make the registry's certificate", e);
        }
        r.listen(0);
        return r;
    }

    /** The trust store holding the {@code https} registry's certificate; null over {@code http}. */
    public Path trustStore() {
        return trustStore;
    }

    /** A registry on a free loopback port, open to every request. */
    public static TestSchemaRegistry start() throws IOException {
        return start(Optional.empty());
    }

    /**
     * A registry on a free loopback port that answers 401 to requests without this exact {@code
     * Authorization} header value (e.g. {@code Bearer abc}).
     */
    public static TestSchemaRegistry start(Optional<String> requiredAuthorization)
            throws IOException {
        TestSchemaRegistry r = new TestSchemaRegistry(requiredAuthorization);
        r.listen(0);
        return r;
    }

    private synchronized void listen(int onPort) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
        HttpServer s;
        if (tls == null) {
            s = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            s = https;
        }
        s.createContext("/", this::handle);
        s.start();
        this.server = s;
        this.port = s.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return URI.create(
                (tls == null ? "http://" : "https://")
                        + InetAddress.getLoopbackAddress().getHostAddress()
                        + ":"
                        + port);
    }

    /** Stops answering (connections are refused) until {@link #resume()}. */
    public synchronized void pause() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port. */
    public synchronized void resume() throws IOException {
        if (server == null) {
            listen(port);
        }
    }

    /** {@code GET /schemas/ids/{id}} requests answered so far. */
    public long schemaLookups() {
        return schemaLookups.get();
    }

    /**
     * Registers a schema under a subject, as a producer's serializer does.
     *
     * @param type {@code AVRO}, {@code PROTOBUF} or {@code JSON}
     * @return its global id
     */
    public synchronized int register(String subject, String type, String schema) {
        String contentKey = type + "\u0000" + schema;
        Integer id = idsByContent.get(contentKey);
        if (id == null) {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("schema", schema);
            if (!type.equals("AVRO")) {
                node.put("schemaType", type);
            }
            byId.add(node);
            id = byId.size();
            idsByContent.put(contentKey, id);
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (requiredAuthorization.isPresent()
                    && !requiredAuthorization
                            .get()
                            .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, error(40101, "Unauthorized"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.replaceAll("^/+|/+$", "").split("/");
            String method = exchange.getRequestMethod();
            if (method.equals("GET")
                    && parts.length == 3
                    && parts[0].equals("schemas")
                    && parts[1].equals("ids")) {
                schemaLookups.incrementAndGet();
                ObjectNode schema = lookup(parts[2]);
                if (schema == null) {
                    send(exchange, 404, error(40403, "Schema " + parts[2] + " not found"));
                } else {
                    send(exchange, 200, schema);
                }
            } else if (parts.length == 3
                    && parts[0].equals("subjects")
                    && parts[2].equals("versions")) {
                String subject = parts[1];
                if (method.equals("POST")) {
                    JsonNode body = MAPPER.readTree(exchange.getRequestBody());
                    if (body == null || !body.path("schema").isTextual()) {
                        send(exchange, 422, error(42201, "Invalid schema"));
                        return;
                    }
                    int id =
                            register(
                                    subject,
                                    body.path("schemaType").asText("AVRO"),
                                    body.path("schema").asText());
                    send(exchange, 200, MAPPER.createObjectNode().put("id", id));
                } else {
                    List<Integer> versions;
                    synchronized (this) {
                        versions = subjects.get(subject);
                        versions = versions == null ? null : List.copyOf(versions);
                    }
                    if (versions == null) {
                        send(exchange, 404, error(40401, "Subject not found"));
                    } else {
                        var array = MAPPER.createArrayNode();
                        for (int i = 1; i <= versions.size(); i++) {
                            array.add(i);
                        }
                        send(exchange, 200, array);
                    }
                }
            } else if (method.equals("GET")
                    && parts.length == 4
                    && parts[0].equals("subjects")
                    && parts[2].equals("versions")) {
                ObjectNode version = version(parts[1], parts[3]);
                if (version == null) {
                    send(exchange, 404, error(40402, "Version " + parts[3] + " not found"));
                } else {
                    send(exchange, 200, version);
                }
            } else {
                send(exchange, 404, error(404, "HTTP 404 Not Found"));
            }
        }
    }

    private synchronized ObjectNode version(String subject, String version) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        int n;
        try {
            n =
                    version.equals("latest") || version.equals("-1")
                            ? versions.size()
                            : Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return null;
        }
        if (n < 1 || n > versions.size()) {
            return null;
        }
        int id = versions.get(n - 1);
        ObjectNode node = MAPPER.createObjectNode().put("subject", subject).put("version", n);
        node.put("id", id);
        node.setAll(byId.get(id - 1));
        return node;
    }

    private synchronized ObjectNode lookup(String id) {
        try {
            int n = Integer.parseInt(id);
            return n >= 1 && n <= byId.size() ? byId.get(n - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ObjectNode error(int code, String message) {
        return MAPPER.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        pause();
    }
}
