package dev.archiver.examples.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready} (200 or 503
 * with a small JSON body) on the JDK's HTTP server.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static MetricsServer start(String bindAddress, int port, ArchiverMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot serve metrics on " + bindAddress + ":" + port + ": " + e.getMessage(),
                    e);
        }
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "archiver-metrics-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext(
                "/metrics",
                ex ->
                        respond(
                                ex,
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                metrics.scrape()));
        server.createContext("/health/live", ex -> health(ex, metrics.live(), metrics.jobStates()));
        server.createContext(
                "/health/ready", ex -> health(ex, metrics.ready(), metrics.jobStates()));
        server.start();
        return new MetricsServer(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange ex, boolean ok, Map<String, String> jobs)
            throws IOException {
        StringBuilder body = new StringBuilder("{\"status\":\"").append(ok ? "UP" : "DOWN");
        body.append("\",\"jobs\":{");
        boolean first = true;
        for (var e : jobs.entrySet()) {
            body.append(first ? "" : ",")
                    .append('"')
                    .append(e.getKey())
                    .append("\":\"")
                    .append(e.getValue())
                    .append('"');
            first = false;
        }
        body.append("}}\n");
        respond(ex, ok ? 200 : 503, "application/json", body.toString());
    }

    private static void respond(HttpExchange ex, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
