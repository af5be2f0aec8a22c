package dev.archiver;

import dev.archiver.codec.Codec;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.internal.EngineHooks;
import dev.archiver.internal.KeyTemplate;
import dev.archiver.offset.OffsetTrackerProvider;
import dev.archiver.parse.RecordParser;
import dev.archiver.partition.Partitioner;
import dev.archiver.policy.UploadPolicy;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.transform.RecordTransformer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The engine's typed, validated configuration: what to consume, how to turn records into files, and
 * where to put them. Built with {@link #builder()} (programmatic; plug-ins as objects or by name)
 * or {@link #from(Settings)} (flat keys, plug-ins by name). Every invalid value fails in {@link
 * ArchiverConfigBuilder#build()} with a {@link ConfigException} naming the key.
 *
 * <p>Every settings key, its default and its accepted values are listed in docs/configuration.md
 * (the one reference: add a key there when you add it here). {@code SettingsReader} reads them,
 * {@code ConfigChecks} holds the checks that span several keys or ask the store.
 *
 * @since 0.1
 */
public final class ArchiverConfig {
    public static final String DEFAULT_KEY_TEMPLATE =
            "{topic}/{partition_path}/{topic}-{kafka_partition}-{first_offset}{extension}";

    /** Secor's naming: {@code <generation>_<kafkaPartition>_<firstOffset>}. */
    public static final String SECOR_KEY_TEMPLATE =
            "{topic}/{partition_path}/{generation}_{kafka_partition}_{first_offset}{extension}";

    private final Map<String, Object> consumerProperties;
    private final String groupId;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final StorageLocation storageRoot;
    private final ObjectStorage storage;
    private final boolean ownsStorage;
    private final Fencing fencing;
    private final Optional<String> fencingGap;
    private final RecordParser parser;
    private final List<RecordTransformer> transformers;
    private final Partitioner partitioner;
    private final FileFormat format;
    private final Codec codec;
    private final UploadPolicy uploadPolicy;
    private final OffsetTrackerProvider trackerProvider;
    private final Settings trackerSettings;
    private final KeyTemplate keyTemplate;
    private final Path stagingDir;
    private final int consumerThreads;
    private final int uploadThreads;
    private final int maxOpenFiles;
    private final long maxStagedBytes;
    private final ErrorTolerance errorTolerance;
    private final String deadLetterPrefix;
    private final Duration pollTimeout;
    private final Duration retryInitialBackoff;
    private final Duration retryMaxBackoff;
    private final Duration shutdownTimeout;
    private final Clock clock;
    private final ArchiverListener listener;
    private final EngineHooks hooks;

    ArchiverConfig(
            ArchiverConfigBuilder b,
            Map<String, Object> consumerProperties,
            ObjectStorage storage,
            boolean ownsStorage,
            Optional<String> fencingGap) {
        this.consumerProperties = Map.copyOf(consumerProperties);
        this.groupId = (String) consumerProperties.get("group.id");
        this.topics = List.copyOf(b.topics);
        this.topicPattern = b.topicPattern;
        this.storageRoot = b.storageRoot;
        this.storage = storage;
        this.ownsStorage = ownsStorage;
        this.fencing = b.fencing;
        this.fencingGap = fencingGap;
        this.parser = b.parser;
        this.transformers = List.copyOf(b.transformers);
        this.partitioner = b.partitioner;
        this.format = b.format;
        this.codec = b.codec;
        this.uploadPolicy = b.uploadPolicy;
        this.trackerProvider = b.trackerProvider;
        this.trackerSettings = b.trackerSettings;
        this.keyTemplate = b.keyTemplate;
        this.stagingDir = b.stagingDir;
        this.consumerThreads = b.consumerThreads;
        this.uploadThreads = b.uploadThreads;
        this.maxOpenFiles = b.maxOpenFiles;
        this.maxStagedBytes = b.maxStagedBytes;
        this.errorTolerance = b.errorTolerance;
        this.deadLetterPrefix = b.deadLetterPrefix;
        this.pollTimeout = b.pollTimeout;
        this.retryInitialBackoff = b.retryInitialBackoff;
        this.retryMaxBackoff = b.retryMaxBackoff;
        this.shutdownTimeout = b.shutdownTimeout;
        this.clock = b.clock;
        this.listener = b.listener;
        this.hooks = b.hooks;
    }

    public static ArchiverConfigBuilder builder() {
        return new ArchiverConfigBuilder();
    }

    /**
     * Reads a whole configuration from flat settings (see the class documentation for the keys).
     * Keys that nothing reads are rejected, with a suggestion when one is close to a known key.
     *
     * @throws ConfigException naming the key of the first invalid or unknown setting
     */
    public static ArchiverConfig from(Settings settings) {
        return builder().settings(settings).build();
    }

    public Map<String, Object> consumerProperties() {
        return consumerProperties;
    }

    public String groupId() {
        return groupId;
    }

    public List<String> topics() {
        return topics;
    }

    public Pattern topicPattern() {
        return topicPattern;
    }

    public StorageLocation storageRoot() {
        return storageRoot;
    }

    public ObjectStorage storage() {
        return storage;
    }

    /** Whether the engine created the storage (and so closes it). */
    public boolean ownsStorage() {
        return ownsStorage;
    }

    /** Whether the engine may run without fencing ({@code storage.fencing}). */
    public Fencing fencing() {
        return fencing;
    }

    /**
     * Why the store cannot fence uploads under {@link #storageRoot()} ({@link
     * ObjectStorage#fencingGap}); present only with {@link Fencing#UNSAFE_OWNERSHIP_CHECKS_ONLY}.
     */
    public Optional<String> fencingGap() {
        return fencingGap;
    }

    public RecordParser parser() {
        return parser;
    }

    public List<RecordTransformer> transformers() {
        return transformers;
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    public FileFormat format() {
        return format;
    }

    public Codec codec() {
        return codec;
    }

    public UploadPolicy uploadPolicy() {
        return uploadPolicy;
    }

    public OffsetTrackerProvider trackerProvider() {
        return trackerProvider;
    }

    public Settings trackerSettings() {
        return trackerSettings;
    }

    public KeyTemplate keyTemplate() {
        return keyTemplate;
    }

    public Path stagingDir() {
        return stagingDir;
    }

    public int consumerThreads() {
        return consumerThreads;
    }

    public int uploadThreads() {
        return uploadThreads;
    }

    public int maxOpenFiles() {
        return maxOpenFiles;
    }

    public long maxStagedBytes() {
        return maxStagedBytes;
    }

    public ErrorTolerance errorTolerance() {
        return errorTolerance;
    }

    public String deadLetterPrefix() {
        return deadLetterPrefix;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration retryInitialBackoff() {
        return retryInitialBackoff;
    }

    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public Clock clock() {
        return clock;
    }

    public ArchiverListener listener() {
        return listener;
    }

    /** The engine's test seam ({@link ArchiverConfigBuilder#hooks}); not API. */
    public EngineHooks hooks() {
        return hooks;
    }
}
