package dev.archiver;

import static java.util.Objects.requireNonNull;

import dev.archiver.codec.Codec;
import dev.archiver.codec.CodecProvider;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.internal.EngineHooks;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds an {@link ArchiverConfig}; made by {@link ArchiverConfig#builder()}. Setters only store;
 * every value is validated in {@link #build()}. (Before 0.2 this was the nested class {@code
 * ArchiverConfig.Builder}; code that chains the calls compiles unchanged.)
 *
 * @since 0.2
 */
public final class ArchiverConfigBuilder {
    // package-private: SettingsReader and ConfigChecks fill and read them
    final Map<String, Object> consumerProperties = new LinkedHashMap<>();
    List<String> topics = List.of();
    Pattern topicPattern;
    StorageLocation storageRoot;
    ObjectStorage storage;
    Settings storageSettings = Settings.empty();
    Fencing fencing = Fencing.REQUIRED;
    String fencingKey = "storage.fencing";
    String keyTemplateKey = "key.template";
    String topicsKey = "topics";
    RecordParser parser;
    List<RecordTransformer> transformers = new ArrayList<>();
    Partitioner partitioner;
    FileFormat format;
    Codec codec;
    UploadPolicy uploadPolicy;
    OffsetTrackerProvider trackerProvider;
    Settings trackerSettings = Settings.empty();
    KeyTemplate keyTemplate =
            KeyTemplate.parse("key.template", ArchiverConfig.DEFAULT_KEY_TEMPLATE, 1);
    Path stagingDir = Path.of(System.getProperty("java.io.tmpdir"), "kafka-archiver");
    int consumerThreads = 1;
    int uploadThreads = 4;
    int maxOpenFiles = 1000;
    long maxStagedBytes = 1L << 30;
    ErrorTolerance errorTolerance = ErrorTolerance.DEAD_LETTER;
    String deadLetterPrefix = "_dead-letter";
    Duration pollTimeout = Duration.ofMillis(500);
    Duration retryInitialBackoff = Duration.ofSeconds(1);
    Duration retryMaxBackoff = Duration.ofSeconds(30);
    Duration shutdownTimeout = Duration.ofSeconds(30);
    Clock clock = Clock.systemUTC();
    ArchiverListener listener = ArchiverListener.NONE;
    EngineHooks hooks = EngineHooks.NONE;
    ClassLoader classLoader = Plugins.defaultClassLoader();
    Settings settings;

    ArchiverConfigBuilder() {}

    /** Reads everything the settings hold; explicit setters called afterwards override them. */
    public ArchiverConfigBuilder settings(Settings s) {
        this.settings = requireNonNull(s, "settings is null");
        SettingsReader.read(s, this);
        return this;
    }

    /** The class loader plug-ins are looked up in (default: the thread context class loader). */
    public ArchiverConfigBuilder classLoader(ClassLoader cl) {
        this.classLoader = requireNonNull(cl, "classLoader is null");
        return this;
    }

    public ArchiverConfigBuilder bootstrapServers(String servers) {
        consumerProperties.put("bootstrap.servers", requireNonNull(servers, "servers is null"));
        return this;
    }

    public ArchiverConfigBuilder groupId(String groupId) {
        consumerProperties.put("group.id", requireNonNull(groupId, "groupId is null"));
        return this;
    }

