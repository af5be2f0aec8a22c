package dev.archiver.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the S3 server that answers the first {@code n} connections itself with an
 * S3 error and pipes every later connection through unchanged (so SigV4 signatures, which cover the
 * Host header, stay valid). Each refused connection is closed after the error, so each counts as
 * one failed attempt of one request.
 */
final class FaultInjectingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger failuresLeft;
    private final int status;
    private final String code;
    private final Thread acceptor;

    FaultInjectingProxy(int targetPort, int failures, int status, String code) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.failuresLeft = new AtomicInteger(failures);
        this.status = status;
        this.code = code;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            if (failuresLeft.getAndDecrement() > 0) {
                readHeaders(client.getInputStream());
                String body =
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                                + code
                                + "</Code><Message>injected by the test proxy</Message></Error>";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(
                        ("HTTP/1.1 "
                                        + status
                                        + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                                        + bytes.length
                                        + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                return;
            }
            try (Socket target = new Socket()) {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                Thread upstream = new Thread(() -> pipe(client, target), "fault-proxy-up");
                upstream.setDaemon(true);
                upstream.start();
                pipe(target, client);
                upstream.join();
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server closed the connection
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            seen.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
