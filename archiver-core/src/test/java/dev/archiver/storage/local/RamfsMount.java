package dev.archiver.storage.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code ramfs} mounted on a fresh directory: a Linux file system without {@code user.*}
 * extended attributes, like NFS without xattr support or tmpfs before Linux 6.6. Mounting needs
 * root (CAP_SYS_ADMIN); without it the test is skipped, or fails when {@code
 * ARCHIVER_REQUIRE_SERVERS=true}.
 */
public final class RamfsMount implements AutoCloseable {
    private final Path dir;

    private RamfsMount(Path dir) {
        this.dir = dir;
    }

    public static RamfsMount mount() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ramfs-no-xattrs");
        String error =
                run(List.of("mount", "-t", "ramfs", "-o", "size=16m", "ramfs", dir.toString()));
        if (error != null) {
            Files.deleteIfExists(dir);
            String message = "Cannot mount a ramfs (needs root with CAP_SYS_ADMIN): " + error;
            if ("true".equalsIgnoreCase(System.getenv("ARCHIVER_REQUIRE_SERVERS"))) {
                throw new IllegalStateException(message + " (ARCHIVER_REQUIRE_SERVERS=true)");
            }
            Assumptions.abort(message);
        }
        return new RamfsMount(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The file system type the JDK sees at the mount point. */
    public String type() throws IOException {
        return Files.getFileStore(dir).type();
    }

    @Override
    public void close() throws IOException {
        try {
            String error = run(List.of("umount", dir.toString()));
            if (error != null) {
                run(List.of("umount", "-l", dir.toString()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while unmounting " + dir, e);
        }
        Files.deleteIfExists(dir);
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.toString();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish within 30 s";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
    }
}
