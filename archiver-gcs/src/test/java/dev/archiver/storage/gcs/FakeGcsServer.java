package dev.archiver.storage.gcs;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * One fake-gcs-server (a Go emulator of the GCS JSON API, installed by {@code
 * scripts/setup/fake-gcs-server.sh}) per test JVM, started lazily as a child process on loopback
 * with the in-memory backend, and stopped when the JVM exits. The child runs under a small shell
 * that kills it when this JVM's end of its stdin closes, so even a killed JVM leaves nothing
 * behind.
 *
 * <p>When the binary is missing or does not start, tests fail if {@code
 * ARCHIVER_REQUIRE_SERVERS=true} (CI) and are skipped otherwise.
 */
final class FakeGcsServer {
    static final String VERSION = "v1.56.1";
    static final String SETUP_SCRIPT = "scripts/setup/fake-gcs-server.sh";
    private static final String PROJECT = "archiver-test";

    private static FakeGcsServer shared;
    private static RuntimeException startFailure;

    private final Process process;
    private final String endpoint;
    private final Path log;

    private FakeGcsServer(Process process, String endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** The shared server; fails or skips the calling test when it cannot be started. */
    static synchronized FakeGcsServer shared() {
        if (shared == null && startFailure == null) {
            try {
                shared = start();
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(shared::stop, "fake-gcs-server-stop"));
            } catch (RuntimeException e) {
                startFailure = e;
            }
        }
        if (startFailure != null) {
            if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
                throw new IllegalStateException(
                        "fake-gcs-server is required (ARCHIVER_REQUIRE_SERVERS=true) but could not be"
                                + " started: "
                                + startFailure.getMessage(),
                        startFailure);
            }
            Assumptions.abort(
                    "fake-gcs-server not available ("
                            + startFailure.getMessage()
                            + "); install it with `source "
                            + SETUP_SCRIPT
                            + "` or run scripts/test-all.sh");
        }
        return shared;
    }

    /** {@code http://127.0.0.1:PORT}. */
    String endpoint() {
        return endpoint;
    }

    /** The settings (full keys) that point the {@code gs://} provider at this server. */
    Map<String, String> settings() {
        return Map.of(
                "storage.gcs.endpoint", endpoint,
                "storage.gcs.credentials", "none",
                "storage.gcs.project-id", PROJECT);
    }

    /** A raw client of this server, to check what the provider did; the caller closes it. */
    Storage client() {
        return StorageOptions.newBuilder()
                .setHost(endpoint)
                .setProjectId(PROJECT)
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
    }

    /** Creates {@code bucket} unless it exists. */
    void createBucket(String bucket) throws Exception {
        try (Storage client = client()) {
            if (client.get(bucket) == null) {
                client.create(BucketInfo.of(bucket));
            }
        }
    }

    private static Path binary() {
        String fromEnv = System.getenv("FAKE_GCS_SERVER");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        String cache = System.getenv("ARCHIVER_CACHE");
        Path base =
                cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "kafka-archiver");
        return base.resolve("fake-gcs-server-" + VERSION).resolve("bin").resolve("fake-gcs-server");
    }

    private static FakeGcsServer start() {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(
                    "no fake-gcs-server binary at "
                            + bin
                            + " (FAKE_GCS_SERVER is set by "
                            + SETUP_SCRIPT
                            + ")");
        }
        Process p = null;
        Path log = null;
        try {
            int port = freePort();
            String endpoint = "http://127.0.0.1:" + port;
            Path target = Path.of("target");
            log =
                    Files.isDirectory(target)
                            ? target.resolve("fake-gcs-server.log")
                            : Files.createTempFile("fake-gcs-server", ".log");
            // sh keeps reading our pipe; when it closes (we stop or die), the server is killed.
            String watchdog = "\"$@\" & pid=$!; cat > /dev/null; kill $pid 2>/dev/null; wait $pid";
            List<String> command =
                    List.of(
                            "sh",
                            "-c",
                            watchdog,
                            "fake-gcs-server",
                            bin.toString(),
                            "-scheme",
                            "http",
                            "-host",
                            "127.0.0.1",
                            "-port",
                            String.valueOf(port),
                            "-backend",
                            "memory",
                            "-external-url",
                            endpoint,
                            "-log-level",
                            "warn");
            p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            awaitReady(p, endpoint, log);
            return new FakeGcsServer(p, endpoint, log);
        } catch (IOException e) {
            kill(p);
            throw new IllegalStateException("fake-gcs-server did not start: " + e, e);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting fake-gcs-server", e);
        } catch (RuntimeException e) {
            kill(p);
            throw e;
        }
    }

    private static void awaitReady(Process p, String endpoint, Path log)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe =
                HttpRequest.newBuilder(URI.create(endpoint + "/storage/v1/b"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "fake-gcs-server did not become ready at "
                                + endpoint
                                + (p.isAlive() ? " within 60s" : " (it exited)")
                                + "; log "
                                + log
                                + ":\n"
                                + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private void stop() {
        kill(process);
    }

    private static void kill(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the watchdog shell is gone already
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "fake-gcs-server " + VERSION + " at " + endpoint + " (log " + log + ")";
    }
}
