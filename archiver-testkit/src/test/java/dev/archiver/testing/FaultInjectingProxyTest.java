package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultInjectingProxyTest {
    private static HttpServer upstream;
    private static final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    switch (exchange.getRequestMethod()) {
                        case "PUT" -> {
                            objects.put(path, exchange.getRequestBody().readAllBytes());
                            exchange.sendResponseHeaders(201, -1);
                        }
                        case "GET", "HEAD" -> {
                            byte[] body = objects.get(path);
                            if (body == null) {
                                exchange.sendResponseHeaders(404, -1);
                            } else if (exchange.getRequestMethod().equals("HEAD")) {
                                exchange.getResponseHeaders()
                                        .add("Content-Length", Integer.toString(body.length));
                                exchange.sendResponseHeaders(200, -1);
                            } else {
                                exchange.sendResponseHeaders(200, body.length);
                                exchange.getResponseBody().write(body);
                            }
                        }
                        default -> exchange.sendResponseHeaders(405, -1);
                    }
                    exchange.close();
                });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    private FaultInjectingProxy.Builder proxy() {
        return FaultInjectingProxy.builder("127.0.0.1", upstream.getAddress().getPort());
    }

    private HttpResponse<byte[]> put(FaultInjectingProxy p, String path, byte[] body)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(p.endpoint() + path))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(FaultInjectingProxy p, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(p.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void forwardsRequestsUnchangedWithoutFaults() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(1).nextBytes(body);
        try (FaultInjectingProxy p = proxy().build()) {
            assertThat(put(p, "/a/b", body).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> got = get(p, "/a/b");
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(body);
            HttpResponse<Void> head =
                    http.send(
                            HttpRequest.newBuilder(URI.create(p.endpoint() + "/a/b"))
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValueAsLong("content-length")).hasValue(body.length);
            assertThat(get(p, "/missing").statusCode()).isEqualTo(404);
            assertThat(p.requests()).isEqualTo(4);
            assertThat(p.faultsInjected()).isZero();
        }
    }

    @Test
    void injectsServerErrors() throws Exception {
        try (FaultInjectingProxy p = proxy().errorRate(1.0).build()) {
            HttpResponse<byte[]> r = put(p, "/never", new byte[] {1});
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(objects).doesNotContainKey("/never");
            assertThat(p.faultsInjected()).isEqualTo(1);
        }
    }

    @Test
    void injectsResetsAndTruncatedBodies() throws Exception {
        objects.put("/t", new byte[100_000]);
        try (FaultInjectingProxy p = proxy().resetRate(1.0).build()) {
            assertThatThrownBy(() -> get(p, "/t")).isInstanceOf(IOException.class);
        }
        try (FaultInjectingProxy p = proxy().truncateRate(1.0).build()) {
            assertThatThrownBy(() -> get(p, "/t")).isInstanceOf(IOException.class);
            assertThat(p.stats()).contains("truncated=1");
        }
    }

    @Test
    void truncatedUploadReachesTheTargetHalfWayAndIsNotStored() throws Exception {
        try (FaultInjectingProxy p = proxy().truncateRate(1.0).build()) {
            assertThatThrownBy(() -> put(p, "/cut", new byte[100_000]))
                    .isInstanceOf(IOException.class);
            assertThat(p.stats()).contains("truncated=1");
            assertThat(objects).doesNotContainKey("/cut");
        }
    }

    @Test
    void ratesAreSeededAndRoughlyRespected() throws Exception {
        try (FaultInjectingProxy p = proxy().errorRate(0.3).seed(7).build()) {
            int failures = 0;
            for (int i = 0; i < 100; i++) {
                if (put(p, "/r" + i, new byte[] {1}).statusCode() == 503) {
                    failures++;
                }
            }
            assertThat(failures).isBetween(15, 45);
            assertThat(p.faultsInjected()).isEqualTo(failures);
        }
    }

    @Test
    void downRefusesAndHeldRequestsWaitForRelease() throws Exception {
        try (FaultInjectingProxy p = proxy().build()) {
            p.setDown(true);
            assertThat(put(p, "/down", new byte[] {1}).statusCode()).isEqualTo(503);
            p.setDown(false);
            p.holdMatching(line -> line.startsWith("PUT /held"));
            CompletableFuture<HttpResponse<byte[]>> held =
                    http.sendAsync(
                            HttpRequest.newBuilder(URI.create(p.endpoint() + "/held"))
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {2}))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertThat(put(p, "/other", new byte[] {3}).statusCode()).isEqualTo(201);
            Thread.sleep(300);
            assertThat(held).isNotDone();
            assertThat(objects).doesNotContainKey("/held");
            p.release();
            assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
            assertThat(objects).containsKey("/held");
        }
    }

    @Test
    void slowAnswersAreDelayed() throws Exception {
        try (FaultInjectingProxy p =
                proxy().slowRate(1.0).slowDelay(Duration.ofMillis(300)).build()) {
            assertThat(put(p, "/slow", new byte[] {1}).statusCode()).isEqualTo(201);
            assertThat(p.stats()).contains("slow=1");
        }
    }
}
