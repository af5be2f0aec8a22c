package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessServiceTest {
    private static final String SERVER =
            """
            public class Server {
                public static void main(String[] args) throws Exception {
                    Thread.sleep(Long.parseLong(args[1]));
                    try (var s = new java.net.ServerSocket(Integer.parseInt(args[0]), 50,
                            java.net.InetAddress.getLoopbackAddress())) {
                        while (true) {
                            s.accept().close();
                        }
                    }
                }
            }
            """;

    @TempDir Path dir;

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private List<String> server(int port, long delayMillis) throws IOException {
        Path source = dir.resolve("Server.java");
        Files.writeString(source, SERVER);
        return List.of(
                java(),
                "-Xmx32m",
                source.toString(),
                Integer.toString(port),
                Long.toString(delayMillis));
    }

    @Test
    void waitsUntilThePortAcceptsThenStopsTheProcess() throws Exception {
        int port = ChildProcessService.freePort();
        Path log = dir.resolve("logs/server.log");
        ChildProcessService service =
                ChildProcessService.start(server(port, 500), port, log, Duration.ofSeconds(60));
        try {
            assertThat(service.port()).isEqualTo(port);
            assertThat(service.isAlive()).isTrue();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(s.isConnected()).isTrue();
            }
        } finally {
            service.close();
        }
        assertThat(service.isAlive()).isFalse();
        service.close();
        assertThat(Files.exists(log)).isTrue();
    }

    @Test
    void aProcessThatExitsEarlyIsAnErrorPointingAtTheLog() throws Exception {
        int port = ChildProcessService.freePort();
        Path log = dir.resolve("early.log");
        assertThatThrownBy(
                        () ->
                                ChildProcessService.start(
                                        List.of(java(), "-version"),
                                        port,
                                        log,
                                        Duration.ofSeconds(60)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited with code 0")
                .hasMessageContaining(log.toAbsolutePath().toString());
        assertThat(Files.readString(log)).containsIgnoringCase("version");
    }

    @Test
    void aProcessThatNeverListensIsStoppedAfterTheTimeout() throws Exception {
        int port = ChildProcessService.freePort();
        Path log = dir.resolve("slow.log");
        assertThatThrownBy(
                        () ->
                                ChildProcessService.start(
                                        server(port, 600_000), port, log, Duration.ofSeconds(2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not listen on port " + port);
        assertThat(
                        ProcessHandle.allProcesses()
                                .filter(
                                        p ->
                                                p.parent()
                                                        .map(
                                                                h ->
                                                                        h.pid()
                                                                                == ProcessHandle
                                                                                        .current()
                                                                                        .pid())
                                                        .orElse(false))
                                .filter(
                                        p ->
                                                p.info()
                                                        .commandLine()
                                                        .orElse("")
                                                        .contains(dir.toString()))
                                .filter(ProcessHandle::isAlive)
                                .toList())
                .as("no child server left running")
                .isEmpty();
    }
}
