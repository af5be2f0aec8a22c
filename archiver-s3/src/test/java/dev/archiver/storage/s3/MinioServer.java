package dev.archiver.storage.s3;

import dev.archiver.testing.ChildProcessService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * MinIO, built from the Go module proxy by {@code scripts/setup/minio.sh}, run as a child process
 * on loopback: one server over plain HTTP and one over HTTPS per test JVM, each started on first
 * use and stopped when the JVM exits. The HTTPS server gets a self-signed certificate for 127.0.0.1
 * made by {@code keytool}; the JVM's default trust store is replaced by one that holds that
 * certificate next to the JDK's own CAs, so every SDK client in the JVM (including those the engine
 * builds from settings) trusts it, as a deployment with a private CA would.
 *
 * <p>When the binary is missing, tests fail if {@code ARCHIVER_REQUIRE_SERVERS=true} (as in {@code
 * scripts/test-all.sh}) and are skipped otherwise, with a message naming the setup script.
 */
public final class MinioServer implements S3TestServer {
    /** Keep in step with {@code scripts/setup/minio.sh}. */
    public static final String VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c";

    public static final String ACCESS_KEY = "archiver-minio";
    public static final String SECRET_KEY = "archiver-minio-secret-4d1e";

    private static final String STORE_PASSWORD = "archiver-test";
    private static MinioServer http;
    private static MinioServer https;
    private static String unavailable;

    private final ChildProcessService process;
    private final URI endpoint;
    private final Path keyStore;
    private final S3Client client;

    private MinioServer(ChildProcessService process, URI endpoint, Path keyStore) {
        this.process = process;
        this.endpoint = endpoint;
        this.keyStore = keyStore;
        this.client =
                S3Client.builder()
                        .endpointOverride(endpoint)
                        .forcePathStyle(true)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                        .build();
    }

    /** The shared MinIO over plain HTTP; fails or skips the calling test when it cannot start. */
    public static synchronized MinioServer http() {
        if (http == null) {
            http = startOrSkip(false);
        }
        return http;
    }

    /** The shared MinIO over HTTPS; fails or skips the calling test when it cannot start. */
    public static synchronized MinioServer https() {
        if (https == null) {
            https = startOrSkip(true);
        }
        return https;
    }

