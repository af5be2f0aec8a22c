package dev.archiver.offset.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.zookeeper.common.PathUtils;

/**
 * Settings of the {@code zookeeper} offset tracker, read from {@code offsets.zookeeper.*}:
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code connect}</td><td>(required)</td><td>ZooKeeper connect string, {@code
 *       host:port[,host:port...][/chroot]}</td></tr>
 *   <tr><td>{@code kafka-path}</td><td>{@code /}</td><td>Secor's {@code kafka.zookeeper.path}:
 *       committed offsets live at {@code <kafka-path>/consumers/<group>/offsets/<topic>/<partition>}
 *       </td></tr>
 *   <tr><td>{@code archiver-path}</td><td>{@code /archiver}</td><td>upload locks live at {@code
 *       <archiver-path>/locks/<topic>/<partition>}, the notes of idle commits at {@code
 *       <archiver-path>/archived-ends/<group>/<topic>/<partition>}</td></tr>
 *   <tr><td>{@code session-timeout}</td><td>{@code 60s}</td><td>ZooKeeper session timeout; a lock
 *       held by a process that is gone longer than this is released</td></tr>
 *   <tr><td>{@code connection-timeout}</td><td>{@code 15s}</td><td>how long one operation waits
 *       for a connection</td></tr>
 *   <tr><td>{@code retry.base-sleep}</td><td>{@code 1s}</td><td>first sleep of the exponential
 *       back-off between retries of one operation</td></tr>
 *   <tr><td>{@code retry.max-retries}</td><td>{@code 3}</td><td>retries of one operation, 0 to
 *       29</td></tr>
 *   <tr><td>{@code lock-timeout}</td><td>{@code 1m}</td><td>how long {@code lock} waits for an
 *       upload lock held by another process before failing (the engine replays the batch); a
 *       commit made without a lock waits at most 1s</td></tr>
 *   <tr><td>{@code auth-scheme}</td><td>{@code digest} when {@code auth} is set</td><td>ZooKeeper
 *       authentication scheme; accepted: {@code digest}</td></tr>
 *   <tr><td>{@code auth}</td><td>none</td><td>the credentials, {@code user:password}; a
 *       secret</td></tr>
 *   <tr><td>{@code acl}</td><td>{@code open}</td><td>ACL of the nodes the tracker creates: {@code
 *       open} (world, as Secor) or {@code creator-all} (only the authenticated creator; needs
 *       {@code auth})</td></tr>
 * </table>
 *
 * <p>SASL (Kerberos or DIGEST-MD5) needs no key here: the ZooKeeper client reads the {@code Client}
 * section of the JAAS file named by the system property {@code java.security.auth.login.config}.
 *
 * @param kafkaPath normalized: a leading slash, no trailing slash, {@code ""} for the root
 * @param archiverPath normalized like {@code kafkaPath}
 * @since 0.1
 */
