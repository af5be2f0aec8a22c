package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every job of a {@link DaemonConfig} until asked to stop, with metrics and health on HTTP and
 * JMX. A stop closes every engine in parallel (each stops polling, finishes its in-flight uploads
 * and commits) within {@code shutdown.timeout}.
 */
final class ArchiverDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiverDaemon.class);

    private final DaemonConfig config;
    private final ArchiverMetrics metrics;
    private final Map<String, Archiver> engines = new LinkedHashMap<>();
    private MetricsServer server;

    ArchiverDaemon(DaemonConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.metrics =
                new ArchiverMetrics(
                        config.metricsTags(), config.jmxEnabled(), config.lagInterval());
    }

    /** Validates every job, then starts the metrics server and the engines. */
    void start() {
        log.info("Configuration (secrets redacted):");
        config.redacted().forEach((k, v) -> log.info("  {} = {}", k, v));
        List<ArchiverConfig> built = new ArrayList<>();
        try {
            for (DaemonConfig.Job job : config.jobs()) {
                built.add(config.build(job, metrics.listenerFor(job.name())));
            }
        } catch (RuntimeException e) {
            built.forEach(ArchiverDaemon::closeStorage);
            throw e;
        }
        for (int i = 0; i < built.size(); i++) {
            String name = config.jobs().get(i).name();
            Archiver a = Archiver.create(built.get(i));
            engines.put(name, a);
            metrics.bind(name, a, built.get(i).consumerProperties());
        }
        if (config.metricsPort() > 0) {
            server =
                    MetricsServer.start(config.metricsBindAddress(), config.metricsPort(), metrics);
            log.info(
                    "Metrics on http://{}:{}/metrics, health on /health/live and /health/ready",
                    config.metricsBindAddress(),
                    server.port());
        }
        engines.forEach(
                (name, a) -> {
                    log.info("Starting job {}", name);
                    a.start();
                });
    }

    Optional<MetricsServer> server() {
        return Optional.ofNullable(server);
    }

    ArchiverMetrics metrics() {
        return metrics;
    }

    Map<String, Archiver> engines() {
        return engines;
    }

    /** The first job that failed and its error, if any. */
    Optional<Map.Entry<String, Throwable>> failure() {
        for (var e : engines.entrySet()) {
            if (e.getValue().failure().isPresent()) {
                return Optional.of(Map.entry(e.getKey(), e.getValue().failure().get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Stops every engine in parallel; returns whether all of them stopped within {@code
     * shutdown.timeout}.
     */
    boolean stop() {
        Duration timeout = config.shutdownTimeout();
        log.info("Stopping {} job(s) within {}", engines.size(), timeout);
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        Math.max(1, engines.size()),
                        r -> {
                            Thread t = new Thread(r, "archiver-stop");
                            t.setDaemon(true);
                            return t;
                        });
        List<Future<?>> stops = new ArrayList<>();
        engines.forEach((name, a) -> stops.add(pool.submit(a::close)));
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        try {
            for (Future<?> f : stops) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    clean = false;
                } catch (java.util.concurrent.ExecutionException e) {
                    log.warn("Stopping a job failed: {}", e.getCause().toString());
                    clean = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        } finally {
            pool.shutdownNow();
        }
        log.info(clean ? "All jobs stopped" : "Some jobs did not stop within {}", timeout);
        return clean;
    }

    @Override
    public void close() {
        engines.values().forEach(Archiver::close);
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private static void closeStorage(ArchiverConfig c) {
        if (c.ownsStorage()) {
            try {
                c.storage().close();
            } catch (java.io.IOException ignored) {
                // startup failed anyway
            }
        }
    }
}
