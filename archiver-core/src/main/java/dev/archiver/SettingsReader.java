package dev.archiver;

import dev.archiver.codec.CodecProvider;
import dev.archiver.config.ConfigException;
import dev.archiver.config.KeySuggestions;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.internal.KeyTemplate;
import dev.archiver.offset.OffsetTrackerProvider;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.partition.PartitionerProvider;
import dev.archiver.plugin.PluginProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.policy.UploadPolicyProvider;
import dev.archiver.storage.StorageLocation;
import dev.archiver.transform.RecordTransformerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the flat keys of docs/configuration.md into an {@link ArchiverConfigBuilder}, and rejects
 * the keys nothing read.
 */
final class SettingsReader {
    /** The engine's own keys (plug-in and backend keys are read under their prefixes). */
    static final List<String> KNOWN_KEYS =
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

    private SettingsReader() {}

    static void read(Settings s, ArchiverConfigBuilder b) {
        ClassLoader cl = b.classLoader;
        b.consumerProperties.putAll(s.withPrefix("kafka.consumer.").asMap());
        boolean hasTopics = s.contains("topics");
        boolean hasPattern = s.contains("topics.pattern");
        if (hasTopics == hasPattern) {
            throw new ConfigException("Exactly one of topics and topics.pattern must be set");
        }
        if (hasTopics) {
            b.topics = s.getList("topics", List.of());
            b.topicPattern = null;
            if (b.topics.isEmpty()) {
                throw new ConfigException(
                        "Invalid value for topics: at least one topic is required");
            }
        } else {
            b.topicPattern =
                    pattern(
                            s.getString("topics.pattern").orElseThrow(),
                            s.fullKey("topics.pattern"));
            b.topics = List.of();
        }
        b.topicsKey = s.fullKey(hasTopics ? "topics" : "topics.pattern");
        b.storageRoot = location(s.requireString("storage.uri"), s.fullKey("storage.uri"));
        b.storage = null;
        b.storageSettings = s;
        b.fencingKey = s.fullKey("storage.fencing");
        b.fencing = s.getEnum("storage.fencing", Fencing.class, b.fencing);
        b.format = plugin(FileFormatProvider.class, s, "format", "jsonl", cl);
        b.codec = plugin(CodecProvider.class, s, "codec", "none", cl);
        b.parser = plugin(RecordParserProvider.class, s, "parser", "kafka-timestamp", cl);
        b.partitioner = plugin(PartitionerProvider.class, s, "partitioner", "none", cl);
        b.uploadPolicy =
                Plugins.find(
                                UploadPolicyProvider.class,
                                s.getString("upload.policy", "standard"),
                                s.fullKey("upload.policy"),
                                cl)
                        .create(s.withPrefix("upload."));
        b.transformers = new ArrayList<>();
        for (String name : s.getList("transforms", List.of())) {
            b.transformers.add(
                    Plugins.find(RecordTransformerProvider.class, name, s.fullKey("transforms"), cl)
                            .create(s.withPrefix("transform." + name + ".")));
        }
        String trackerName = s.getString("offsets.tracker", "kafka");
        b.trackerProvider = tracker(trackerName, s.fullKey("offsets.tracker"), cl);
        b.trackerSettings = s.withPrefix("offsets." + trackerName + ".");
        // Trackers are created per consumer thread, after the unknown-key check; they validate
        // their own keys then, so the check must not reject them.
        b.trackerSettings.asMap();
        b.keyTemplateKey = s.fullKey("key.template");
        b.keyTemplate =
                KeyTemplate.parse(
                        s.fullKey("key.template"),
                        s.getString("key.template", ArchiverConfig.DEFAULT_KEY_TEMPLATE),
                        s.getInt("key.generation", 1));
        b.stagingDir = Path.of(s.getString("staging.dir", b.stagingDir.toString()));
        b.maxOpenFiles = s.getInt("staging.max-open-files", b.maxOpenFiles);
        b.maxStagedBytes = s.getDataSize("staging.max-bytes", b.maxStagedBytes);
        b.consumerThreads = s.getInt("consumer.threads", b.consumerThreads);
        b.uploadThreads = s.getInt("upload.threads", b.uploadThreads);
        b.pollTimeout = s.getDuration("consumer.poll-timeout", b.pollTimeout);
        b.retryInitialBackoff =
                s.getDuration("upload.retry.initial-backoff", b.retryInitialBackoff);
        b.retryMaxBackoff = s.getDuration("upload.retry.max-backoff", b.retryMaxBackoff);
        b.errorTolerance = s.getEnum("errors.tolerance", ErrorTolerance.class, b.errorTolerance);
        b.deadLetterPrefix = s.getString("errors.dead-letter.prefix", b.deadLetterPrefix);
        b.shutdownTimeout = s.getDuration("shutdown.timeout", b.shutdownTimeout);
    }

    /**
     * Rejects the keys of {@code s} that nothing read, with a suggestion when one is close to a
     * known key.
     */
    static void rejectUnknown(Settings s) {
        Set<String> unknown = s.unusedKeys();
        if (!unknown.isEmpty()) {
            throw new ConfigException(
                    "Unknown setting"
                            + (unknown.size() > 1 ? "s " : " ")
                            + String.join(", ", unknown)
                            + KeySuggestions.suggest(unknown.iterator().next(), KNOWN_KEYS));
        }
    }

    /** A plug-in named by {@code key}, created with its {@code key.NAME.*} settings. */
    private static <T, P extends PluginProvider<T>> T plugin(
            Class<P> type, Settings s, String key, String def, ClassLoader cl) {
        String name = s.getString(key, def);
        return Plugins.find(type, name, s.fullKey(key), cl)
                .create(s.withPrefix(key + "." + name.trim() + "."));
    }

    static OffsetTrackerProvider tracker(String name, String key, ClassLoader cl) {
        List<String> names = new ArrayList<>();
        for (OffsetTrackerProvider p : ServiceLoader.load(OffsetTrackerProvider.class, cl)) {
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

    static StorageLocation location(String uri, String key) {
        try {
            return StorageLocation.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for " + key + ": " + e.getMessage(), e);
        }
    }

    private static Pattern pattern(String regex, String key) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    "Invalid regular expression for " + key + ": " + e.getDescription());
        }
    }
}
