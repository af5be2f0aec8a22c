package dev.archiver.examples.daemon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The daemon's configuration file: {@code .properties} or YAML ({@code .yaml}/{@code .yml}),
 * flattened to dotted keys, with {@code ${ENV}}, {@code ${ENV:-default}} and {@code ${file:/path}}
 * substituted.
 *
 * <p>Layout:
 *
 * <ul>
 *   <li>daemon keys: {@code metrics.port} (9400; 0 = off), {@code metrics.bind-address} (0.0.0.0),
 *       {@code metrics.jmx.enabled} (true), {@code metrics.lag-interval} (15s), {@code
 *       metrics.tags.NAME} (a tag on every meter), {@code shutdown.timeout} (30s: how long a stop
 *       may take; also each job's engine shutdown timeout), {@code secret-keys} (extra keys to
 *       redact), {@code logging.format} ({@code plain} or {@code json}; {@code --log-format} and
 *       {@code ARCHIVER_LOG_FORMAT} win), {@code logging.level.LOGGER} (a level for a package or
 *       class, or {@code root}: trace, debug, info, warn, error, off; {@code ARCHIVER_LOG_LEVEL}
 *       wins);
 *   <li>one job: every other key is an {@link ArchiverConfig} setting ({@code topics}, {@code
 *       storage.uri}, {@code kafka.consumer.*}, ...); the job is named {@code default};
 *   <li>several jobs: {@code jobs.NAME.KEY}; top-level engine keys are shared defaults that every
 *       job inherits and may override (e.g. {@code kafka.consumer.bootstrap.servers} once for all).
 * </ul>
 */
final class DaemonConfig {
    static final String DEFAULT_JOB = "default";
    static final String REDACTED = "******";

    private static final List<String> DAEMON_KEYS =
            List.of(
                    "metrics.port",
                    "metrics.bind-address",
                    "metrics.jmx.enabled",
                    "metrics.lag-interval",
                    "shutdown.timeout",
                    "secret-keys",
                    "logging.format");
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final List<String> SECRET_WORDS =
            List.of("password", "secret", "token", "credential", "jaas", "connection-string");

    /** One archive job: its name and its engine settings (without the {@code jobs.NAME.}). */
    record Job(String name, Map<String, String> settings) {
        Job {
            requireNonNull(name, "name is null");
            settings = Map.copyOf(settings);
        }
    }

    private final Map<String, String> values;
    private final Set<String> secretKeys;
    private final List<Job> jobs;
    private final Settings daemon;

    private DaemonConfig(Map<String, String> values, Set<String> fromFiles) {
        this.values = values;
        this.daemon = Settings.of(daemonKeys(values));
        Set<String> secrets = new TreeSet<>(fromFiles);
        daemon.getList("secret-keys", List.of()).forEach(secrets::add);
        this.secretKeys = Set.copyOf(secrets);
        this.jobs = splitJobs(values);
        checkDaemonKeys();
    }

    /** Reads and substitutes a configuration file. */
    static DaemonConfig load(Path file, Function<String, String> env) {
        return of(read(file), env);
    }

    /** A configuration from raw (unsubstituted, flattened) values. */
    static DaemonConfig of(Map<String, String> raw, Function<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        Set<String> fromFiles = new LinkedHashSet<>();
        raw.forEach(
                (k, v) -> {
                    Substitution.Result r = Substitution.resolve(k, v, env);
                    values.put(k, r.value());
                    if (r.fromFile()) {
                        fromFiles.add(k);
                    }
                });
        return new DaemonConfig(values, fromFiles);
    }