public record ZooKeeperOffsetTrackerConfig(
        String connect,
        String kafkaPath,
        String archiverPath,
        Duration sessionTimeout,
        Duration connectionTimeout,
        Duration retryBaseSleep,
        int retryMaxRetries,
        Duration lockTimeout,
        Optional<Secret> auth,
        Acl acl) {

    public static final String CONNECT = "connect";
    public static final String KAFKA_PATH = "kafka-path";
    public static final String ARCHIVER_PATH = "archiver-path";
    public static final String SESSION_TIMEOUT = "session-timeout";
    public static final String CONNECTION_TIMEOUT = "connection-timeout";
    public static final String RETRY_BASE_SLEEP = "retry.base-sleep";
    public static final String RETRY_MAX_RETRIES = "retry.max-retries";
    public static final String LOCK_TIMEOUT = "lock-timeout";
    public static final String AUTH_SCHEME = "auth-scheme";
    public static final String AUTH = "auth";
    public static final String ACL = "acl";

    private static final Set<String> KEYS =
            Set.of(
                    CONNECT,
                    KAFKA_PATH,
                    ARCHIVER_PATH,
                    SESSION_TIMEOUT,
                    CONNECTION_TIMEOUT,
                    RETRY_BASE_SLEEP,
                    RETRY_MAX_RETRIES,
                    LOCK_TIMEOUT,
                    AUTH_SCHEME,
                    AUTH,
                    ACL);

    public static final String DEFAULT_KAFKA_PATH = "/";
    public static final String DEFAULT_ARCHIVER_PATH = "/archiver";
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RETRY_BASE_SLEEP = Duration.ofSeconds(1);
    public static final int DEFAULT_RETRY_MAX_RETRIES = 3;
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(1);

    /** Curator's {@code ExponentialBackoffRetry} caps retries at 29. */
    public static final int MAX_RETRIES_LIMIT = 29;

    /** The only authentication scheme configured through settings. */
    public static final String DIGEST = "digest";

    /** The ACL of the nodes the tracker creates. */
    public enum Acl {
        /** Anyone can read and write, as Secor creates its nodes. */
        OPEN,
        /** Only the authenticated creator (requires {@code auth}). */
        CREATOR_ALL
    }

    public ZooKeeperOffsetTrackerConfig {
        requireNonNull(connect, "connect is null");
        requireNonNull(kafkaPath, "kafkaPath is null");
        requireNonNull(archiverPath, "archiverPath is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        requireNonNull(retryBaseSleep, "retryBaseSleep is null");
        requireNonNull(lockTimeout, "lockTimeout is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(acl, "acl is null");
        if (connect.isBlank()) {
            throw new IllegalArgumentException("connect is blank");
        }
        kafkaPath = normalizePath(kafkaPath);
        archiverPath = normalizePath(archiverPath);
        checkPositiveMillis("sessionTimeout", sessionTimeout);
        checkPositiveMillis("connectionTimeout", connectionTimeout);
        checkPositiveMillis("retryBaseSleep", retryBaseSleep);
        if (retryMaxRetries < 0 || retryMaxRetries > MAX_RETRIES_LIMIT) {
            throw new IllegalArgumentException(
                    "retryMaxRetries must be between 0 and "
                            + MAX_RETRIES_LIMIT
                            + ": "
                            + retryMaxRetries);
        }
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout is negative");
        }
        if (acl == Acl.CREATOR_ALL && auth.isEmpty()) {
            throw new IllegalArgumentException("acl creator-all needs auth");
        }
    }

    /** The defaults, connecting to {@code connect}. */
    public static ZooKeeperOffsetTrackerConfig of(String connect) {
        return new ZooKeeperOffsetTrackerConfig(
                connect,
                DEFAULT_KAFKA_PATH,
                DEFAULT_ARCHIVER_PATH,
                DEFAULT_SESSION_TIMEOUT,
                DEFAULT_CONNECTION_TIMEOUT,
                DEFAULT_RETRY_BASE_SLEEP,
                DEFAULT_RETRY_MAX_RETRIES,
                DEFAULT_LOCK_TIMEOUT,
                Optional.empty(),
                Acl.OPEN);
    }

    /**
     * Reads the settings (already scoped to {@code offsets.zookeeper.}).
     *
     * @throws ConfigException naming the full key of a missing or invalid setting
     */
    public static ZooKeeperOffsetTrackerConfig from(Settings settings) {
        requireNonNull(settings, "settings is null");
        for (String key : settings.keys()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException(
                        "Unknown setting "
                                + settings.fullKey(key)
                                + ": accepted keys are "
                                + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String connect = settings.requireString(CONNECT);
        String kafkaPath = path(settings, KAFKA_PATH, DEFAULT_KAFKA_PATH);
        String archiverPath = path(settings, ARCHIVER_PATH, DEFAULT_ARCHIVER_PATH);
        Duration sessionTimeout = positive(settings, SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT);
        Duration connectionTimeout =
                positive(settings, CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
        Duration retryBaseSleep = positive(settings, RETRY_BASE_SLEEP, DEFAULT_RETRY_BASE_SLEEP);
        int maxRetries = settings.getInt(RETRY_MAX_RETRIES, DEFAULT_RETRY_MAX_RETRIES);
        if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
            throw new ConfigException(
                    "Invalid value '"
                            + maxRetries
                            + "' for "
                            + settings.fullKey(RETRY_MAX_RETRIES)
                            + ": expected an integer from 0 to "
                            + MAX_RETRIES_LIMIT);
        }
        Duration lockTimeout = settings.getDuration(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT);
        Optional<Secret> auth = settings.getSecret(AUTH).filter(s -> !s.reveal().isEmpty());
        Optional<String> scheme = settings.getString(AUTH_SCHEME).filter(s -> !s.isEmpty());
        if (scheme.isPresent() && !scheme.get().equalsIgnoreCase(DIGEST)) {
            throw new ConfigException(
                    "Invalid value '"
                            + scheme.get()
                            + "' for "
                            + settings.fullKey(AUTH_SCHEME)
                            + ": accepted values are "
                            + DIGEST
                            + " (for SASL, configure the JAAS 'Client' section instead)");
        }
        if (scheme.isPresent() && auth.isEmpty()) {
            throw new ConfigException(
                    "Missing required setting "
                            + settings.fullKey(AUTH)
                            + " (set because "
                            + settings.fullKey(AUTH_SCHEME)
                            + " is set): expected user:password");
        }
        if (auth.isPresent() && auth.get().reveal().indexOf(':') <= 0) {
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey(AUTH) + ": expected user:password");
        }
        Acl acl = settings.getEnum(ACL, Acl.class, Acl.OPEN);
        if (acl == Acl.CREATOR_ALL && auth.isEmpty()) {
            throw new ConfigException(
                    "Invalid value 'creator-all' for "
                            + settings.fullKey(ACL)
                            + ": it needs "
                            + settings.fullKey(AUTH)
                            + "; accepted values are open, creator-all");
        }
        return new ZooKeeperOffsetTrackerConfig(
                connect,
                kafkaPath,
                archiverPath,
                sessionTimeout,
                connectionTimeout,
                retryBaseSleep,
                maxRetries,
                lockTimeout,
                auth,
                acl);
    }

    /**
     * The parent of a group's committed offsets, built as Secor's {@code ZookeeperConnector} does:
     * {@code <kafka-path>/consumers/<group>/offsets}.
     */
    public String offsetsPath(String groupId) {
        requireNonNull(groupId, "groupId is null");
        String path = kafkaPath + "/consumers/" + groupId + "/offsets";
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Consumer group '"
                            + groupId
                            + "' cannot be a ZooKeeper node name: "
                            + e.getMessage(),
                    e);
        }
        return path;
    }

    /** The parent of the upload locks, {@code <archiver-path>/locks}. */
    public String locksPath() {
        return archiverPath + "/locks";
    }

    private static String path(Settings settings, String key, String defaultValue) {
        String value = settings.getString(key, defaultValue);
        try {
            return normalizePath(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "Invalid ZooKeeper path '"
                            + value
                            + "' for "
                            + settings.fullKey(key)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    // Secor strips slashes on both ends and joins the rest under a leading slash.
    private static String normalizePath(String path) {
        String stripped = path.strip();
        int start = 0;
        int end = stripped.length();
        while (start < end && stripped.charAt(start) == '/') {
            start++;
        }
        while (end > start && stripped.charAt(end - 1) == '/') {
            end--;
        }
        String normalized = start == end ? "" : "/" + stripped.substring(start, end);
        if (!normalized.isEmpty()) {
            PathUtils.validatePath(normalized);
        }
        return normalized;
    }

    private static Duration positive(Settings settings, String key, Duration defaultValue) {
        Duration d = settings.getDuration(key, defaultValue);
        if (d.toMillis() <= 0) {
            throw new ConfigException(
                    "Invalid duration '"
                            + settings.getString(key, "")
                            + "' for "
                            + settings.fullKey(key)
                            + ": expected at least 1ms");
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigException(
                    "Invalid duration '"
                            + settings.getString(key, "")
                            + "' for "
                            + settings.fullKey(key)
                            + ": expected at most "
                            + Integer.MAX_VALUE
                            + "ms");
        }
        return d;
    }

    private static void checkPositiveMillis(String name, Duration d) {
        if (d.toMillis() <= 0 || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    name + " must be from 1ms to " + Integer.MAX_VALUE + "ms: " + d);
        }
    }
}
