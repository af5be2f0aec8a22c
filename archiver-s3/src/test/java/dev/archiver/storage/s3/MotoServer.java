package dev.archiver.storage.s3;

import dev.archiver.testing.ChildProcessService;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * moto's standalone server (an S3 implementation in Python), installed into a virtual environment
 * by {@code scripts/setup/moto.sh} and run as a child process on loopback, one per test JVM. It
 * accepts any credentials. When it is missing, tests fail if {@code ARCHIVER_REQUIRE_SERVERS=true}
 * and are skipped otherwise.
 */
public final class MotoServer implements S3TestServer {
    /** Keep in step with {@code scripts/setup/moto.sh}. */
    public static final String VERSION = "5.2.5";

    private static MotoServer shared;
    private static String unavailable;

    private final ChildProcessService process;
    private final URI endpoint;
    private final S3Client client;

    private MotoServer(ChildProcessService process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
        this.client =
                S3Client.builder()
                        .endpointOverride(endpoint)
                        .forcePathStyle(true)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(accessKey(), secretKey())))
                        .build();
    }

    /** The shared server; fails or skips the calling test when it cannot start. */
    public static synchronized MotoServer get() {
        if (shared == null && unavailable == null) {
            try {
                shared = start();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "moto-stop"));
            } catch (IOException | RuntimeException e) {
                unavailable = "moto could not be started: " + e.getMessage();
            }
        }
        if (shared == null) {
            if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
                throw new IllegalStateException(unavailable);
            }
            Assumptions.abort(
                    unavailable
                            + " (install it with `source scripts/setup/moto.sh`, or run"
                            + " ./scripts/test-all.sh; set ARCHIVER_REQUIRE_SERVERS=true to fail"
                            + " instead of skipping)");
        }
        return shared;
    }

    private static MotoServer start() throws IOException {
        Path binary = binary();
        if (!Files.isExecutable(binary)) {
            throw new IOException("moto " + VERSION + " is not installed: no " + binary);
        }
        int port = ChildProcessService.freePort();
        ChildProcessService process =
                ChildProcessService.start(
                        List.of(binary.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)),
                        port,
                        Path.of("target", "moto-" + port + ".log"),
                        Duration.ofSeconds(60));
        MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                server.client.listBuckets();
                return server;
            } catch (SdkException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    server.stop();
                    throw new IOException("moto did not answer; see " + process.log(), e);
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
        String env = System.getenv("MOTO_SERVER");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String cache = System.getenv("ARCHIVER_CACHE");
        Path base =
                cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "kafka-archiver");
        return base.resolve("moto-" + VERSION).resolve("bin").resolve("moto_server");
    }

    private void stop() {
        client.close();
        process.close();
    }

    @Override
    public String name() {
        return "moto";
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return "archiver-moto";
    }

    @Override
    public String secretKey() {
        return "archiver-moto-secret";
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
}
