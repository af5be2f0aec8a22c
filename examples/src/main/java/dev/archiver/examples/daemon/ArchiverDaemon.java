package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.verify.ArchiveVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every job of a {@link DaemonConfig} until asked to stop, with metrics and health on HTTP and
 * JMX. A stop closes every engine in parallel (each stops polling, finishes its in-flight uploads
 * and commits) within {@code shutdown.timeout}.
 */
final class ArchiverDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiverDaemon.class);

    /**
     * Where under each job's root the startup check writes and deletes its probe: in the prefix the
     * verifier skips, so that a probe left behind by a crash is not taken for archive data.
     */
    static final String PROBE_PREFIX = ArchiveVerifier.RESERVED_PREFIX + "startup-probe-";

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
            for (int i = 0; i < built.size(); i++) {
                checkStore(config.jobs().get(i).name(), built.get(i));
                checkKafka(config.jobs().get(i).name(), built.get(i));
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

    /**
     * A missing bucket or container and rejected credentials are configuration errors: the store
     * must answer a listing of the job's root (the engine needs to list and stat anyway), and then
     * accept a small probe object written with the options real uploads use (see {@link
     * #probeWrites}). Without this check the engine would retry its first upload forever. A store
     * that cannot be reached is only warned about: the engine retries until it is back, as during
     * any outage. Local stores are not checked.
     */
    private void checkStore(String job, ArchiverConfig c) {
        StorageLocation root = c.storageRoot();
        if (root.scheme().equals("file") || root.scheme().equals("memory")) {
            return; // no bucket, no credentials; and a local listing walks the whole tree
        }
        try (Stream<ObjectInfo> objects = c.storage().list(root)) {
            objects.findFirst();
        } catch (IOException | UncheckedIOException e) {
            IOException cause =
                    e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            if (cause instanceof StorageException se && !se.retryable()) {
                throw new CliException(
                        config.redactValues(
                                jobPrefix(job) + "cannot use " + root + ": " + se.getMessage()));
            }
            warnUnreachable(job, root, cause);
            return;
        }
        probeWrites(job, c);
    }

    private void warnUnreachable(String job, StorageLocation root, IOException cause) {
        log.warn(
                "{}the store {} cannot be reached ({}); starting anyway, uploads are retried",
                jobPrefix(job),
                root,
                config.redactValues(String.valueOf(cause.getMessage())));
    }

    /**
     * Writes a small probe object under the job's root with the options real uploads use (the
     * store's checksum, encryption and tags, create-only where the store has conditional writes),
     * checks that a second create-only write is refused and that a replacement on the ETag is
     * accepted, then deletes it. A store that refuses the probe would refuse every upload: the
     * daemon ends with one line naming the store, the request and its answer. What the store does
     * with conditional writes is logged, since zombie fencing relies on it (docs/design.md,
     * invariant 5).
     */
    private void probeWrites(String job, ArchiverConfig c) {
        StorageLocation root = c.storageRoot();
        ObjectStorage storage = c.storage();
        StorageLocation probe =
                root.resolve(PROBE_PREFIX + UUID.randomUUID().toString().substring(0, 8));
        boolean conditional = storage.supportsConditionalWrites();
        UploadOptions create =
                UploadOptions.defaults()
                        .withMetadata(Map.of("archiver-probe", "startup"))
                        .withPrecondition(
                                conditional
                                        ? UploadOptions.Precondition.ifNoneMatch()
                                        : UploadOptions.Precondition.none());
        Path file = null;
        try {
            Files.createDirectories(c.stagingDir());
            file = Files.createTempFile(c.stagingDir(), "startup-probe-", ".txt");
            Files.writeString(file, "kafka-archiver startup probe\n");
            try {
                storage.upload(file, probe, create);
            } catch (PreconditionFailedException e) {
                // the key is new: a retry of our own write whose first answer was lost
            } catch (StorageException e) {
                if (e.retryable()) {
                    warnUnreachable(job, root, e);
                    return;
                }
                throw new CliException(
                        config.redactValues(
                                jobPrefix(job)
                                        + "the store "
                                        + root
                                        + " refused a test upload with the options every upload"
                                        + " uses: "
                                        + e.getMessage()));
            }
            String fencing = conditional ? conditionalWrites(storage, file, probe, create) : null;
            log.info(
                    "{}the store {} accepted a test upload; conditional writes: {}",
                    jobPrefix(job),
                    root,
                    fencing == null
                            ? "off (conditional-writes=false): fencing relies on ownership checks"
                            : fencing);
        } catch (IOException e) {
            warnUnreachable(job, root, e);
        } finally {
            deleteProbe(job, storage, probe, file);
        }
    }

    /** What the store does with If-None-Match and If-Match, as one phrase for the log. */
    private String conditionalWrites(
            ObjectStorage storage, Path file, StorageLocation probe, UploadOptions create) {
        String createOnly;
        try {
            storage.upload(file, probe, create);
            createOnly =
                    "create-only NOT enforced (a second create-only write replaced the object)";
            log.warn(
                    "The store {} does not enforce create-only writes: a zombie's late upload"
                            + " can overwrite the new owner's object; turn conditional writes off"
                            + " for this store to make that explicit",
                    probe);
        } catch (PreconditionFailedException expected) {
            createOnly = "create-only enforced";
        } catch (IOException | RuntimeException e) {
            return "not checked (" + config.redactValues(String.valueOf(e.getMessage())) + ")";
        }
        String replace;
        try {
            Optional<String> etag = storage.stat(probe).flatMap(ObjectInfo::etag);
            if (etag.isEmpty()) {
                replace = "replace-if-match unavailable (no ETag)";
            } else {
                storage.upload(
                        file,
                        probe,
                        create.withPrecondition(UploadOptions.Precondition.ifMatch(etag.get())));
                replace = "replace-if-match accepted";
            }
        } catch (PreconditionFailedException e) {
            replace = "replace-if-match refused its own ETag";
        } catch (IOException | RuntimeException e) {
            replace =
                    "replace-if-match not checked ("
                            + config.redactValues(String.valueOf(e.getMessage()))
                            + ")";
        }
        return createOnly + ", " + replace;
    }

    private void deleteProbe(String job, ObjectStorage storage, StorageLocation probe, Path file) {
        try {
            storage.delete(probe);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "{}could not delete the startup probe {} ({}); delete it by hand",
                    jobPrefix(job),
                    probe,
                    config.redactValues(String.valueOf(e.getMessage())));
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file in the staging directory
            }
        }
    }

    /**
     * The Kafka cluster must answer within the consumer's {@code default.api.timeout.ms} (60 s by
     * default); otherwise the daemon exits 1 with one line instead of logging connection warnings
     * forever. Once running, a broker outage is the Kafka client's to ride out.
     */
    private void checkKafka(String job, ArchiverConfig c) {
        Map<String, Object> props = c.consumerProperties();
        Object configured = props.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        int timeoutMs = 60_000;
        try {
            timeoutMs =
                    configured == null ? timeoutMs : Integer.parseInt(configured.toString().trim());
        } catch (NumberFormatException e) {
            // the admin client below reports the bad value
        }
        Object servers = props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        KafkaAdmin client;
        try {
            client = KafkaAdmin.create(props);
        } catch (org.apache.kafka.common.KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new CliException(
                    config.redactValues(
                            jobPrefix(job)
                                    + "invalid Kafka client settings (kafka.consumer.*): "
                                    + root.getMessage()));
        }
        try (KafkaAdmin admin = client) {
            admin.admin()
                    .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes()
                    .get(timeoutMs + 10_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.AuthenticationException
                    || cause instanceof org.apache.kafka.common.errors.AuthorizationException) {
                throw new CliException(
                        jobPrefix(job)
                                + "the Kafka cluster at "
                                + servers
                                + " refused the client: "
                                + config.redactValues(String.valueOf(cause.getMessage())));
            }
            throw new CliException(
                    jobPrefix(job)
                            + "cannot reach the Kafka cluster at "
                            + servers
                            + " within "
                            + Settings.formatDuration(Duration.ofMillis(timeoutMs))
                            + " (kafka.consumer.bootstrap.servers; the wait is"
                            + " kafka.consumer.default.api.timeout.ms): "
                            + cause.getMessage(),
                    1);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CliException(
                    jobPrefix(job)
                            + "cannot reach the Kafka cluster at "
                            + servers
                            + " within "
                            + Settings.formatDuration(Duration.ofMillis(timeoutMs)),
                    1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while checking the Kafka cluster", 1);
        }
    }

    private String jobPrefix(String job) {
        return config.jobs().size() > 1 ? "Job '" + job + "': " : "";
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
        log.info("Stopping {} job(s) within {}", engines.size(), Settings.formatDuration(timeout));
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
        if (clean) {
            log.info("All jobs stopped");
        } else {
            // the daemon exits 1 after this: uncommitted records are replayed on the next start
            log.error(
                    "Some jobs did not stop within shutdown.timeout ({}); exiting with code 1",
                    Settings.formatDuration(timeout));
        }
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
