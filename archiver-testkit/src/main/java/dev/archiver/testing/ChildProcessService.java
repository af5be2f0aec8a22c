package dev.archiver.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test server run as a child process (an emulator on Node, a server jar...), ready once it
 * accepts TCP connections on its loopback port. The process and its descendants are stopped by
 * {@link #close()} and, should the test JVM end first, by a shutdown hook, so no server outlives
 * the tests.
 *
 * <p>Start the server's own executable (e.g. {@code node .../main.js}), not a wrapper such as
 * {@code npx} or a shell script that may leave its child running when it is stopped.
 */
public final class ChildProcessService implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ChildProcessService(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "stop " + describe(process));
    }

    /** A TCP port that was free on the loopback address a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code command} with its output appended to {@code log} and waits until {@code port}
     * accepts connections on 127.0.0.1.
     *
     * @throws IOException when the process cannot start, exits early, or is not ready within {@code
     *     timeout} (the message points at the log); the process is stopped then
     */
    public static ChildProcessService start(
            List<String> command, int port, Path log, Duration timeout) throws IOException {
        requireNonNull(command, "command is null");
        requireNonNull(log, "log is null");
        requireNonNull(timeout, "timeout is null");
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        ChildProcessService service = new ChildProcessService(p, port, log);
        Runtime.getRuntime().addShutdownHook(service.shutdownHook);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                service.close();
                throw new IOException(
                        command.get(0)
                                + " exited with code "
                                + p.exitValue()
                                + " before it listened on port "
                                + port
                                + "; see "
                                + log.toAbsolutePath());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return service;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        service.close();
        throw new IOException(
                command.get(0)
                        + " did not listen on port "
                        + port
                        + " within "
                        + timeout
                        + "; see "
                        + log.toAbsolutePath());
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process and its descendants (SIGTERM, then SIGKILL after 10 s). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the server");
        }
    }

    private static String describe(Process p) {
        return p.info().command().orElse("child process") + " (pid " + p.pid() + ")";
    }

    @Override
    public String toString() {
        return "ChildProcessService[pid=" + process.pid() + ", port=" + port + "]";
    }
}
