package dev.archiver.storage.azure;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.archiver.testing.ChildProcessService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * One Azurite Blob emulator per test JVM, started lazily with {@code node} (never {@code npx},
 * which leaves the server running when it is stopped) from {@code $AZURITE_HOME}, installed by
 * {@code scripts/setup/azurite.sh}. It stops when the JVM exits.
 *
 * <p>When it cannot start, tests fail if {@code ARCHIVER_REQUIRE_SERVERS=true} (as in {@code
 * scripts/test-all.sh}) and are skipped otherwise, with a message naming the setup script.
 */
public final class Azurite {
    public static final String VERSION = "3.37.0";
    public static final String ACCOUNT = "devstoreaccount1";

    /** Azurite's well-known development key (public, documented by Microsoft). */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static Azurite shared;
    private static String unavailable;

    private final ChildProcessService process;
    private final BlobServiceClient client;

    private Azurite(ChildProcessService process) {
        this.process = process;
        this.client =
                new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
    }

    /** The shared emulator; fails or skips the calling test when it cannot start. */
    public static synchronized Azurite shared() {
        if (shared == null && unavailable == null) {
            try {
                shared = start();
            } catch (IOException | RuntimeException e) {
                unavailable = "Azurite could not be started: " + e.getMessage();
            }
        }
        if (shared == null) {
            if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
                throw new IllegalStateException(unavailable);
            }
            Assumptions.abort(
                    unavailable
                            + " (install it with `source scripts/setup/azurite.sh`, or run"
                            + " ./scripts/test-all.sh; set ARCHIVER_REQUIRE_SERVERS=true to fail"
                            + " instead of skipping)");
        }
        return shared;
    }

    private static Azurite start() throws IOException {
        Path home = home();
        Path main = home.resolve("node_modules/azurite/dist/src/blob/main.js");
        if (!Files.isRegularFile(main)) {
            throw new IOException(
                    "Azurite " + VERSION + " is not installed: " + main + " does not exist");
        }
        int port = ChildProcessService.freePort();
        ChildProcessService process =
                ChildProcessService.start(
                        List.of(
                                "node",
                                main.toString(),
                                "--blobHost",
                                "127.0.0.1",
                                "--blobPort",
                                Integer.toString(port),
                                "--inMemoryPersistence",
                                "--extentMemoryLimit",
                                "512",
                                "--disableTelemetry",
                                "--skipApiVersionCheck",
                                "--loose",
                                "--silent"),
                        port,
                        Path.of("target", "azurite-" + port + ".log"),
                        Duration.ofSeconds(60));
        return new Azurite(process);
    }

    private static Path home() {
        String env = System.getenv("AZURITE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String cache = System.getenv("ARCHIVER_CACHE");
        Path base =
                cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "kafka-archiver");
        return base.resolve("azurite-" + VERSION);
    }

    public int port() {
        return process.port();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port() + "/" + ACCOUNT;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName="
                + ACCOUNT
                + ";AccountKey="
                + KEY
                + ";BlobEndpoint="
                + endpoint()
                + ";";
    }

    /** A client of the emulator, to check what the storage wrote with the SDK itself. */
    public BlobServiceClient client() {
        return client;
    }

    /** Creates a container with a unique name starting with {@code prefix}. */
    public String newContainer(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        client.createBlobContainer(name);
        return name;
    }

    /** Settings for the storage, connection-string credential. */
    public Map<String, String> settings() {
        return Map.of("storage.azure.connection-string", connectionString());
    }
}
