package dev.archiver.storage.swift;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real OpenStack Swift (Debian's packages) as a single-node all-in-one on loopback, started by
 * {@code swift-saio.sh} (a test resource) once per test JVM and stopped by a shutdown hook. The
 * TempAuth instance starts in about 10 s; the Keystone instance ({@code SAIO_KEYSTONE=1}, a second
 * all-in-one with a real Keystone v3 in front) takes 40 s (idle) to 3 min (loaded) on a first
 * start, so only the Keystone test class asks for it.
 *
 * <p>When the packages are missing, tests fail if {@code ARCHIVER_REQUIRE_SERVERS=true} (CI, {@code
 * scripts/test-all.sh}) and are skipped otherwise; run {@code scripts/setup/swift.sh} as root to
 * install them. A server that is installed but does not start always fails the tests.
 */
final class SwiftSaio {
    private static final String SETUP_HINT =
            "install OpenStack Swift with scripts/setup/swift.sh (as root; Debian packages swift"
                    + " swift-proxy swift-account swift-container swift-object memcached curl"
                    + " python3-keystone python3-keystonemiddleware)";

    private static Server tempAuth;
    private static Server keystone;
    private static RuntimeException tempAuthFailure;
    private static RuntimeException keystoneFailure;

    private SwiftSaio() {}

    /** The shared all-in-one with TempAuth (user {@code test:tester}, key {@code testing}). */
    static synchronized Server tempAuth() {
        if (tempAuth == null) {
            if (tempAuthFailure != null) {
                throw tempAuthFailure;
            }
            requireInstalled("/usr/bin/swift-proxy-server");
            try {
                tempAuth = start(false);
            } catch (RuntimeException e) {
                tempAuthFailure = e;
                throw e;
            }
        }
        return tempAuth;
    }

    /**
     * The shared all-in-one with Keystone v3 on {@code port + 5} (user {@code tester}, password
     * {@code testing}, project {@code test}, domain {@code Default}, region {@code RegionOne}).
     */
    static synchronized Server keystone() {
        if (keystone == null) {
            if (keystoneFailure != null) {
                throw keystoneFailure;
            }
            requireInstalled("/usr/bin/swift-proxy-server");
            requireInstalled("/usr/bin/keystone-manage");
            try {
                keystone = start(true);
            } catch (RuntimeException e) {
                keystoneFailure = e;
                throw e;
            }
        }
        return keystone;
    }

    private static void requireInstalled(String binary) {
        if (Files.isExecutable(Path.of(binary))) {
            return;
        }
        String message = binary + " is missing: " + SETUP_HINT;
        if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
            throw new IllegalStateException(message + " (ARCHIVER_REQUIRE_SERVERS=true)");
        }
        Assumptions.abort(message);
    }

    private static Server start(boolean withKeystone) {
        Path script = script();
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Path dir = null;
            try {
                dir = dataDir();
                int port = freePortBlock(withKeystone ? 6 : 5);
                List<String> cmd =
                        List.of("bash", script.toString(), "start", dir.toString(), "" + port);
                String out = run(cmd, withKeystone ? "1" : "0", withKeystone ? 400 : 120);
                Server server = new Server(script, dir, port, withKeystone, out);
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(server::stop, "swift-saio-stop-" + port));
                return server;
            } catch (IOException e) {
                last = e;
                if (dir != null) {
                    stopQuietly(script, dir);
                    deleteTree(dir);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Swift", e);
            }
        }
        throw new IllegalStateException(
                "OpenStack Swift"
                        + (withKeystone ? " with Keystone" : "")
                        + " did not start: "
                        + last.getMessage(),
                last);
    }

    /**
     * tmpfs when there is one: Swift fsyncs every object and container update, which on a disk
     * makes the thousand-object tests take minutes. tmpfs has the user xattrs Swift needs since
     * Linux 6.6; the launcher probes them and the disk is the fallback.
     */
    private static Path dataDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path dir = Files.createTempDirectory(shm, "archiver-swift-saio-");
            if (xattrsWork(dir)) {
                return dir;
            }
            deleteTree(dir);
        }
        return Files.createTempDirectory("archiver-swift-saio-");
    }

    private static boolean xattrsWork(Path dir) {
        try {
            Path probe = Files.createFile(dir.resolve(".xattr-probe"));
            try {
                var view =
                        Files.getFileAttributeView(
                                probe, java.nio.file.attribute.UserDefinedFileAttributeView.class);
                if (view == null) {
                    return false;
                }
                view.write("swift.probe", java.nio.ByteBuffer.wrap(new byte[] {1}));
                return view.list().contains("swift.probe");
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Path script() {
        URL url = SwiftSaio.class.getResource("/swift-saio.sh");
        requireNonNull(url, "swift-saio.sh is not on the test class path");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A base port p such that p..p+n-1 were free a moment ago. */
    private static int freePortBlock(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    free = s.isBound();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no block of " + n + " free ports");
    }

    private static String run(List<String> cmd, String keystone, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("swift-saio", ".log");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("SAIO_KEYSTONE", keystone);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(
                        "timeout after "
                                + timeoutSeconds
                                + " s: "
                                + cmd
                                + "\n"
                                + Files.readString(log));
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IOException(cmd + " exited " + p.exitValue() + ":\n" + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void stopQuietly(Path script, Path dir) {
        try {
            run(List.of("bash", script.toString(), "stop", dir.toString()), "0", 60);
        } catch (IOException | InterruptedException e) {
            System.err.println("swift-saio stop failed: " + e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort
                                }
                            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** A running all-in-one and raw REST helpers that bypass the code under test. */
    static final class Server {
        static final String USER = "test:tester";
        static final String KEY = "testing";

        final Path script;
        final Path dir;
        final int port;
        final boolean withKeystone;
        final String startOutput;
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Server(Path script, Path dir, int port, boolean withKeystone, String startOutput) {
            this.script = script;
            this.dir = dir;
            this.port = port;
            this.withKeystone = withKeystone;
            this.startOutput = startOutput;
        }

        String authUrl() {
            return "http://127.0.0.1:" + port + "/auth/v1.0";
        }

        String keystoneUrl() {
            return "http://127.0.0.1:" + (port + 5) + "/v3";
        }

        int memcachedPort() {
            return port + 4;
        }

        /** {@code storage.swift.*} settings for TempAuth as {@code user}, plus {@code extra}. */
        Map<String, String> tempAuthSettings(String user, String key, Map<String, String> extra) {
            Map<String, String> s = new HashMap<>();
            s.put("storage.swift.auth", "tempauth");
            s.put("storage.swift.auth-url", authUrl());
            s.put("storage.swift.user", user);
            s.put("storage.swift.key", key);
            s.put("storage.swift.retry.initial-backoff", "50ms");
            s.put("storage.swift.retry.max-backoff", "500ms");
            s.putAll(extra);
            return s;
        }

        Map<String, String> tempAuthSettings(Map<String, String> extra) {
            return tempAuthSettings(USER, KEY, extra);
        }

        /** A TempAuth login: {@code [storageUrl, token]}. */
        String[] login() throws IOException, InterruptedException {
            HttpResponse<Void> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(authUrl()))
                                    .header("X-Auth-User", USER)
                                    .header("X-Auth-Key", KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("tempauth login: HTTP " + r.statusCode());
            }
            return new String[] {
                r.headers().firstValue("X-Storage-Url").orElseThrow(),
                r.headers().firstValue("X-Auth-Token").orElseThrow()
            };
        }

        /** Creates a container of the TempAuth account (idempotent). */
        void createContainer(String name) throws IOException, InterruptedException {
            String[] login = login();
            int status = status("PUT", login[0] + "/" + SwiftLocation.encode(name), login[1]);
            if (status / 100 != 2) {
                throw new IOException("PUT container " + name + ": HTTP " + status);
            }
        }

        /** The object names of a container of the TempAuth account under {@code prefix}. */
        List<String> list(String container, String prefix)
                throws IOException, InterruptedException {
            String[] login = login();
            List<String> names = new ArrayList<>();
            String marker = "";
            while (true) {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        login[0]
                                                                + "/"
                                                                + SwiftLocation.encode(container)
                                                                + "?format=plain&prefix="
                                                                + SwiftLocation.encode(prefix)
                                                                + "&marker="
                                                                + SwiftLocation.encode(marker)))
                                        .header("X-Auth-Token", login[1])
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() == 404) {
                    return names;
                }
                if (r.statusCode() / 100 != 2) {
                    throw new IOException("list " + container + ": HTTP " + r.statusCode());
                }
                List<String> page = r.body().lines().filter(l -> !l.isEmpty()).toList();
                if (page.isEmpty()) {
                    return names;
                }
                names.addAll(page);
                marker = page.get(page.size() - 1);
            }
        }

        /** The headers of a raw HEAD of an object of the TempAuth account. */
        Map<String, List<String>> head(String container, String object)
                throws IOException, InterruptedException {
            String[] login = login();
            HttpResponse<Void> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    login[0]
                                                            + "/"
                                                            + new SwiftLocation(container, object)
                                                                    .path()))
                                    .header("X-Auth-Token", login[1])
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("HEAD " + container + "/" + object + ": " + r.statusCode());
            }
            return r.headers().map();
        }

        int status(String method, String url, String token)
                throws IOException, InterruptedException {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(url))
                            .method(method, HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                b.header("X-Auth-Token", token);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        HttpClient http() {
            return http;
        }

        void stop() {
            stopQuietly(script, dir);
            deleteTree(dir);
        }
    }
}
