package dev.archiver.offset.zookeeper;

import dev.archiver.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/** One in-JVM ZooKeeper server per test JVM, started on first use. */
final class SharedZooKeeper {
    private static TestingServer server;
    private static boolean running;

    private SharedZooKeeper() {}

    static synchronized TestingServer server() {
        if (server == null) {
            try {
                server = new TestingServer(true);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the test ZooKeeper server", e);
            }
            running = true;
            TestingServer s = server;
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            s.close();
                                        } catch (IOException e) {
                                            // the JVM is exiting
                                        }
                                    }));
        }
        return server;
    }

    static String connect() {
        return server().getConnectString();
    }

    static synchronized void stop() {
        try {
            server().stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        running = false;
    }

    /** Restarts a stopped server on the same port with the same data (and sessions). */
    static synchronized void ensureRunning() {
        if (!running) {
            try {
                server().restart();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot restart the test ZooKeeper server", e);
            }
            running = true;
        }
    }

    /** A started raw Curator client, as Secor would use; the caller closes it. */
    static CuratorFramework rawClient() {
        CuratorFramework client =
                CuratorFrameworkFactory.newClient(connect(), new RetryOneTime(100));
        client.start();
        return client;
    }

    /** A group id nobody else in this JVM uses, so that tests share the server but not nodes. */
    static String uniqueGroup() {
        return "group-" + UUID.randomUUID();
    }

    /** Settings of a tracker under {@code offsets.zookeeper.}, with quick timeouts for tests. */
    static Settings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("offsets.tracker", "zookeeper");
        values.put("offsets.zookeeper.connect", connect());
        values.put("offsets.zookeeper.connection-timeout", "2s");
        values.put("offsets.zookeeper.session-timeout", "30s");
        values.put("offsets.zookeeper.retry.base-sleep", "100ms");
        values.put("offsets.zookeeper.retry.max-retries", "1");
        values.put("offsets.zookeeper.lock-timeout", "30s");
        for (Map.Entry<String, String> e : extra.entrySet()) {
            values.put("offsets.zookeeper." + e.getKey(), e.getValue());
        }
        return Settings.of(values).withPrefix("offsets.zookeeper.");
    }
}
