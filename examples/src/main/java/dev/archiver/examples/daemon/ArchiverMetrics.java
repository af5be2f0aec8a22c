package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import dev.archiver.Archiver;
import dev.archiver.ArchiverListener;
import dev.archiver.ArchiverStats;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.StorageLocation;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Micrometer metrics: an {@link ArchiverListener} per job for events (records and
 * bytes consumed, uploads, their latency and size, failures, dead letters, rebalances), gauges over
 * {@link Archiver#stats()} (staged bytes, open files, age of the oldest staged record, records
 * archived) and the consumer lag per partition (end offsets from an Admin client against the
 * engine's positions). Published as Prometheus text and, optionally, over JMX. Every meter carries
 * a {@code job} tag.
 */
final class ArchiverMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiverMetrics.class);

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JmxMeterRegistry jmx;
    private final Duration lagInterval;
    private final Duration storageFailingAfter;

    /** How long uploads must fail without a success before readiness reports the store. */
    static final Duration STORAGE_FAILING_AFTER = Duration.ofSeconds(30);

    private final Map<String, Archiver> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobListener> listeners = new ConcurrentHashMap<>();
    private final Map<String, TopicWatch> topicWatches = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    // Micrometer holds gauge state weakly: these keep it alive as long as the metrics are
    private final List<Object> gaugeState = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;

    ArchiverMetrics(Map<String, String> commonTags) {
        this(commonTags, false, Duration.ofSeconds(10));
    }

    ArchiverMetrics(Map<String, String> commonTags, boolean jmxEnabled, Duration lagInterval) {
        this(commonTags, jmxEnabled, lagInterval, STORAGE_FAILING_AFTER);
    }

    ArchiverMetrics(
            Map<String, String> commonTags,
            boolean jmxEnabled,
            Duration lagInterval,
            Duration storageFailingAfter) {
        this.storageFailingAfter =
                requireNonNull(storageFailingAfter, "storageFailingAfter is null");
        this.lagInterval = requireNonNull(lagInterval, "lagInterval is null");
        registry.add(prometheus);
        if (jmxEnabled) {
            jmx =
                    new JmxMeterRegistry(
                            new JmxConfig() {
                                @Override
                                public String get(String key) {
                                    return null;
                                }

                                @Override
                                public String domain() {
                                    return "kafka.archiver";
                                }
                            },
                            Clock.SYSTEM);
            registry.add(jmx);
        } else {
            jmx = null;
        }
        commonTags.forEach((k, v) -> registry.config().commonTags(k, v));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        poller =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "archiver-metrics-lag");
                            t.setDaemon(true);
                            return t;
                        });
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return prometheus.scrape();
    }

    /** The listener to give job {@code job}'s engine; counts its events. */
    ArchiverListener listenerFor(String job) {
        JobListener listener = new JobListener(registry, job, storageFailingAfter);
        listeners.put(job, listener);
        return listener;
    }

    /**
     * Registers the gauges over a started or about-to-start engine, and polls its lag with an Admin
     * client made from its consumer properties.
     */
    void bind(String job, Archiver archiver, Map<String, Object> consumerProperties) {
        jobs.put(job, archiver);
        Tags tags = Tags.of("job", job);
        CachedStats stats = new CachedStats(archiver);
        gaugeState.add(stats);
        gaugeState.add(archiver);
        gauge(
                "archiver.staged.bytes",
                tags,
                stats,
                s -> s.stagedBytes(),
                "bytes",
                "Bytes in open staging files");
        gauge("archiver.open.files", tags, stats, s -> s.openFiles(), null, "Open staging files");
        gauge(
                "archiver.staged.oldest.age",
                tags,
                stats,
                s ->
                        s.oldestStaged()
                                .map(
                                        t ->
                                                Math.max(
                                                                0,
                                                                Duration.between(t, Instant.now())
                                                                        .toMillis())
                                                        / 1000.0)
                                .orElse(0.0),
                "seconds",
                "Age of the oldest open staging file (0 when nothing is staged)");
        gauge(
                "archiver.assigned.partitions",
                tags,
                stats,
                s -> s.positions().size(),
                null,
                "Partitions assigned to the job");
        functionCounter(
                "archiver.records.archived",
                tags,
                stats,
                s -> s.recordsArchived(),
                "Records in committed batches");
        functionCounter(
                "archiver.bytes.archived",
                tags,
                stats,
                s -> s.bytesUploaded(),
                "Bytes of uploaded objects");
        Gauge.builder("archiver.up", archiver, a -> a.isRunning() ? 1 : 0)
                .tags(tags)
                .description("1 while every consumer thread of the job runs")
                .register(registry);
        MultiGauge lag =
                MultiGauge.builder("archiver.consumer.lag")
                        .tags(tags)
                        .baseUnit("records")
                        .description("Records between the job's position and the partition's end")
                        .register(registry);
        MultiGauge lagSeconds =
                MultiGauge.builder("archiver.consumer.lag.seconds")
                        .tags(tags)
                        .baseUnit("seconds")
                        .description(
                                "Age of the first record the job has not consumed yet (0 when"
                                        + " it is at the partition's end)")
                        .register(registry);
        KafkaAdmin admin = KafkaAdmin.create(consumerProperties);
        closeables.add(admin);
        LagProbe probe = LagProbe.create(consumerProperties, job, probeTimeout());
        closeables.add(probe);
        poller.scheduleWithFixedDelay(
                () -> pollLag(job, archiver, admin, probe, lag, lagSeconds),
                0,
                lagInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        List<String> topics = archiver.config().topics();
        if (!topics.isEmpty()) {
            TopicWatch watch =
                    new TopicWatch(
                            job,
                            topics,
                            admin,
                            String.valueOf(consumerProperties.get("bootstrap.servers")));
            // at once, so that a missing topic is the first thing the user reads
            watch.check();
            topicWatches.put(job, watch);
            Gauge.builder("archiver.topics.missing", watch, w -> w.missing().size())
                    .tags(tags)
                    .description("Configured topics that do not exist on the Kafka cluster")
                    .register(registry);
            poller.scheduleWithFixedDelay(
                    watch::check,
                    lagInterval.toMillis(),
                    lagInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** How long one lag measurement may wait for the records it reads: within the interval. */
    private Duration probeTimeout() {
        long ms = Math.max(1_000, Math.min(10_000, lagInterval.toMillis() / 2));
        return Duration.ofMillis(ms);
    }

    private void pollLag(
            String job,
            Archiver archiver,
            KafkaAdmin admin,
            LagProbe probe,
            MultiGauge lag,
            MultiGauge lagSeconds) {
        try {
            Map<TopicPartitionId, Long> positions = archiver.stats().positions();
            Map<TopicPartition, Long> byPartition = new HashMap<>();
            positions.forEach(
                    (p, pos) -> byPartition.put(new TopicPartition(p.topic(), p.partition()), pos));
            Map<TopicPartition, Long> end = admin.endOffsets(byPartition.keySet());
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            byPartition.forEach(
                    (tp, pos) -> {
                        Long e = end.get(tp);
                        if (e != null) {
                            rows.add(
                                    MultiGauge.Row.of(
                                            partitionTags(tp.topic(), tp.partition()),
                                            Math.max(0, e - pos)));
                        }
                    });
            lag.register(rows, true);
            List<MultiGauge.Row<?>> seconds = new ArrayList<>();
            probe.measure(byPartition, end, Instant.now())
                    .forEach(
                            (tp, age) ->
                                    seconds.add(
                                            MultiGauge.Row.of(
                                                    partitionTags(tp.topic(), tp.partition()),
                                                    age)));
            lagSeconds.register(seconds, true);
        } catch (RuntimeException e) {
            log.debug("Lag of job {} not measured: {}", job, e.toString());
        }
    }

    private static Tags partitionTags(String topic, int partition) {
        return Tags.of(Tag.of("topic", topic), Tag.of("partition", Integer.toString(partition)));
    }

    private <T> void gauge(
            String name,
            Tags tags,
            CachedStats stats,
            ToDoubleFunction<ArchiverStats> f,
            String unit,
            String description) {
        Gauge.builder(name, stats, s -> f.applyAsDouble(s.get()))
                .tags(tags)
                .baseUnit(unit)
                .description(description)
                .register(registry);
    }

    private void functionCounter(
            String name,
            Tags tags,
            CachedStats stats,
            ToDoubleFunction<ArchiverStats> f,
            String description) {
        FunctionCounter.builder(name, stats, s -> f.applyAsDouble(s.get()))
                .tags(tags)
                .description(description)
                .register(registry);
    }

    /** Whether no job has failed. */
    boolean live() {
        return jobs.values().stream().allMatch(a -> a.failure().isEmpty());
    }

    /**
     * Whether every job runs, none has seen its uploads fail without a success for {@code
     * storageFailingAfter} ({@link #STORAGE_FAILING_AFTER} in the daemon), and none has nothing to
     * archive (every configured topic missing).
     */
    boolean ready() {
        return !jobs.isEmpty()
                && jobs.values().stream().allMatch(Archiver::isRunning)
                && jobs.keySet().stream().noneMatch(this::storageFailing)
                && topicWatches.values().stream().noneMatch(TopicWatch::nothingToArchive);
    }

    private boolean nothingToArchive(String job) {
        TopicWatch w = topicWatches.get(job);
        return w != null && w.nothingToArchive();
    }

    private boolean storageFailing(String job) {
        JobListener l = listeners.get(job);
        return l != null && l.failing() && l.failingFor().compareTo(storageFailingAfter) >= 0;
    }

    /**
     * Per job: UP, DOWN (stopped), FAILED, STORAGE_FAILING (running, but every upload has failed
     * for {@code storageFailingAfter}; it is retried until the store is back), or NO_TOPIC (none of
     * its configured topics exists on the cluster).
     */
    Map<String, String> jobStates() {
        Map<String, String> states = new java.util.TreeMap<>();
        jobs.forEach(
                (name, a) ->
                        states.put(
                                name,
                                a.failure().isPresent()
                                        ? "FAILED"
                                        : !a.isRunning()
                                                ? "DOWN"
                                                : storageFailing(name)
                                                        ? "STORAGE_FAILING"
                                                        : nothingToArchive(name)
                                                                ? "NO_TOPIC"
                                                                : "UP"));
        return states;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            // the lag probe's consumer must not be closed while the poller still uses it
            poller.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("Closing {} failed: {}", c, e.toString());
            }
        }
        registry.close();
        prometheus.close();
        if (jmx != null) {
            jmx.close();
        }
    }

    /** Stats read at most once a second, so a scrape of many gauges costs one snapshot. */
    private static final class CachedStats {
        private final Archiver archiver;
        private ArchiverStats last;
        private long at;

        CachedStats(Archiver archiver) {
            this.archiver = archiver;
        }

        synchronized ArchiverStats get() {
            long now = System.nanoTime();
            if (last == null || now - at > 1_000_000_000L) {
                last = archiver.stats();
                at = now;
            }
            return last;
        }
    }

    private static final class JobListener implements ArchiverListener {
        /**
         * When uploads started failing without a success since (System.nanoTime); 0: they do not.
         */
        private final java.util.concurrent.atomic.AtomicLong failingSince =
                new java.util.concurrent.atomic.AtomicLong();

        /** Whether the current run of failures has been reported at ERROR. */
        private final AtomicBoolean reported = new AtomicBoolean();

        private final java.util.concurrent.atomic.AtomicLong failures =
                new java.util.concurrent.atomic.AtomicLong();
        private final MeterRegistry registry;
        private final String job;
        private final Duration storageFailingAfter;
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();
        private final Timer uploadLatency;
        private final DistributionSummary fileSize;
        private final Counter rebalances;

        JobListener(MeterRegistry registry, String job, Duration storageFailingAfter) {
            this.registry = registry;
            this.job = job;
            this.storageFailingAfter = storageFailingAfter;
            this.uploadLatency =
                    Timer.builder("archiver.upload.latency")
                            .tag("job", job)
                            .description("Time to upload one object (successful attempts)")
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(1))
                            .maximumExpectedValue(Duration.ofMinutes(5))
                            .register(registry);
            this.fileSize =
                    DistributionSummary.builder("archiver.file.size")
                            .tag("job", job)
                            .baseUnit("bytes")
                            .description("Size of uploaded objects")
                            .publishPercentileHistogram()
                            .minimumExpectedValue(1024.0)
                            .maximumExpectedValue(4.0 * 1024 * 1024 * 1024)
                            .register(registry);
            this.rebalances =
                    Counter.builder("archiver.rebalances")
                            .tag("job", job)
                            .description("Partition assignments and revocations")
                            .register(registry);
            // created up front so that dashboards and alerts see 0 rather than no series
            counter("archiver.upload.failures", "none", "Failed upload attempts (each is retried)");
            counter("archiver.dead.letters", "none", "Records written to the dead-letter prefix");
        }

        private Counter counter(String name, String topic, String description) {
            return counters.computeIfAbsent(
                    name + '\0' + topic,
                    k ->
                            Counter.builder(name)
                                    .tag("job", job)
                                    .tag("topic", topic)
                                    .description(description)
                                    .register(registry));
        }

        @Override
        public void recordsConsumed(TopicPartitionId partition, int records, long bytes) {
            counter("archiver.records.consumed", partition.topic(), "Records taken from Kafka")
                    .increment(records);
            counter("archiver.bytes.consumed", partition.topic(), "Payload bytes taken from Kafka")
                    .increment(bytes);
        }

        @Override
        public void deadLettered(TopicPartitionId partition, long offset, String error) {
            counter(
                            "archiver.dead.letters",
                            partition.topic(),
                            "Records written to the dead-letter prefix")
                    .increment();
        }

        @Override
        public void skipped(TopicPartitionId partition, long offset, boolean byTransformer) {
            counter(
                            byTransformer ? "archiver.records.dropped" : "archiver.records.skipped",
                            partition.topic(),
                            byTransformer
                                    ? "Records dropped by transformers"
                                    : "Bad records skipped (errors.tolerance=skip)")
                    .increment();
        }

        @Override
        public void objectUploaded(
                TopicPartitionId partition,
                StorageLocation location,
                long records,
                long bytes,
                Duration latency) {
            failingSince.set(0);
            long failed = failures.getAndSet(0);
            if (reported.getAndSet(false)) {
                log.info("Job '{}': uploads succeed again, after {} failed attempts", job, failed);
            }
            counter("archiver.files.uploaded", partition.topic(), "Objects uploaded").increment();
            uploadLatency.record(latency);
            fileSize.record(bytes);
        }

        @Override
        public void uploadFailed(
                TopicPartitionId partition,
                StorageLocation location,
                Throwable error,
                int attempt,
                Duration backoff) {
            failingSince.compareAndSet(0, System.nanoTime() | 1);
            long failed = failures.incrementAndGet();
            // once per run of failures, what the store answered: the engine's per-attempt
            // warnings repeat for as long as the store refuses
            if (failingFor().compareTo(storageFailingAfter) >= 0
                    && reported.compareAndSet(false, true)) {
                log.error(
                        "Job '{}': every upload has failed for {} ({} attempts, no success);"
                                + " readiness reports STORAGE_FAILING and uploads are retried"
                                + " until the store accepts them. The store's last answer: {}",
                        job,
                        failingFor().withNanos(0),
                        failed,
                        error.getMessage());
            }
            counter(
                            "archiver.upload.failures",
                            partition.topic(),
                            "Failed upload attempts (each is retried)")
                    .increment();
        }

        boolean failing() {
            return failingSince.get() != 0;
        }

        Duration failingFor() {
            long since = failingSince.get();
            return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
        }

        @Override
        public void committed(TopicPartitionId partition, long nextOffset) {
            counter("archiver.commits", partition.topic(), "Offset commits").increment();
        }

        @Override
        public void rebalanced(
                Collection<TopicPartitionId> assigned, Collection<TopicPartitionId> revoked) {
            rebalances.increment();
        }
    }
}