    private static MinioServer startOrSkip(boolean tls) {
        if (unavailable == null) {
            try {
                return start(tls);
            } catch (IOException | RuntimeException e) {
                unavailable = "MinIO could not be started: " + e.getMessage();
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
            throw new IllegalStateException(unavailable);
        }
        Assumptions.abort(
                unavailable
                        + " (build it with `source scripts/setup/minio.sh`, or run"
                        + " ./scripts/test-all.sh; set ARCHIVER_REQUIRE_SERVERS=true to fail"
                        + " instead of skipping)");
        throw new AssertionError("unreachable");
    }

    private static MinioServer start(boolean tls) throws IOException {
        Path binary = binary();
        if (!Files.isExecutable(binary)) {
            throw new IOException("MinIO " + VERSION + " is not installed: no " + binary);
        }
        int port = ChildProcessService.freePort();
        int consolePort = ChildProcessService.freePort();
        Path home = Path.of("target", "minio-" + port).toAbsolutePath();
        Files.createDirectories(home.resolve("data"));
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "env",
                                "MINIO_ROOT_USER=" + ACCESS_KEY,
                                "MINIO_ROOT_PASSWORD=" + SECRET_KEY,
                                "MINIO_BROWSER=off",
                                "MINIO_UPDATE=off",
                                binary.toString(),
                                "server",
                                "--address",
                                "127.0.0.1:" + port,
                                "--console-address",
                                "127.0.0.1:" + consolePort));
        Path keyStore = null;
        if (tls) {
            Path certs = home.resolve("certs");
            keyStore = selfSignedCertificate(certs);
            command.addAll(List.of("--certs-dir", certs.toString()));
        }
        command.add(home.resolve("data").toString());
        ChildProcessService process =
                ChildProcessService.start(
                        command, port, home.resolve("minio.log"), Duration.ofSeconds(60));
        URI endpoint = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
        MinioServer server = new MinioServer(process, endpoint, keyStore);
        server.awaitReady(Duration.ofSeconds(60));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "minio-stop"));
        return server;
    }

    /** MinIO listens before it serves: wait until a request is answered. */
    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                client.listBuckets();
                return;
            } catch (SdkException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    stop();
                    throw new IOException(
                            "MinIO did not answer within " + timeout + "; see " + process.log(), e);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
    }

    private static Path binary() {
        String env = System.getenv("MINIO_SERVER");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String cache = System.getenv("ARCHIVER_CACHE");
        Path base =
                cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "kafka-archiver");
        return base.resolve("minio-" + VERSION).resolve("bin").resolve("minio");
    }

    /**
     * Writes {@code public.crt} and {@code private.key} for 127.0.0.1 into {@code certs} and makes
     * the JVM trust the certificate.
     */
    private static synchronized Path selfSignedCertificate(Path certs) throws IOException {
        Files.createDirectories(certs);
        Path keyStore = certs.resolve("minio.p12");
        Files.deleteIfExists(keyStore);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "minio",
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
            Certificate certificate = store.getCertificate("minio");
            Files.writeString(
                    certs.resolve("public.crt"), pem("CERTIFICATE", certificate.getEncoded()));
            Files.writeString(
                    certs.resolve("private.key"),
                    pem(
                            "PRIVATE KEY",
                            store.getKey("minio", STORE_PASSWORD.toCharArray()).getEncoded()));
            trust(certificate, certs.resolve("truststore.p12"));
            return keyStore;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while running keytool");
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("Cannot make MinIO's certificate", e);
        }
    }

    /** The JDK's trusted CAs plus {@code certificate}, as the JVM's default trust store. */
    private static void trust(Certificate certificate, Path file)
            throws IOException, java.security.GeneralSecurityException {
        TrustManagerFactory defaults =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (var tm : defaults.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (var ca : x509.getAcceptedIssuers()) {
                    trust.setCertificateEntry("jdk-" + i++, ca);
                }
            }
        }
        trust.setCertificateEntry("minio-test", certificate);
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, STORE_PASSWORD.toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", file.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", STORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private void stop() {
        client.close();
        process.close();
    }

    @Override
    public String name() {
        return keyStore != null ? "MinIO over HTTPS" : "MinIO over HTTP";
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return ACCESS_KEY;
    }

    @Override
    public String secretKey() {
        return SECRET_KEY;
    }

    @Override
    public S3Client client() {
        return client;
    }

    @Override
    public String createBucket(String purpose) {
        String bucket =
                (purpose + "-" + UUID.randomUUID().toString().substring(0, 8))
                        .toLowerCase(Locale.ROOT);
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /**
     * For the HTTPS server: a TLS context that serves MinIO's own certificate, for a proxy that
     * clients must trust as they trust MinIO.
     */
    public javax.net.ssl.SSLContext serverTls() throws IOException {
        if (keyStore == null) {
            throw new IllegalStateException(name() + " has no certificate");
        }
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, STORE_PASSWORD.toCharArray());
            javax.net.ssl.KeyManagerFactory keys =
                    javax.net.ssl.KeyManagerFactory.getInstance(
                            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, STORE_PASSWORD.toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("Cannot load MinIO's key", e);
        }
    }

    /** A TLS context that trusts MinIO's certificate (the JVM's default trust, as set up here). */
    public javax.net.ssl.SSLContext clientTls() throws IOException {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** MinIO's own log, for failure messages. */
    public Path log() {
        return process.log();
    }

    @Override
    public String toString() {
        return name() + " " + endpoint;
    }
}