    /**
     * Any KafkaConsumer property; {@code enable.auto.commit=true} is rejected by {@link #build()}.
     */
    public ArchiverConfigBuilder consumerProperty(String key, Object value) {
        consumerProperties.put(
                requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    public ArchiverConfigBuilder topics(String... topics) {
        this.topics = List.of(topics);
        this.topicPattern = null;
        this.topicsKey = "topics";
        return this;
    }

    public ArchiverConfigBuilder topicPattern(Pattern pattern) {
        this.topicPattern = requireNonNull(pattern, "pattern is null");
        this.topics = List.of();
        this.topicsKey = "topics.pattern";
        return this;
    }

    /** The archive root as a URI; the storage is created through ServiceLoader from its scheme. */
    public ArchiverConfigBuilder storage(String uri) {
        this.storageRoot =
                SettingsReader.location(requireNonNull(uri, "uri is null"), "storage.uri");
        this.storage = null;
        return this;
    }

    /**
     * A ready-made storage (owned by the caller, not closed by the engine) and the archive root in
     * it.
     */
    public ArchiverConfigBuilder storage(ObjectStorage storage, StorageLocation root) {
        this.storage = requireNonNull(storage, "storage is null");
        this.storageRoot = requireNonNull(root, "root is null");
        return this;
    }

    /**
     * Whether the engine may start on a store that cannot fence uploads (default {@link
     * Fencing#REQUIRED}).
     */
    public ArchiverConfigBuilder fencing(Fencing fencing) {
        this.fencing = requireNonNull(fencing, "fencing is null");
        return this;
    }

    public ArchiverConfigBuilder parser(RecordParser parser) {
        this.parser = requireNonNull(parser, "parser is null");
        return this;
    }

    public ArchiverConfigBuilder parser(String name) {
        this.parser =
                Plugins.find(RecordParserProvider.class, name, "parser", classLoader)
                        .create(Settings.empty());
        return this;
    }

    public ArchiverConfigBuilder addTransformer(RecordTransformer transformer) {
        transformers.add(requireNonNull(transformer, "transformer is null"));
        return this;
    }

    public ArchiverConfigBuilder partitioner(Partitioner partitioner) {
        this.partitioner = requireNonNull(partitioner, "partitioner is null");
        return this;
    }

    /**
     * A built-in or plug-in partitioner by name, with its settings (keys without the {@code
     * partitioner.NAME.} prefix).
     */
    public ArchiverConfigBuilder partitioner(String name, Map<String, String> settings) {
        this.partitioner =
                Plugins.find(PartitionerProvider.class, name, "partitioner", classLoader)
                        .create(
                                Settings.of(prefixed("partitioner." + name + ".", settings))
                                        .withPrefix("partitioner." + name + "."));
        return this;
    }

    public ArchiverConfigBuilder format(FileFormat format) {
        this.format = requireNonNull(format, "format is null");
        return this;
    }

    public ArchiverConfigBuilder format(String name) {
        this.format =
                Plugins.find(FileFormatProvider.class, name, "format", classLoader)
                        .create(Settings.empty());
        return this;
    }

    public ArchiverConfigBuilder codec(Codec codec) {
        this.codec = requireNonNull(codec, "codec is null");
        return this;
    }

    public ArchiverConfigBuilder codec(String name) {
        this.codec =
                Plugins.find(CodecProvider.class, name, "codec", classLoader)
                        .create(Settings.empty());
        return this;
    }

    public ArchiverConfigBuilder uploadPolicy(UploadPolicy policy) {
        this.uploadPolicy = requireNonNull(policy, "policy is null");
        return this;
    }

    /**
     * The offset tracker by name ({@code kafka}, {@code zookeeper}) with its settings (keys without
     * {@code offsets.NAME.}).
     */
    public ArchiverConfigBuilder offsetTracker(String name, Map<String, String> settings) {
        this.trackerProvider = SettingsReader.tracker(name, "offsets.tracker", classLoader);
        this.trackerSettings =
                Settings.of(prefixed("offsets." + name + ".", settings))
                        .withPrefix("offsets." + name + ".");
        return this;
    }

    /** A key template such as {@value ArchiverConfig#DEFAULT_KEY_TEMPLATE}. */
    public ArchiverConfigBuilder keyTemplate(String template) {
        this.keyTemplate = KeyTemplate.parse("key.template", template, keyTemplate.generation());
        this.keyTemplateKey = "key.template";
        return this;
    }

    public ArchiverConfigBuilder stagingDir(Path dir) {
        this.stagingDir = requireNonNull(dir, "dir is null");
        return this;
    }

    public ArchiverConfigBuilder consumerThreads(int n) {
        this.consumerThreads = n;
        return this;
    }

    public ArchiverConfigBuilder uploadThreads(int n) {
        this.uploadThreads = n;
        return this;
    }

    public ArchiverConfigBuilder maxOpenFiles(int n) {
        this.maxOpenFiles = n;
        return this;
    }

    public ArchiverConfigBuilder maxStagedBytes(long n) {
        this.maxStagedBytes = n;
        return this;
    }

    public ArchiverConfigBuilder errorTolerance(ErrorTolerance tolerance) {
        this.errorTolerance = requireNonNull(tolerance, "tolerance is null");
        return this;
    }

    public ArchiverConfigBuilder pollTimeout(Duration d) {
        this.pollTimeout = requireNonNull(d, "pollTimeout is null");
        return this;
    }

    public ArchiverConfigBuilder retryBackoff(Duration initial, Duration max) {
        this.retryInitialBackoff = requireNonNull(initial, "initial is null");
        this.retryMaxBackoff = requireNonNull(max, "max is null");
        return this;
    }

    public ArchiverConfigBuilder shutdownTimeout(Duration d) {
        this.shutdownTimeout = requireNonNull(d, "shutdownTimeout is null");
        return this;
    }

    public ArchiverConfigBuilder clock(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        return this;
    }

    public ArchiverConfigBuilder listener(ArchiverListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
        return this;
    }

    /**
     * Fault injection for the engine's own tests ({@code dev.archiver.internal.EngineHooks}, a test
     * seam outside the API: it may change in any release). Default: none.
     */
    public ArchiverConfigBuilder hooks(EngineHooks hooks) {
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
        Map<String, Object> props = ConfigChecks.consumerProperties(consumerProperties);
        if (topics.isEmpty() && topicPattern == null) {
            throw new ConfigException("Missing required setting topics (or topics.pattern)");
        }
        if (storageRoot == null) {
            throw new ConfigException("Missing required setting storage.uri");
        }
        ConfigChecks.keysAreUniqueAcrossTopics(
                keyTemplate, keyTemplateKey, topics, topicPattern, topicsKey);
        if (format == null) {
            format("jsonl");
        }
        if (codec == null) {
            codec("none");
        }
        if (format.compressesInternally()) {
            format = format.withCodec(codec);
            codec("none");
        }
        if (parser == null) {
            parser("kafka-timestamp");
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
            trackerProvider = SettingsReader.tracker("kafka", "offsets.tracker", classLoader);
        }
        ConfigChecks.positive("consumer.threads", consumerThreads);
        ConfigChecks.positive("upload.threads", uploadThreads);
        ConfigChecks.positive("staging.max-open-files", maxOpenFiles);
        ConfigChecks.positive("staging.max-bytes", maxStagedBytes);
        ConfigChecks.positive("consumer.poll-timeout", pollTimeout.toMillis());
        ConfigChecks.retryBackoff(this);
        ConfigChecks.deadLetterPrefix(deadLetterPrefix);
        ObjectStorage store = storage;
        boolean owns = store == null;
        if (owns) {
            store = StorageProviders.load(classLoader).create(storageRoot, storageSettings);
        }
        try {
            if (settings != null) {
                SettingsReader.rejectUnknown(settings);
            }
            Optional<String> gap = ConfigChecks.fencing(store, this);
            return new ArchiverConfig(this, props, store, owns, gap);
        } catch (ConfigException e) {
            if (owns) {
                ConfigChecks.closeQuietly(store);
            }
            throw e;
        }
    }
}
