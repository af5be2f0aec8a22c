package dev.archiver.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The S3 emulator of the {@code s3} store cells: S3Proxy ({@code org.gaul.s3proxy.Main}, in-memory
 * {@code transient} blob store, AWS V2/V4 authentication) in a child JVM on loopback, so that its
 * CPU and heap are not the archiver's. Its classpath is the benchmarks module's test classpath
 * ({@code target/classpath-s3proxy.txt}, written by the build); the benchmark JVM does not have
 * S3Proxy on its own.
 */
final class S3ProxyProcess implements AutoCloseable {
    static final String ACCESS_KEY = "bench-access";
    static final String SECRET_KEY = "bench-secret-5e1f0a";

    private final Process process;
    private final URI endpoint;
    private final Thread hook;

    private S3ProxyProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
        this.hook = new Thread(process::destroyForcibly, "bench-s3proxy-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static S3ProxyProcess start(String heap, Path log) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = Files.createTempFile("bench-s3proxy", ".properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        // the SDK sends headers S3Proxy does not model
                        "s3proxy.ignore-unknown-headers=true",
                        "jclouds.provider=transient",
                        "jclouds.identity=" + ACCESS_KEY,
                        "jclouds.credential=" + SECRET_KEY,
                        ""),
                StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx" + heap);
        // S3Proxy's Main sends System.err to its logger; slf4j-simple must not write there
        cmd.add("-Dorg.slf4j.simpleLogger.logFile=" + log);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add("org.gaul.s3proxy.Main");
        cmd.add("--properties");
        cmd.add(properties.toString());
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        "S3Proxy exited with "
                                + p.exitValue()
                                + " before it was ready; see "
                                + log);
            }
            if (answers(endpoint)) {
                Files.deleteIfExists(properties);
                return new S3ProxyProcess(p, endpoint);
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("S3Proxy did not answer in 120 s; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode(); // 403 without credentials is an answer
            c.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The test classpath the build wrote next to this module's classes. */
    private static String classpath() throws IOException {
        Path classes;
        try {
            classes =
                    Path.of(
                            S3ProxyProcess.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
        } catch (Exception e) {
            throw new IOException("cannot locate the benchmarks module's classes", e);
        }
        Path file = classes.getParent().resolve("classpath-s3proxy.txt");
        if (!Files.exists(file)) {
            throw new IOException(file + " is missing; build the benchmarks module with Maven");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    URI endpoint() {
        return endpoint;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down; the hook will run
            }
        }
    }
}