    /** The flattened, unsubstituted key-value pairs of a {@code .properties} or YAML file. */
    static Map<String, String> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                Map<String, String> flat = new LinkedHashMap<>();
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        throw new ConfigException(
                                "Invalid configuration file " + file + ": expected a YAML mapping");
                    }
                    flatten("", root, flat, file);
                }
                return flat;
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> flat = new LinkedHashMap<>();
            for (String k : p.stringPropertyNames()) {
                flat.put(k, p.getProperty(k));
            }
            return flat;
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(
                        prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                        e.getValue(),
                        out,
                        file);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (item.isContainerNode()) {
                    throw new ConfigException(
                            "Invalid value for "
                                    + prefix
                                    + " in "
                                    + file
                                    + ": lists may only hold plain values");
                }
                items.add(item.asText());
            }
            put(out, prefix, String.join(",", items), file);
        } else {
            put(out, prefix, node.isNull() ? "" : node.asText(), file);
        }
    }

    private static void put(Map<String, String> out, String key, String value, Path file) {
        if (out.put(key, value) != null) {
            throw new ConfigException("Duplicate setting " + key + " in " + file);
        }
    }

    private static Map<String, String> daemonKeys(Map<String, String> values) {
        Map<String, String> d = new TreeMap<>();
        values.forEach(
                (k, v) -> {
                    if (isDaemonKey(k)) {
                        d.put(k, v);
                    }
                });
        return d;
    }

    private static boolean isDaemonKey(String k) {
        return k.startsWith("metrics.")
                || k.equals("secret-keys")
                || k.startsWith("shutdown.")
                || k.startsWith("logging.");
    }

    private void checkDaemonKeys() {
        for (String k : daemon.keys()) {
            if (!DAEMON_KEYS.contains(k)
                    && !k.startsWith("metrics.tags.")
                    && !k.startsWith("logging.level.")) {
                throw new ConfigException(
                        "Unknown setting "
                                + k
                                + dev.archiver.config.KeySuggestions.suggest(k, DAEMON_KEYS));
            }
        }
        metricsPort();
        lagInterval();
        shutdownTimeout();
        daemon.getBoolean("metrics.jmx.enabled", true);
        Logging.chooseFormat(null, null, logFormat());
        Logging.chooseLevels(logLevels(), null);
    }

    /** {@code logging.format}, or null when not set. */
    String logFormat() {
        return daemon.getString("logging.format").orElse(null);
    }

    /** {@code logging.level.LOGGER} keys: logger name to level. */
    Map<String, String> logLevels() {
        return daemon.withPrefix("logging.level.").asMap();
    }

    private static List<Job> splitJobs(Map<String, String> values) {
        Map<String, String> shared = new TreeMap<>();
        Map<String, Map<String, String>> byJob = new TreeMap<>();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith("jobs.")) {
                        String rest = k.substring(5);
                        int dot = rest.indexOf('.');
                        if (dot <= 0 || dot == rest.length() - 1) {
                            throw new ConfigException(
                                    "Invalid setting " + k + ": expected jobs.NAME.KEY");
                        }
                        String job = rest.substring(0, dot);
                        if (!JOB_NAME.matcher(job).matches()) {
                            throw new ConfigException(
                                    "Invalid job name '"
                                            + job
                                            + "' in "
                                            + k
                                            + ": use letters, digits, - and _");
                        }
                        byJob.computeIfAbsent(job, j -> new TreeMap<>())
                                .put(rest.substring(dot + 1), v);
                    } else if (k.equals("shutdown.timeout") || (!isDaemonKey(k))) {
                        shared.put(k, v);
                    }
                });
        List<Job> jobs = new ArrayList<>();
        if (byJob.isEmpty()) {
            jobs.add(new Job(DEFAULT_JOB, shared));
        } else {
            byJob.forEach(
                    (name, own) -> {
                        Map<String, String> merged = new TreeMap<>(shared);
                        merged.putAll(own);
                        jobs.add(new Job(name, merged));
                    });
        }
        return List.copyOf(jobs);
    }

    List<Job> jobs() {
        return jobs;
    }

    /** Whether the file uses {@code jobs.NAME.*} (job names then appear in error messages). */
    boolean multiJob() {
        return values.keySet().stream().anyMatch(k -> k.startsWith("jobs."));
    }

    int metricsPort() {
        int port = daemon.getInt("metrics.port", 9400);
        if (port < 0 || port > 65535) {
            throw new ConfigException(
                    "Invalid value " + port + " for metrics.port: expected 0 (off) to 65535");
        }
        return port;
    }

    String metricsBindAddress() {
        return daemon.getString("metrics.bind-address", "0.0.0.0");
    }

    boolean jmxEnabled() {
        return daemon.getBoolean("metrics.jmx.enabled", true);
    }

    Duration lagInterval() {
        Duration d = daemon.getDuration("metrics.lag-interval", Duration.ofSeconds(15));
        if (d.isZero()) {
            throw new ConfigException("Invalid value for metrics.lag-interval: must be positive");
        }
        return d;
    }

    Map<String, String> metricsTags() {
        return daemon.withPrefix("metrics.tags.").asMap();
    }

    Duration shutdownTimeout() {
        return daemon.getDuration("shutdown.timeout", Duration.ofSeconds(30));
    }

    /**
     * Builds one job's engine configuration.
     *
     * @throws ConfigException with the job's name when the file has several jobs, and with every
     *     secret value redacted from the message
     */
    ArchiverConfig build(Job job, ArchiverListener listener) {
        try {
            return ArchiverConfig.builder()
                    .settings(Settings.of(job.settings()))
                    .listener(listener)
                    .build();
        } catch (ConfigException e) {
            String message = redactValues(e.getMessage());
            throw new ConfigException(
                    multiJob() ? "Job '" + job.name() + "': " + message : message, e);
        }
    }

    /** Builds (and closes) every job's configuration: what {@code config check} validates. */
    void validate() {
        for (Job job : jobs) {
            ArchiverConfig c = build(job, ArchiverListener.NONE);
            if (c.ownsStorage()) {
                try {
                    c.storage().close();
                } catch (IOException ignored) {
                    // validation only
                }
            }
        }
    }

    /** Every key with its value, secrets replaced by {@value #REDACTED}, sorted. */
    Map<String, String> redacted() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, isSecret(k) ? REDACTED : v));
        return out;
    }

    /**
     * Whether a key holds a secret: its name contains {@code password}, {@code secret}, {@code
     * token}, {@code credential}, {@code jaas}, {@code connection-string} (Azure's holds the
     * account key) or {@code key} (other than the engine's {@code key.template} and {@code
     * key.generation}), or has a {@code sas} segment; or it is listed in {@code secret-keys}; or
     * its value came from {@code ${file:...}}.
     */
    boolean isSecret(String fullKey) {
        if (secretKeys.contains(fullKey)) {
            return true;
        }
        String k = fullKey.toLowerCase(Locale.ROOT);
        if (k.startsWith("jobs.")) {
            int dot = k.indexOf('.', 5);
            k = dot < 0 ? k : k.substring(dot + 1);
        }
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        if (k.contains("key") && !k.equals("key.template") && !k.equals("key.generation")) {
            return true;
        }
        for (String segment : k.split("[.\\-_]")) {
            if (segment.equals("sas")) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with every secret value (of 4 characters or more) replaced. */
    String redactValues(String text) {
        String out = text;
        for (var e : values.entrySet()) {
            if (isSecret(e.getKey()) && e.getValue().length() >= 4) {
                out = out.replace(e.getValue(), REDACTED);
            }
        }
        return out;
    }
}
