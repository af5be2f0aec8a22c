package dev.archiver;

import static java.util.Objects.requireNonNull;

import dev.archiver.codec.Codec;
import dev.archiver.codec.CodecProvider;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.internal.KeyTemplate;
import dev.archiver.offset.OffsetTrackerProvider;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.partition.Partitioner;
import dev.archiver.partition.PartitionerProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.policy.UploadPolicy;
import dev.archiver.policy.UploadPolicyProvider;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.transform.RecordTransformer;
import dev.archiver.transform.RecordTransformerProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The engine's typed, validated configuration: what to consume, how to turn records into files, and
 * where to put them. Built with {@link #builder()} (programmatic; plug-ins as objects or by name)
 * or {@link #from(Settings)} (flat keys, plug-ins by name). Every invalid value fails in {@link
 * Builder#build()} with a {@link ConfigException} naming the key.
 *
 * <p>Settings keys and defaults:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><td>{@code kafka.consumer.*}</td><td>passed to the KafkaConsumer; {@code bootstrap.servers} and {@code group.id} required;
 *       {@code enable.auto.commit} must not be true; defaults {@code auto.offset.reset=earliest}, {@code isolation.level=read_committed}
 *       and, with the classic group protocol, {@code partition.assignment.strategy=CooperativeStickyAssignor} (a rebalance then
 *       keeps the staged data of the partitions a member keeps); both group protocols work: with {@code group.protocol=consumer}
 *       (KIP-848) {@code session.timeout.ms}, {@code heartbeat.interval.ms} and {@code partition.assignment.strategy} are rejected
 *       (they are broker-side group settings then)</td></tr>
 *   <tr><td>{@code topics} / {@code topics.pattern}</td><td>a comma list of topics, or a regex (exactly one of them)</td></tr>
 *   <tr><td>{@code storage.uri}</td><td>the archive root, e.g. {@code s3://bucket/prefix} (required); {@code storage.NAME.*} go to the backend</td></tr>
 *   <tr><td>{@code storage.fencing}</td><td>{@code required} (default): refuse to start when the store cannot fence a consumer that lost
 *       its partitions (no conditional writes, e.g. {@code storage.s3.conditional-writes=false}, or no object metadata, e.g. {@code file://}
 *       on a file system without {@code user.*} extended attributes); {@code unsafe-ownership-checks-only}: start anyway, with a warning,
 *       and accept that a zombie's late upload can overwrite committed objects</td></tr>
 *   <tr><td>{@code format}</td><td>{@code jsonl} (default), {@code avro}, {@code text}, {@code parquet} (archiver-parquet), or a plug-in; {@code format.NAME.*}</td></tr>
 *   <tr><td>{@code codec}</td><td>{@code none} (default), {@code gzip}, {@code zstd}, {@code snappy}, {@code lz4}; {@code codec.NAME.*}; with a format that compresses internally ({@code avro}) the format's own compression: {@code avro} takes {@code none}, {@code gzip}, {@code snappy} or {@code zstd} as its block codec; {@code parquet} takes {@code none} only (its pages are compressed with {@code format.parquet.compression})</td></tr>
 *   <tr><td>{@code codec.gzip.level}</td><td>0 to 9, default 6 (the JDK deflater's default); 1 is several times faster and compresses a little less</td></tr>
 *   <tr><td>{@code codec.zstd.level}</td><td>zstd's minimum (negative, fastest) to 22, default 3</td></tr>
 *   <tr><td>{@code parser}</td><td>{@code kafka-timestamp} (default), {@code json}, {@code regex}, {@code offset}; {@code parser.NAME.*}</td></tr>
 *   <tr><td>{@code transforms}</td><td>comma list of transformer names (default none); {@code transform.NAME.*}</td></tr>
 *   <tr><td>{@code partitioner}</td><td>{@code none} (default), {@code time}, {@code field}, {@code offset-range}; {@code partitioner.NAME.*}</td></tr>
 *   <tr><td>{@code upload.policy}</td><td>{@code standard} (default; reads {@code upload.max-file-size}, {@code upload.max-records},
 *       {@code upload.max-file-age}, {@code upload.interval})</td></tr>
 *   <tr><td>{@code upload.threads}</td><td>upload executor threads (default 4)</td></tr>
 *   <tr><td>{@code upload.retry.initial-backoff} / {@code upload.retry.max-backoff}</td><td>1s / 30s</td></tr>
 *   <tr><td>{@code key.template}</td><td>default {@value #DEFAULT_KEY_TEMPLATE}; must contain {@code {kafka_partition}} and {@code {first_offset}},
 *       and {@code {topic}} when {@code topics} lists several topics or {@code topics.pattern} is used</td></tr>
 *   <tr><td>{@code key.generation}</td><td>the {@code {generation}} token, default 1 (Secor's naming)</td></tr>
 *   <tr><td>{@code staging.dir}</td><td>local staging directory, default {@code java.io.tmpdir/kafka-archiver}</td></tr>
 *   <tr><td>{@code staging.max-open-files} / {@code staging.max-bytes}</td><td>1000 / 1GB: reaching either seals the oldest batch</td></tr>
 *   <tr><td>{@code consumer.threads}</td><td>consumer threads (default 1); with {@code kafka.consumer.group.instance.id} set and more than one
 *       thread, each thread joins as {@code <id>-<thread>} (0, 1, ...)</td></tr>
 *   <tr><td>{@code consumer.poll-timeout}</td><td>default 500ms</td></tr>
 *   <tr><td>{@code errors.tolerance}</td><td>{@code dead-letter} (default), {@code skip}, {@code fail}</td></tr>
 *   <tr><td>{@code errors.dead-letter.prefix}</td><td>default {@code _dead-letter}</td></tr>
 *   <tr><td>{@code offsets.tracker}</td><td>{@code kafka} (default) or {@code zookeeper}; {@code offsets.NAME.*}</td></tr>
 *   <tr><td>{@code shutdown.timeout}</td><td>how long {@code close()} waits for in-flight uploads and commits, default 30s</td></tr>
 * </table>
 *
 * @since 0.1
 */
public final class ArchiverConfig {
    public static final String DEFAULT_KEY_TEMPLATE =
            "{topic}/{partition_path}/{topic}-{kafka_partition}-{first_offset}{extension}";

    /** Secor's naming: {@code <generation>_<kafkaPartition>_<firstOffset>}. */
    public static final String SECOR_KEY_TEMPLATE =
            "{topic}/{partition_path}/{generation}_{kafka_partition}_{first_offset}{extension}";

    private static final List<String> KNOWN_KEYS =
            List.of(
                    "topics",
                    "topics.pattern",
                    "storage.uri",
                    "storage.fencing",
                    "format",
                    "codec",
                    "parser",
                    "transforms",
                    "partitioner",
                    "upload.policy",
                    "upload.max-file-size",
                    "upload.max-records",
                    "upload.max-file-age",
                    "upload.interval",
                    "upload.threads",
                    "upload.retry.initial-backoff",
                    "upload.retry.max-backoff",
                    "key.template",
                    "key.generation",
                    "staging.dir",
                    "staging.max-open-files",
                    "staging.max-bytes",
                    "consumer.threads",
                    "consumer.poll-timeout",
                    "errors.tolerance",
                    "errors.dead-letter.prefix",
                    "offsets.tracker",
                    "shutdown.timeout");

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

    private ArchiverConfig(
            Builder b,
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

    public static Builder builder() {
        return new Builder();
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

    public EngineHooks hooks() {
        return hooks;
    }

    /** A builder; every setter validates in {@link #build()}. */
    public static final class Builder {
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private List<String> topics = List.of();
        private Pattern topicPattern;
        private StorageLocation storageRoot;
        private ObjectStorage storage;
        private Settings storageSettings = Settings.empty();
        private Fencing fencing = Fencing.REQUIRED;
        private String fencingKey = "storage.fencing";
        private String keyTemplateKey = "key.template";
        private String topicsKey = "topics";
        private RecordParser parser;
        private List<RecordTransformer> transformers = new ArrayList<>();
        private Partitioner partitioner;
        private FileFormat format;
        private Codec codec;
        private UploadPolicy uploadPolicy;
        private OffsetTrackerProvider trackerProvider;
        private Settings trackerSettings = Settings.empty();
        private KeyTemplate keyTemplate =
                KeyTemplate.parse("key.template", DEFAULT_KEY_TEMPLATE, 1);
        private Path stagingDir = Path.of(System.getProperty("java.io.tmpdir"), "kafka-archiver");
        private int consumerThreads = 1;
        private int uploadThreads = 4;
        private int maxOpenFiles = 1000;
        private long maxStagedBytes = 1L << 30;
        private ErrorTolerance errorTolerance = ErrorTolerance.DEAD_LETTER;
        private String deadLetterPrefix = "_dead-letter";
        private Duration pollTimeout = Duration.ofMillis(500);
        private Duration retryInitialBackoff = Duration.ofSeconds(1);
        private Duration retryMaxBackoff = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private ArchiverListener listener = ArchiverListener.NONE;
        private EngineHooks hooks = EngineHooks.NONE;
        private ClassLoader classLoader = Plugins.defaultClassLoader();
        private Settings settings;

        private Builder() {}

        /** Reads everything the settings hold; explicit setters called afterwards override them. */
        public Builder settings(Settings s) {
            this.settings = requireNonNull(s, "settings is null");
            Settings consumer = s.withPrefix("kafka.consumer.");
            consumerProperties.putAll(consumer.asMap());
            boolean hasTopics = s.contains("topics");
            boolean hasPattern = s.contains("topics.pattern");
            if (hasTopics == hasPattern) {
                throw new ConfigException("Exactly one of topics and topics.pattern must be set");
            }
            if (hasTopics) {
                topics = s.getList("topics", List.of());
                if (topics.isEmpty()) {
                    throw new ConfigException(
                            "Invalid value for topics: at least one topic is required");
                }
            } else {
                topicPattern(
                        s.getString("topics.pattern").orElseThrow(), s.fullKey("topics.pattern"));
            }
            storageRoot = location(s.requireString("storage.uri"), s.fullKey("storage.uri"));
            storageSettings = s;
            fencingKey = s.fullKey("storage.fencing");
            fencing = s.getEnum("storage.fencing", Fencing.class, fencing);
            format = plugin(FileFormatProvider.class, s, "format", "format.", "jsonl");
            codec = plugin(CodecProvider.class, s, "codec", "codec.", "none");
            parser = plugin(RecordParserProvider.class, s, "parser", "parser.", "kafka-timestamp");
            partitioner =
                    plugin(PartitionerProvider.class, s, "partitioner", "partitioner.", "none");
            String policyName = s.getString("upload.policy", "standard");
            uploadPolicy =
                    Plugins.find(
                                    UploadPolicyProvider.class,
                                    policyName,
                                    s.fullKey("upload.policy"),
                                    classLoader)
                            .create(s.withPrefix("upload."));
            transformers = new ArrayList<>();
            for (String name : s.getList("transforms", List.of())) {
                transformers.add(
                        Plugins.find(
                                        RecordTransformerProvider.class,
                                        name,
                                        s.fullKey("transforms"),
                                        classLoader)
                                .create(s.withPrefix("transform." + name + ".")));
            }
            String trackerName = s.getString("offsets.tracker", "kafka");
            trackerProvider = tracker(trackerName, s.fullKey("offsets.tracker"));
            trackerSettings = s.withPrefix("offsets." + trackerName + ".");
            // Trackers are created per consumer thread, after this check; they validate their own
            // keys then, so the unknown-key check here must not reject them.
            trackerSettings.asMap();
            keyTemplateKey = s.fullKey("key.template");
            topicsKey = s.fullKey(hasTopics ? "topics" : "topics.pattern");
            keyTemplate =
                    KeyTemplate.parse(
                            s.fullKey("key.template"),
                            s.getString("key.template", DEFAULT_KEY_TEMPLATE),
                            s.getInt("key.generation", 1));
            stagingDir = Path.of(s.getString("staging.dir", stagingDir.toString()));
            maxOpenFiles = s.getInt("staging.max-open-files", maxOpenFiles);
            maxStagedBytes = s.getDataSize("staging.max-bytes", maxStagedBytes);
            consumerThreads = s.getInt("consumer.threads", consumerThreads);
            uploadThreads = s.getInt("upload.threads", uploadThreads);
            pollTimeout = s.getDuration("consumer.poll-timeout", pollTimeout);
            retryInitialBackoff =
                    s.getDuration("upload.retry.initial-backoff", retryInitialBackoff);
            retryMaxBackoff = s.getDuration("upload.retry.max-backoff", retryMaxBackoff);
            errorTolerance = s.getEnum("errors.tolerance", ErrorTolerance.class, errorTolerance);
            deadLetterPrefix = s.getString("errors.dead-letter.prefix", deadLetterPrefix);
            shutdownTimeout = s.getDuration("shutdown.timeout", shutdownTimeout);
            return this;
        }

        private <T, P extends dev.archiver.plugin.PluginProvider<T>> T plugin(
                Class<P> type, Settings s, String key, String prefix, String def) {
            String name = s.getString(key, def);
            return Plugins.find(type, name, s.fullKey(key), classLoader)
                    .create(s.withPrefix(prefix + name.trim() + "."));
        }

        private OffsetTrackerProvider tracker(String name, String key) {
            List<String> names = new ArrayList<>();
            for (OffsetTrackerProvider p :
                    ServiceLoader.load(OffsetTrackerProvider.class, classLoader)) {
                if (p.name().equalsIgnoreCase(name.trim())) {
                    return p;
                }
                names.add(p.name());
            }
            throw new ConfigException(
                    "Unknown value '"
                            + name
                            + "' for "
                            + key
                            + ": accepted values are "
                            + String.join(", ", names));
        }

        private static StorageLocation location(String uri, String key) {
            try {
                return StorageLocation.of(uri);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Invalid value for " + key + ": " + e.getMessage(), e);
            }
        }

        private void topicPattern(String regex, String key) {
            try {
                topicPattern = Pattern.compile(regex);
                topics = List.of();
            } catch (PatternSyntaxException e) {
                throw new ConfigException(
                        "Invalid regular expression for " + key + ": " + e.getDescription());
            }
        }

        /**
         * The class loader plug-ins are looked up in (default: the thread context class loader).
         */
        public Builder classLoader(ClassLoader cl) {
            this.classLoader = requireNonNull(cl, "classLoader is null");
            return this;
        }

        public Builder bootstrapServers(String servers) {
            consumerProperties.put("bootstrap.servers", requireNonNull(servers, "servers is null"));
            return this;
        }

        public Builder groupId(String groupId) {
            consumerProperties.put("group.id", requireNonNull(groupId, "groupId is null"));
            return this;
        }

        /**
         * Any KafkaConsumer property; {@code enable.auto.commit=true} is rejected by {@link
         * #build()}.
         */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(
                    requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder topics(String... topics) {
            this.topics = List.of(topics);
            this.topicPattern = null;
            this.topicsKey = "topics";
            return this;
        }

        public Builder topicPattern(Pattern pattern) {
            this.topicPattern = requireNonNull(pattern, "pattern is null");
            this.topics = List.of();
            this.topicsKey = "topics.pattern";
            return this;
        }

        /**
         * The archive root as a URI; the storage is created through ServiceLoader from its scheme.
         */
        public Builder storage(String uri) {
            this.storageRoot = location(requireNonNull(uri, "uri is null"), "storage.uri");
            this.storage = null;
            return this;
        }

        /**
         * A ready-made storage (owned by the caller, not closed by the engine) and the archive root
         * in it.
         */
        public Builder storage(ObjectStorage storage, StorageLocation root) {
            this.storage = requireNonNull(storage, "storage is null");
            this.storageRoot = requireNonNull(root, "root is null");
            return this;
        }

        /**
         * Whether the engine may start on a store that cannot fence uploads (default {@link
         * Fencing#REQUIRED}).
         */
        public Builder fencing(Fencing fencing) {
            this.fencing = requireNonNull(fencing, "fencing is null");
            return this;
        }

        public Builder parser(RecordParser parser) {
            this.parser = requireNonNull(parser, "parser is null");
            return this;
        }

        public Builder parser(String name) {
            this.parser =
                    Plugins.find(RecordParserProvider.class, name, "parser", classLoader)
                            .create(Settings.empty());
            return this;
        }

        public Builder addTransformer(RecordTransformer transformer) {
            transformers.add(requireNonNull(transformer, "transformer is null"));
            return this;
        }

        public Builder partitioner(Partitioner partitioner) {
            this.partitioner = requireNonNull(partitioner, "partitioner is null");
            return this;
        }

        /**
         * A built-in or plug-in partitioner by name, with its settings (keys without the {@code
         * partitioner.NAME.} prefix).
         */
        public Builder partitioner(String name, Map<String, String> settings) {
            this.partitioner =
                    Plugins.find(PartitionerProvider.class, name, "partitioner", classLoader)
                            .create(
                                    Settings.of(prefixed("partitioner." + name + ".", settings))
                                            .withPrefix("partitioner." + name + "."));
            return this;
        }

        public Builder format(FileFormat format) {
            this.format = requireNonNull(format, "format is null");
            return this;
        }

        public Builder format(String name) {
            this.format =
                    Plugins.find(FileFormatProvider.class, name, "format", classLoader)
                            .create(Settings.empty());
            return this;
        }

        public Builder codec(Codec codec) {
            this.codec = requireNonNull(codec, "codec is null");
            return this;
        }

        public Builder codec(String name) {
            this.codec =
                    Plugins.find(CodecProvider.class, name, "codec", classLoader)
                            .create(Settings.empty());
            return this;
        }

        public Builder uploadPolicy(UploadPolicy policy) {
            this.uploadPolicy = requireNonNull(policy, "policy is null");
            return this;
        }

        /**
         * The offset tracker by name ({@code kafka}, {@code zookeeper}) with its settings (keys
         * without {@code offsets.NAME.}).
         */
        public Builder offsetTracker(String name, Map<String, String> settings) {
            this.trackerProvider = tracker(name, "offsets.tracker");
            this.trackerSettings =
                    Settings.of(prefixed("offsets." + name + ".", settings))
                            .withPrefix("offsets." + name + ".");
            return this;
        }

        /** A key template such as {@value ArchiverConfig#DEFAULT_KEY_TEMPLATE}. */
        public Builder keyTemplate(String template) {
            this.keyTemplate =
                    KeyTemplate.parse("key.template", template, keyTemplate.generation());
            this.keyTemplateKey = "key.template";
            return this;
        }

        public Builder stagingDir(Path dir) {
            this.stagingDir = requireNonNull(dir, "dir is null");
            return this;
        }

        public Builder consumerThreads(int n) {
            this.consumerThreads = n;
            return this;
        }

        public Builder uploadThreads(int n) {
            this.uploadThreads = n;
            return this;
        }

        public Builder maxOpenFiles(int n) {
            this.maxOpenFiles = n;
            return this;
        }

        public Builder maxStagedBytes(long n) {
            this.maxStagedBytes = n;
            return this;
        }

        public Builder errorTolerance(ErrorTolerance tolerance) {
            this.errorTolerance = requireNonNull(tolerance, "tolerance is null");
            return this;
        }

        public Builder pollTimeout(Duration d) {
            this.pollTimeout = requireNonNull(d, "pollTimeout is null");
            return this;
        }

        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = requireNonNull(initial, "initial is null");
            this.retryMaxBackoff = requireNonNull(max, "max is null");
            return this;
        }

        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = requireNonNull(d, "shutdownTimeout is null");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public Builder listener(ArchiverListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** Fault injection for tests; see {@link EngineHooks}. */
        public Builder hooks(EngineHooks hooks) {
            this.hooks = requireNonNull(hooks, "hooks is null");
            return this;
        }

        private static Map<String, String> prefixed(String prefix, Map<String, String> m) {
            Map<String, String> out = new HashMap<>();
            m.forEach((k, v) -> out.put(prefix + k, v));
            return out;
        }

        /**
         * Validates and freezes the configuration; creates the storage from its URI when none was
         * given.
         *
         * @throws ConfigException naming the key of the first problem
         */
        public ArchiverConfig build() {
            Map<String, Object> props = new LinkedHashMap<>(consumerProperties);
            if (props.get("bootstrap.servers") == null
                    || props.get("bootstrap.servers").toString().isBlank()) {
                throw new ConfigException(
                        "Missing required setting kafka.consumer.bootstrap.servers");
            }
            if (props.get("group.id") == null || props.get("group.id").toString().isBlank()) {
                throw new ConfigException("Missing required setting kafka.consumer.group.id");
            }
            props.put("group.id", props.get("group.id").toString());
            Object autoCommit = props.get("enable.auto.commit");
            if (autoCommit != null && !autoCommit.toString().trim().equalsIgnoreCase("false")) {
                throw new ConfigException(
                        "Invalid value '"
                                + autoCommit
                                + "' for kafka.consumer.enable.auto.commit: "
                                + "the archiver commits offsets itself after uploads; accepted value is false (or leave it unset)");
            }
            for (String forbidden : List.of("key.deserializer", "value.deserializer")) {
                if (props.containsKey(forbidden)) {
                    throw new ConfigException(
                            "Setting kafka.consumer."
                                    + forbidden
                                    + " is not allowed: the archiver reads raw bytes");
                }
            }
            checkConsumerProtocol(props);
            props.put("enable.auto.commit", "false");
            props.putIfAbsent("auto.offset.reset", "earliest");
            props.putIfAbsent("isolation.level", "read_committed");
            Object protocol = props.get("group.protocol");
            if (protocol == null || protocol.toString().trim().equalsIgnoreCase("classic")) {
                // an eager rebalance revokes every partition and throws away all unsealed data
                props.putIfAbsent(
                        "partition.assignment.strategy",
                        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
            }
            if (topics.isEmpty() && topicPattern == null) {
                throw new ConfigException("Missing required setting topics (or topics.pattern)");
            }
            if (storageRoot == null) {
                throw new ConfigException("Missing required setting storage.uri");
            }
            checkKeysAreUniqueAcrossTopics();
            if (format == null) {
                format =
                        Plugins.find(FileFormatProvider.class, "jsonl", "format", classLoader)
                                .create(Settings.empty());
            }
            if (codec == null) {
                codec =
                        Plugins.find(CodecProvider.class, "none", "codec", classLoader)
                                .create(Settings.empty());
            }
            if (format.compressesInternally()) {
                format = format.withCodec(codec);
                codec =
                        Plugins.find(CodecProvider.class, "none", "codec", classLoader)
                                .create(Settings.empty());
            }
            if (parser == null) {
                parser =
                        Plugins.find(
                                        RecordParserProvider.class,
                                        "kafka-timestamp",
                                        "parser",
                                        classLoader)
                                .create(Settings.empty());
            }
            if (partitioner == null) {
                partitioner =
                        Plugins.find(PartitionerProvider.class, "none", "partitioner", classLoader)
                                .create(Settings.empty());
            }
            if (uploadPolicy == null) {
                uploadPolicy =
                        Plugins.find(
                                        UploadPolicyProvider.class,
                                        "standard",
                                        "upload.policy",
                                        classLoader)
                                .create(Settings.empty());
            }
            if (trackerProvider == null) {
                trackerProvider = tracker("kafka", "offsets.tracker");
            }
            positive("consumer.threads", consumerThreads);
            positive("upload.threads", uploadThreads);
            positive("staging.max-open-files", maxOpenFiles);
            positive("staging.max-bytes", maxStagedBytes);
            positive("consumer.poll-timeout", pollTimeout.toMillis());
            positive("upload.retry.initial-backoff", retryInitialBackoff.toMillis());
            if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
                throw new ConfigException(
                        "Invalid value for upload.retry.max-backoff: must be at least upload.retry.initial-backoff ("
                                + Settings.formatDuration(retryInitialBackoff)
                                + ")");
            }
            if (deadLetterPrefix.isBlank() || deadLetterPrefix.startsWith("/")) {
                throw new ConfigException(
                        "Invalid value '"
                                + deadLetterPrefix
                                + "' for errors.dead-letter.prefix: expected a relative path");
            }
            ObjectStorage store = storage;
            boolean owns = false;
            if (store == null) {
                store = StorageProviders.load(classLoader).create(storageRoot, storageSettings);
                owns = true;
            }
            if (settings != null) {
                var unknown = settings.unusedKeys();
                if (!unknown.isEmpty()) {
                    if (owns) {
                        try {
                            store.close();
                        } catch (java.io.IOException ignored) {
                            // the configuration is rejected anyway
                        }
                    }
                    throw new ConfigException(
                            "Unknown setting"
                                    + (unknown.size() > 1 ? "s " : " ")
                                    + String.join(", ", unknown)
                                    + dev.archiver.config.KeySuggestions.suggest(
                                            unknown.iterator().next(), KNOWN_KEYS));
                }
            }
            Optional<String> gap;
            try {
                gap = checkFencing(store);
            } catch (ConfigException e) {
                if (owns) {
                    closeQuietly(store);
                }
                throw e;
            }
            return new ArchiverConfig(this, props, store, owns, gap);
        }

        /**
         * Under KIP-848's consumer protocol the session timeout and heartbeat interval are group
         * settings on the broker and the assignor runs there; the client refuses these keys, and
         * only when the consumer is created, long after the configuration was accepted.
         */
        private static void checkConsumerProtocol(Map<String, Object> props) {
            Object protocol = props.get("group.protocol");
            if (protocol == null || !protocol.toString().trim().equalsIgnoreCase("consumer")) {
                return;
            }
            for (String key :
                    List.of(
                            "session.timeout.ms",
                            "heartbeat.interval.ms",
                            "partition.assignment.strategy")) {
                if (props.containsKey(key)) {
                    throw new ConfigException(
                            "Setting kafka.consumer."
                                    + key
                                    + " is not allowed with kafka.consumer.group.protocol=consumer"
                                    + " (KIP-848): "
                                    + (key.equals("partition.assignment.strategy")
                                            ? "the broker assigns partitions (choose its assignor"
                                                    + " with kafka.consumer.group.remote.assignor)"
                                            : "it is a group setting on the broker (group.consumer."
                                                    + key
                                                    + ")")
                                    + "; remove it, or use group.protocol=classic");
                }
            }
        }

        /**
         * Without {@code {topic}} in the template, two topics' files of the same Kafka partition,
         * output partition and first offset get the same key, and one overwrites the other.
         */
        private void checkKeysAreUniqueAcrossTopics() {
            if (keyTemplate.containsTopic() || (topicPattern == null && topics.size() <= 1)) {
                return;
            }
            throw new ConfigException(
                    "Invalid value '"
                            + keyTemplate
                            + "' for "
                            + keyTemplateKey
                            + ": the template has no {topic}, but "
                            + (topicPattern != null
                                    ? topicsKey
                                            + " '"
                                            + topicPattern.pattern()
                                            + "' can match several topics"
                                    : topicsKey
                                            + " lists several topics ("
                                            + String.join(", ", topics)
                                            + ")")
                            + ", so objects of one topic would overwrite another topic's objects"
                            + " with the same Kafka partition and first offset. Add {topic} to "
                            + keyTemplateKey
                            + " (as the default "
                            + DEFAULT_KEY_TEMPLATE
                            + " does), or run one job per topic with its own storage.uri");
        }

        private Optional<String> checkFencing(ObjectStorage store) {
            Optional<String> gap;
            try {
                gap = store.fencingGap(storageRoot);
                if (gap.isEmpty()) {
                    gap = Fencing.replayGap(store, format, codec);
                }
            } catch (java.io.IOException | RuntimeException e) {
                throw new ConfigException(
                        "Cannot check whether uploads to "
                                + storageRoot
                                + " can be fenced (docs/design.md, invariant 5): "
                                + e.getMessage(),
                        e);
            }
            if (gap.isEmpty()) {
                return gap;
            }
            if (fencing == Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY) {
                return gap;
            }
            throw new ConfigException(
                    "Uploads to "
                            + storageRoot
                            + " cannot be fenced: "
                            + gap.get()
                            + ". A consumer that lost its partitions (a zombie after a rebalance,"
                            + " a long pause or a network split) could then overwrite objects that"
                            + " the partition's new owner has already committed, so records could be"
                            + " lost or archived twice. Fix the store, or accept that risk with "
                            + fencingKey
                            + "=unsafe-ownership-checks-only (accepted values: required,"
                            + " unsafe-ownership-checks-only)");
        }

        private static void closeQuietly(ObjectStorage store) {
            try {
                store.close();
            } catch (java.io.IOException ignored) {
                // the configuration is rejected anyway
            }
        }

        private static void positive(String key, long value) {
            if (value <= 0) {
                throw new ConfigException(
                        "Invalid value " + value + " for " + key + ": must be positive");
            }
        }
    }
}
