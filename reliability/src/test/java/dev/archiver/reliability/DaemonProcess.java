package dev.archiver.reliability;

import dev.archiver.examples.daemon.ArchiverCli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code archiver run --config FILE} as a separate JVM, the way an operator runs the daemon,
 * with its output in a log file. Built for attacks: {@link #kill()} is SIGKILL (no shutdown hook,
 * no flush, no commit), {@link #stop()} is SIGTERM.
 */
final class DaemonProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final int metricsPort;

    private DaemonProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metricsPort = metricsPort;
    }

    /**
     * Starts the daemon on the test class path (the same classes as {@code archiver.jar}).
     *
     * @param metricsPort the {@code metrics.port} of the config, or 0 when metrics are off
     * @param jvmArgs extra JVM arguments (e.g. {@code -Xmx256m})
     */
    static DaemonProcess start(Path config, Path log, int metricsPort, String... jvmArgs)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of(jvmArgs));
        command.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiverCli.class.getName(),
                        "run",
                        "--config",
                        config.toString()));
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new DaemonProcess(pb.start(), log, metricsPort);
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("daemon " + process.pid() + " survived SIGKILL");
        }
    }

    /** SIGTERM; returns the exit code, or throws when the daemon does not stop in {@code wait}. */
    int stop(Duration wait) throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("daemon did not stop in " + wait + "; log:\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until {@code /health/ready} answers 200; fails with the log if the daemon dies. */
    void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "daemon exited with " + process.exitValue() + "; log:\n" + output());
            }
            try {
                if (get("/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("daemon not ready in " + timeout + "; log:\n" + output());
    }

    /** The Prometheus text of {@code /metrics}. */
    String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /** The sum of every sample of {@code name} (any tags) in {@code /metrics}; 0 when absent. */
    double metric(String name) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        if (metricsPort == 0) {
            throw new IllegalStateException("this daemon runs without metrics");
        }
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
