package dev.archiver.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on loopback that sits between a client and a storage emulator and injects
 * faults: 5xx answers, slow answers, connection resets and truncated bodies (an upload cut off
 * half-way, or an answer cut in half), each at a configurable rate, chosen with a seeded random so
 * that runs can be repeated. It can also hold requests (to simulate a stalled member) or refuse
 * everything (a store that is down).
 *
 * <p>Point the client's endpoint at {@link #endpoint()}. Every response is sent with {@code
 * Connection: close}, so each request travels on its own connection; clients reconnect by
 * themselves.
 *
 * <pre>{@code
 * try (FaultInjectingProxy proxy = FaultInjectingProxy.builder("127.0.0.1", s3Port)
 *         .errorRate(0.2).resetRate(0.05).seed(42).build()) {
 *     // use proxy.endpoint() as the S3 endpoint
 * }
 * }</pre>
 */
public final class FaultInjectingProxy implements Closeable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final javax.net.SocketFactory upstreamSockets;
    private final boolean tls;
    private final ExecutorService pool =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "fault-proxy");
                        t.setDaemon(true);
                        return t;
                    });
    private final Random random;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile double errorRate;
    private volatile double slowRate;
    private volatile double resetRate;
    private volatile double truncateRate;
    private volatile Duration slowDelay;
    private volatile boolean down;
    private volatile Predicate<String> hold = request -> false;
    private final Object holdLock = new Object();

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private FaultInjectingProxy(Builder b) throws IOException {
        this.targetHost = b.targetHost;
        this.targetPort = b.targetPort;
        this.random = new Random(b.seed);
        this.errorRate = b.errorRate;
        this.slowRate = b.slowRate;
        this.resetRate = b.resetRate;
        this.truncateRate = b.truncateRate;
        this.slowDelay = b.slowDelay;
        this.tls = b.serverTls != null;
        this.server =
                tls
                        ? b.serverTls
                                .getServerSocketFactory()
                                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())
                        : new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamSockets =
                tls ? b.upstreamTls.getSocketFactory() : javax.net.SocketFactory.getDefault();
        pool.submit(this::acceptLoop);
    }

    public static Builder builder(String targetHost, int targetPort) {
        return new Builder(targetHost, targetPort);
    }

    /** {@code http://127.0.0.1:<port>}, or {@code https://...} with {@link Builder#tls}. */
    public String endpoint() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Answers every request with 503 while {@code true} (a store that is down). */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** Changes the fault rates while running (e.g. 0 to stop injecting). */
    public void setRates(double errorRate, double slowRate, double resetRate, double truncateRate) {
        this.errorRate = errorRate;
        this.slowRate = slowRate;
        this.resetRate = resetRate;
        this.truncateRate = truncateRate;
    }

    /**
     * Holds every request whose request line ({@code PUT /bucket/key HTTP/1.1}) matches, until
     * {@link #release()}: the request stays in flight, as with a stalled network.
     */
    public void holdMatching(Predicate<String> requestLine) {
        this.hold = requireNonNull(requestLine, "requestLine is null");
    }

    /** Lets held requests through and stops holding new ones. */
    public void release() {
        hold = request -> false;
        synchronized (holdLock) {
            holdLock.notifyAll();
        }
    }

    public long requests() {
        return requests.get();
    }

    /** Faults injected so far, of every kind (refusals while down included). */
    public long faultsInjected() {
        return errors.get() + slow.get() + resets.get() + truncations.get() + refused.get();
    }

    public String stats() {
        return "requests="
                + requests
                + ", 5xx="
                + errors
                + ", slow="
                + slow
                + ", resets="
                + resets
                + ", truncated="
                + truncations
                + ", refused while down="
                + refused;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            try {
                Socket client = server.accept();
                pool.submit(() -> handle(client));
            } catch (IOException e) {
                if (!closed.get()) {
                    continue;
                }
                return;
            }
        }
    }

    private enum Fault {
        NONE,
        ERROR,
        SLOW,
        RESET,
        TRUNCATE
    }

    private Fault draw() {
        double r;
        synchronized (random) {
            r = random.nextDouble();
        }
        if ((r -= errorRate) < 0) {
            return Fault.ERROR;
        }
        if ((r -= slowRate) < 0) {
            return Fault.SLOW;
        }
        if ((r -= resetRate) < 0) {
            return Fault.RESET;
        }
        if ((r -= truncateRate) < 0) {
            return Fault.TRUNCATE;
        }
        return Fault.NONE;
    }

    private void handle(Socket client) {
        try (client) {
            client.setSoTimeout(120_000);
            InputStream in = new java.io.BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            Message request = Message.readHead(in);
            if (request == null) {
                return;
            }
            if (request.expectContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            request.readBody(in, true, false);
            requests.incrementAndGet();
            waitWhileHeld(request.startLine);
            if (down) {
                refused.incrementAndGet();
                respond(out, 503, "Service Unavailable", "store is down (injected)");
                return;
            }
            Fault fault = draw();
            switch (fault) {
                case ERROR -> {
                    errors.incrementAndGet();
                    respond(out, 503, "Slow Down", "injected 503");
                    return;
                }
                case RESET -> {
                    resets.incrementAndGet();
                    client.setSoLinger(true, 0);
                    return; // closing with linger 0 sends a RST
                }
                case SLOW -> {
                    slow.incrementAndGet();
                    Thread.sleep(slowDelay.toMillis());
                }
                default -> {}
            }
            boolean head = request.startLine.startsWith("HEAD ");
            try (Socket upstream = upstreamSockets.createSocket()) {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
                upstream.setSoTimeout(120_000);
                if (fault == Fault.TRUNCATE && request.body.length > 1) {
                    // an upload cut off in the middle: the store sees half the announced body,
                    // then a reset; it must not make anything visible
                    truncations.incrementAndGet();
                    request.writeTruncated(upstream.getOutputStream());
                    upstream.setSoLinger(true, 0);
                    client.setSoLinger(true, 0);
                    return;
                }
                request.write(upstream.getOutputStream(), false);
                InputStream upIn = new java.io.BufferedInputStream(upstream.getInputStream());
                Message response = Message.readHead(upIn);
                while (response != null && response.status() >= 100 && response.status() < 200) {
                    response = Message.readHead(upIn); // interim answers are not passed on
                }
                if (response == null) {
                    return;
                }
                int status = response.status();
                response.readBody(upIn, !head && status != 204 && status != 304, true);
                if (fault == Fault.TRUNCATE && response.body.length > 1) {
                    truncations.incrementAndGet();
                    response.writeTruncated(out);
                    client.setSoLinger(true, 0);
                    return;
                }
                response.write(out, head);
            }
        } catch (IOException e) {
            // the client or the upstream went away: nothing to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitWhileHeld(String requestLine) throws InterruptedException {
        synchronized (holdLock) {
            while (hold.test(requestLine) && !closed.get()) {
                holdLock.wait(200);
            }
        }
    }

    private static void respond(OutputStream out, int status, String reason, String body)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head =
                "HTTP/1.1 "
                        + status
                        + " "
                        + reason
                        + "\r\nContent-Type: text/plain\r\nContent-Length: "
                        + b.length
                        + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            release();
            server.close();
            pool.shutdownNow();
        }
    }

    /** One HTTP message: its head, and its body fully read and de-chunked. */
    private static final class Message {
        final String startLine;
        final java.util.List<String[]> headers = new java.util.ArrayList<>();
        long length = -1;
        boolean chunked;
        boolean expectContinue;
        byte[] body = new byte[0];

        private Message(String startLine) {
            this.startLine = startLine;
        }

        /** Reads the start line and headers; null at end of stream. */
        static Message readHead(InputStream in) throws IOException {
            String start = line(in);
            if (start == null || start.isEmpty()) {
                return null;
            }
            Message m = new Message(start);
            String l;
            while ((l = line(in)) != null && !l.isEmpty()) {
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = l.substring(0, colon).trim();
                String value = l.substring(colon + 1).trim();
                String lower = name.toLowerCase(Locale.ROOT);
                switch (lower) {
                    case "content-length" -> m.length = Long.parseLong(value);
                    case "transfer-encoding" ->
                            m.chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "expect" -> m.expectContinue = value.equalsIgnoreCase("100-continue");
                    case "connection", "keep-alive", "proxy-connection" -> {}
                    default -> m.headers.add(new String[] {name, value});
                }
            }
            return m;
        }

        /** Reads the body; {@code hasBody} is false for answers to HEAD and for 1xx/204/304. */
        void readBody(InputStream in, boolean hasBody, boolean untilClose) throws IOException {
            if (!hasBody) {
                return;
            }
            if (chunked) {
                body = readChunked(in);
            } else if (length >= 0) {
                body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new IOException("truncated body");
                }
            } else if (untilClose) {
                body = in.readAllBytes();
            }
        }

        int status() {
            String[] parts = startLine.split(" ", 3);
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        /**
         * Writes the message with a Content-Length matching the de-chunked body (or the upstream's,
         * for HEAD answers).
         */
        void write(OutputStream out, boolean headAnswer) throws IOException {
            StringBuilder sb = new StringBuilder(startLine).append("\r\n");
            for (String[] h : headers) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            long contentLength = headAnswer ? length : body.length;
            if (contentLength >= 0) {
                sb.append("Content-Length: ").append(contentLength).append("\r\n");
            }
            sb.append("Connection: close\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!headAnswer) {
                out.write(body);
            }
            out.flush();
        }

        void writeTruncated(OutputStream out) throws IOException {
            StringBuilder sb = new StringBuilder(startLine).append("\r\n");
            for (String[] h : headers) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            sb.append("Content-Length: ")
                    .append(body.length)
                    .append("\r\nConnection: close\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, 0, body.length / 2);
            out.flush();
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                if (sizeLine == null) {
                    throw new IOException("truncated chunked body");
                }
                int semi = sizeLine.indexOf(';');
                int size =
                        Integer.parseInt(
                                (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = line(in);
                    } while (trailer != null && !trailer.isEmpty());
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                line(in);
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) c);
            }
            return sb.length() == 0 ? null : sb.toString();
        }
    }

    /** Configures a proxy. */
    public static final class Builder {
        private final String targetHost;
        private final int targetPort;
        private double errorRate;
        private double slowRate;
        private double resetRate;
        private double truncateRate;
        private Duration slowDelay = Duration.ofSeconds(2);
        private long seed = 1;
        private javax.net.ssl.SSLContext serverTls;
        private javax.net.ssl.SSLContext upstreamTls;

        private Builder(String targetHost, int targetPort) {
            this.targetHost = requireNonNull(targetHost, "targetHost is null");
            this.targetPort = targetPort;
        }

        /** Share of requests answered with 503 instead of being forwarded. */
        public Builder errorRate(double rate) {
            this.errorRate = rate;
            return this;
        }

        /** Share of requests delayed by {@link #slowDelay(Duration)} before being forwarded. */
        public Builder slowRate(double rate) {
            this.slowRate = rate;
            return this;
        }

        public Builder slowDelay(Duration delay) {
            this.slowDelay = requireNonNull(delay, "delay is null");
            return this;
        }

        /** Share of requests whose connection is reset before they are forwarded. */
        public Builder resetRate(double rate) {
            this.resetRate = rate;
            return this;
        }

        /**
         * Share of requests cut in half, then reset: a request with a body (an upload) reaches the
         * target with half its announced body; otherwise the response body is cut in half.
         */
        public Builder truncateRate(double rate) {
            this.truncateRate = rate;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Terminates TLS: clients connect with TLS to a certificate of {@code server}'s key
         * managers (the target's own certificate, so that clients trust the proxy as they trust the
         * target), and the proxy reaches the target over TLS with {@code upstream}. The proxy then
         * sees, holds and faults requests as it does over plain HTTP.
         */
        public Builder tls(javax.net.ssl.SSLContext server, javax.net.ssl.SSLContext upstream) {
            this.serverTls = requireNonNull(server, "server is null");
            this.upstreamTls = requireNonNull(upstream, "upstream is null");
            return this;
        }

        public FaultInjectingProxy build() throws IOException {
            return new FaultInjectingProxy(this);
        }
    }
}
