package dev.archiver;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.Settings;
import dev.archiver.internal.ConsumerWorker;
import dev.archiver.internal.EngineStats;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiving engine: consumes topics with one or more consumer threads in one consumer group and
 * writes them into object storage, exactly once (see docs/design.md for the invariants).
 *
 * <pre>{@code
 * try (Archiver archiver = Archiver.builder()
 *         .bootstrapServers("localhost:9092")
 *         .groupId("archiver")
 *         .topics("events")
 *         .storage("file:///var/archive")
 *         .format("jsonl")
 *         .codec("zstd")
 *         .build()) {
 *     archiver.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Shutdown order</b> ({@link #close()}): stop polling → let in-flight uploads finish and
 * commit them, within {@code shutdown.timeout} → discard open (unsealed) files, which the next
 * owner replays → close the consumers (leaving the group) → stop the upload threads → close the
 * storage if the engine created it. {@code close()} is idempotent.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class Archiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);

    private final ArchiverConfig config;
    private final EngineStats stats = new EngineStats();
    private final List<ConsumerWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Path instanceDir;
    private ExecutorService uploads;
    private FileChannel lockChannel;
    private FileLock instanceLock;

    private Archiver(ArchiverConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.instanceDir =
                config.stagingDir()
                        .resolve(safe(config.groupId()))
                        .resolve(UUID.randomUUID().toString());
        config.fencingGap()
                .ifPresent(
                        gap ->
                                log.warn(
                                        "Running UNFENCED (storage.fencing=unsafe-ownership-checks-only):"
                                                + " uploads to {} cannot be fenced: {}. A consumer that lost"
                                                + " its partitions can overwrite objects the new owner has"
                                                + " committed; exactly-once is not guaranteed across rebalances.",
                                        config.storageRoot(),
                                        gap));
    }

    /** An engine for a validated configuration; nothing starts until {@link #start()}. */
    public static Archiver create(ArchiverConfig config) {
        return new Archiver(config);
    }

    /** An engine configured from flat settings; see {@link ArchiverConfig} for the keys. */
    public static Archiver fromSettings(Settings settings) {
        return new Archiver(ArchiverConfig.from(settings));
    }

    public static Builder builder() {
        return new Builder();
    }

    public ArchiverConfig config() {
        return config;
    }

    /**
     * Starts the consumer threads. Cleans staging directories left by engines of the same group
     * that are no longer running (after a crash).
     *
     * @throws IllegalStateException when already started or closed
     * @throws UncheckedIOException when the staging directory cannot be prepared
     */
    public synchronized void start() {
        if (closed.get()) {
            throw new IllegalStateException("Archiver is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Archiver already started");
        }
        try {
            prepareStaging();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot prepare the staging directory " + instanceDir, e);
        }
        AtomicInteger uploadThread = new AtomicInteger();
        uploads =
                Executors.newFixedThreadPool(
                        config.uploadThreads(),
                        daemon(
                                () ->
                                        "archiver-upload-"
                                                + safe(config.groupId())
                                                + "-"
                                                + uploadThread.incrementAndGet()));
        for (int i = 0; i < config.consumerThreads(); i++) {
            String name = "archiver-" + safe(config.groupId()) + "-" + i;
            ConsumerWorker w =
                    new ConsumerWorker(
                            config, config.storage(), uploads, stats, instanceDir, name, i);
            workers.add(w);
            Thread t = new Thread(w, name);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        log.info(
                "Archiver started: group {}, topics {}, storage {}, format {}{}, {} consumer thread(s)",
                config.groupId(),
                config.topicPattern() != null ? config.topicPattern() : config.topics(),
                config.storageRoot(),
                config.format().name(),
                config.codec().extension(),
                config.consumerThreads());
    }

    private void prepareStaging() throws IOException {
        Path groupDir = instanceDir.getParent();
        Files.createDirectories(groupDir);
        try (var siblings = Files.list(groupDir)) {
            for (Path sibling : siblings.toList()) {
                if (Files.isDirectory(sibling) && !isLive(sibling)) {
                    log.info("Removing staging data of a stopped engine: {}", sibling);
                    deleteRecursively(sibling);
                }
            }
        }
        Files.createDirectories(instanceDir);
        lockChannel =
                FileChannel.open(
                        instanceDir.resolve(".lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        instanceLock = lockChannel.tryLock();
    }

    private static boolean isLive(Path dir) {
        Path lock = dir.resolve(".lock");
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by another engine in this JVM
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether every consumer thread is running. */
    public boolean isRunning() {
        return started.get() && !closed.get() && threads.stream().allMatch(Thread::isAlive);
    }

    /** The error that stopped a consumer thread, if any. */
    public Optional<Throwable> failure() {
        return workers.stream().map(ConsumerWorker::failure).filter(f -> f != null).findFirst();
    }

    /**
     * Waits until every consumer thread has stopped (after {@link #close()} or a failure).
     *
     * @return whether they stopped within the timeout
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** A snapshot of the engine's counters and gauges. */
    public ArchiverStats stats() {
        long staged = 0;
        int open = 0;
        Instant oldest = null;
        Map<TopicPartitionId, Long> positions = new HashMap<>();
        for (ConsumerWorker w : workers) {
            staged += w.stagedBytes();
            open += w.openFiles();
            Optional<Instant> o = w.oldestStaged();
            if (o.isPresent() && (oldest == null || o.get().isBefore(oldest))) {
                oldest = o.get();
            }
            positions.putAll(w.positions());
        }
        return new ArchiverStats(
                stats.recordsConsumed.get(),
                stats.bytesConsumed.get(),
                stats.recordsArchived.get(),
                stats.objectsUploaded.get(),
                stats.bytesUploaded.get(),
                stats.uploadFailures.get(),
                stats.deadLettered.get(),
                stats.skipped.get(),
                stats.filtered.get(),
                stats.commits.get(),
                stats.rebalances.get(),
                stats.stagingFailures.get(),
                stats.offsetsSkippedByKafka.get(),
                staged,
                open,
                Optional.ofNullable(oldest),
                Map.copyOf(positions));
    }

    /** Stops the engine in the documented order; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        workers.forEach(ConsumerWorker::stop);
        Duration joinTimeout = config.shutdownTimeout().plusSeconds(30);
        try {
            if (!awaitTermination(joinTimeout)) {
                log.warn(
                        "Consumer threads did not stop within {}",
                        dev.archiver.config.Settings.formatDuration(joinTimeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (uploads != null) {
            uploads.shutdownNow();
            try {
                uploads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean crashed = workers.stream().anyMatch(ConsumerWorker::crashed);
        try {
            if (instanceLock != null) {
                instanceLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("Releasing the staging lock failed: {}", e.toString());
        }
        if (!crashed && started.get()) {
            deleteRecursively(
                    instanceDir); // a crashed engine leaves its staging behind, as a killed process
            // would
        }
        if (config.ownsStorage()) {
            try {
                config.storage().close();
            } catch (IOException e) {
                log.warn("Closing the storage failed: {}", e.toString());
            }
        }
        log.info("Archiver stopped: {}", stats());
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort
                                }
                            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    /**
     * Builds an {@link Archiver}: the same setters as {@link ArchiverConfigBuilder}, plus {@link
     * #build()} returning the engine.
     */
    public static final class Builder {
        private final ArchiverConfigBuilder config = ArchiverConfig.builder();

        private Builder() {}

        /** The underlying configuration builder, for the less common settings. */
        public ArchiverConfigBuilder config() {
            return config;
        }

        public Builder settings(Settings settings) {
            config.settings(settings);
            return this;
        }

        public Builder bootstrapServers(String servers) {
            config.bootstrapServers(servers);
            return this;
        }

        public Builder groupId(String groupId) {
            config.groupId(groupId);
            return this;
        }

        public Builder consumerProperty(String key, Object value) {
            config.consumerProperty(key, value);
            return this;
        }

        public Builder topics(String... topics) {
            config.topics(topics);
            return this;
        }

        public Builder storage(String uri) {
            config.storage(uri);
            return this;
        }

        public Builder storage(
                dev.archiver.storage.ObjectStorage storage,
                dev.archiver.storage.StorageLocation root) {
            config.storage(storage, root);
            return this;
        }

        public Builder format(String name) {
            config.format(name);
            return this;
        }

        public Builder codec(String name) {
            config.codec(name);
            return this;
        }

        public Builder parser(dev.archiver.parse.RecordParser parser) {
            config.parser(parser);
            return this;
        }

        public Builder partitioner(dev.archiver.partition.Partitioner partitioner) {
            config.partitioner(partitioner);
            return this;
        }

        public Builder partitioner(String name, Map<String, String> settings) {
            config.partitioner(name, settings);
            return this;
        }

        public Builder addTransformer(dev.archiver.transform.RecordTransformer transformer) {
            config.addTransformer(transformer);
            return this;
        }

        public Builder uploadPolicy(dev.archiver.policy.UploadPolicy policy) {
            config.uploadPolicy(policy);
            return this;
        }

        public Builder stagingDir(Path dir) {
            config.stagingDir(dir);
            return this;
        }

        public Builder listener(ArchiverListener listener) {
            config.listener(listener);
            return this;
        }

        public Archiver build() {
            return new Archiver(config.build());
        }
    }
}
