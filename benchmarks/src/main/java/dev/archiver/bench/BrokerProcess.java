package dev.archiver.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts {@link BrokerMain} in a child JVM from this JVM's classpath and stops it on close. */
final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final String bootstrapServers;
    private final Thread hook;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.hook = new Thread(process::destroyForcibly, "bench-broker-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static BrokerProcess start(String heap, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx" + heap);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BrokerMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        Process p = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    if (line.startsWith(BrokerMain.READY_PREFIX)) {
                                        ready.complete(
                                                line.substring(BrokerMain.READY_PREFIX.length()));
                                    }
                                }
                            } catch (IOException e) {
                                ready.completeExceptionally(e);
                            }
                            ready.completeExceptionally(
                                    new IllegalStateException(
                                            "broker exited before it was ready; see " + log));
                        },
                        "bench-broker-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new BrokerProcess(p, ready.get(120, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
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
