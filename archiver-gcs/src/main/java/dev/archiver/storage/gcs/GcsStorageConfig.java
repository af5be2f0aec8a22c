package dev.archiver.storage.gcs;

import static java.util.Objects.requireNonNull;

import com.google.cloud.storage.StorageClass;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Settings of the {@code gs://} store, read from {@code storage.gcs.*}.
 *
 * <table>
 *   <caption>Settings under {@code storage.gcs.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code project-id}</td><td>from the credentials / environment</td>
 *       <td>the Google Cloud project billed for requests</td></tr>
 *   <tr><td>{@code credentials}</td><td>see below</td>
 *       <td>{@code auto}: Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS},
 *       workload identity, the metadata server, gcloud's user credentials); {@code file}: the
 *       service-account JSON key at {@code credentials-file}; {@code json}: the service-account
 *       JSON key given inline in {@code credentials-json} (a secret); {@code none}: anonymous, for
 *       an emulator or public buckets</td></tr>
 *   <tr><td>{@code credentials-file}</td><td>none</td><td>path of a service-account JSON key</td></tr>
 *   <tr><td>{@code credentials-json}</td><td>none</td><td>a service-account JSON key (secret)</td></tr>
 *   <tr><td>{@code endpoint}</td><td>{@code STORAGE_EMULATOR_HOST}, else Google's</td>
 *       <td>{@code http[s]://host[:port]} of the JSON API, e.g. an emulator</td></tr>
 *   <tr><td>{@code chunk-size}</td><td>16MB</td>
 *       <td>bytes per request of a resumable upload; a multiple of 256KB</td></tr>
 *   <tr><td>{@code resumable-threshold}</td><td>8MB</td>
 *       <td>files up to this size are uploaded in one request, larger ones resumably</td></tr>
 *   <tr><td>{@code storage-class}</td><td>the bucket's default</td>
 *       <td>{@code standard}, {@code nearline}, {@code coldline}, {@code archive}, ...</td></tr>
 *   <tr><td>{@code retry.max-attempts}</td><td>6</td><td>attempts per request, the first included</td></tr>
 *   <tr><td>{@code retry.total-timeout}</td><td>50s</td><td>time budget of a request and its retries</td></tr>
 *   <tr><td>{@code retry.initial-delay}</td><td>1s</td><td>delay before the first retry</td></tr>
 *   <tr><td>{@code retry.max-delay}</td><td>32s</td><td>cap of the exponentially growing delay</td></tr>
 * </table>
 *
 * <p>When {@code credentials} is not set it is {@code file} if {@code credentials-file} is set,
 * {@code json} if {@code credentials-json} is set, {@code none} if the endpoint comes from {@code
 * STORAGE_EMULATOR_HOST}, and {@code auto} otherwise.
 *
 * @param projectId the project, or empty to let the client find it
 * @param credentials how the client authenticates
 * @param credentialsFile the key file, present exactly for {@link Credentials#FILE}
 * @param credentialsJson the inline key, present exactly for {@link Credentials#JSON}
 * @param endpoint the JSON API's base URL, or empty for Google's
 * @param chunkSize bytes per request of a resumable upload
 * @param resumableThreshold the largest file uploaded in a single request
 * @param storageClass the storage class of new objects (upper case), or empty for the bucket's
 * @param retry the client's retry settings
 * @since 0.1
 */
public record GcsStorageConfig(
        Optional<String> projectId,
        Credentials credentials,
        Optional<Path> credentialsFile,
        Optional<Secret> credentialsJson,
        Optional<URI> endpoint,
        int chunkSize,
        long resumableThreshold,
        Optional<String> storageClass,
        Retry retry) {

    /** The granularity of resumable upload chunks required by the JSON API. */
    public static final int CHUNK_GRANULARITY = 256 * 1024;

    public static final int DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
    public static final long DEFAULT_RESUMABLE_THRESHOLD = 8L * 1024 * 1024;

    /** Files up to this size are read into memory for a single-request upload. */
    public static final long MAX_RESUMABLE_THRESHOLD = 256L * 1024 * 1024;

    static final String EMULATOR_HOST_ENV = "STORAGE_EMULATOR_HOST";

    /** How the client authenticates. */
    public enum Credentials {
        /** Application Default Credentials. */
        AUTO,
        /** A service-account JSON key file. */
        FILE,
        /** A service-account JSON key given inline. */
        JSON,
        /** Anonymous: for emulators. */
        NONE
    }

    /**
     * The client's retry settings (mapped onto {@code RetrySettings}).
     *
     * @param maxAttempts attempts per request, the first included (at least 1)
     * @param totalTimeout the time budget of a request and its retries
     * @param initialDelay the delay before the first retry
     * @param maxDelay the cap of the exponentially growing delay (at least {@code initialDelay})
     */
    public record Retry(
            int maxAttempts, Duration totalTimeout, Duration initialDelay, Duration maxDelay) {
        public static final Retry DEFAULT =
                new Retry(6, Duration.ofSeconds(50), Duration.ofSeconds(1), Duration.ofSeconds(32));

        public Retry {
            requireNonNull(totalTimeout, "totalTimeout is null");
            requireNonNull(initialDelay, "initialDelay is null");
            requireNonNull(maxDelay, "maxDelay is null");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "maxAttempts must be at least 1: " + maxAttempts);
            }
            if (totalTimeout.isNegative() || totalTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "totalTimeout must be positive: " + totalTimeout);
            }
            if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException(
                        "need 0 <= initialDelay <= maxDelay: " + initialDelay + ", " + maxDelay);
            }
        }
    }

    public GcsStorageConfig {
        requireNonNull(projectId, "projectId is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(credentialsFile, "credentialsFile is null");
        requireNonNull(credentialsJson, "credentialsJson is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(storageClass, "storageClass is null");
        requireNonNull(retry, "retry is null");
        if (credentialsFile.isPresent() != (credentials == Credentials.FILE)) {
            throw new IllegalArgumentException("credentialsFile must be given exactly for FILE");
        }
        if (credentialsJson.isPresent() != (credentials == Credentials.JSON)) {
            throw new IllegalArgumentException("credentialsJson must be given exactly for JSON");
        }
        if (chunkSize <= 0 || chunkSize % CHUNK_GRANULARITY != 0) {
            throw new IllegalArgumentException(
                    "chunkSize must be a positive multiple of 256 KiB: " + chunkSize);
        }
        if (resumableThreshold < 0 || resumableThreshold > MAX_RESUMABLE_THRESHOLD) {
            throw new IllegalArgumentException(
                    "resumableThreshold must be between 0 and 256 MiB: " + resumableThreshold);
        }
        storageClass = storageClass.map(c -> c.toUpperCase(Locale.ROOT));
        storageClass.ifPresent(
                c -> {
                    if (!storageClassNames().contains(c)) {
                        throw new IllegalArgumentException("Unknown storage class: " + c);
                    }
                });
    }

    /** All defaults: Application Default Credentials, Google's endpoint. */
    public static GcsStorageConfig defaults() {
        return new GcsStorageConfig(
                Optional.empty(),
                Credentials.AUTO,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                DEFAULT_CHUNK_SIZE,
                DEFAULT_RESUMABLE_THRESHOLD,
                Optional.empty(),
                Retry.DEFAULT);
    }

    /**
     * Reads the settings under {@code storage.gcs.} (pass the view with that prefix) and the
     * environment variable {@code STORAGE_EMULATOR_HOST}.
     *
     * @throws ConfigException when a setting is invalid
     */
    public static GcsStorageConfig from(Settings settings) {
        return from(settings, System.getenv());
    }

    static GcsStorageConfig from(Settings settings, Map<String, String> env) {
        requireNonNull(settings, "settings is null");
        requireNonNull(env, "env is null");
        Optional<String> projectId = settings.getString("project-id").filter(s -> !s.isEmpty());
        Optional<Path> file =
                settings.getString("credentials-file").filter(s -> !s.isEmpty()).map(Path::of);
        Optional<Secret> json =
                settings.getSecret("credentials-json").filter(s -> !s.reveal().isBlank());

        Optional<URI> endpoint;
        boolean fromEmulatorEnv = false;
        Optional<String> configured = settings.getString("endpoint").filter(s -> !s.isEmpty());
        if (configured.isPresent()) {
            endpoint = Optional.of(endpoint(settings.fullKey("endpoint"), configured.get()));
        } else {
            String host = env.get(EMULATOR_HOST_ENV);
            if (host != null && !host.isBlank()) {
                endpoint = Optional.of(endpoint(EMULATOR_HOST_ENV, host.strip()));
                fromEmulatorEnv = true;
            } else {
                endpoint = Optional.empty();
            }
        }

        Credentials fallback =
                file.isPresent()
                        ? Credentials.FILE
                        : json.isPresent()
                                ? Credentials.JSON
                                : fromEmulatorEnv ? Credentials.NONE : Credentials.AUTO;
        Credentials credentials = settings.getEnum("credentials", Credentials.class, fallback);
        if (credentials == Credentials.FILE && file.isEmpty()) {
            throw new ConfigException(
                    settings.fullKey("credentials")
                            + "=file needs "
                            + settings.fullKey("credentials-file")
                            + " (the path of a service-account JSON key)");
        }
        if (credentials == Credentials.JSON && json.isEmpty()) {
            throw new ConfigException(
                    settings.fullKey("credentials")
                            + "=json needs "
                            + settings.fullKey("credentials-json")
                            + " (a service-account JSON key)");
        }
        if (credentials != Credentials.FILE && file.isPresent()) {
            throw new ConfigException(
                    settings.fullKey("credentials-file")
                            + " is set but "
                            + settings.fullKey("credentials")
                            + " is "
                            + name(credentials)
                            + ": remove one of them");
        }
        if (credentials != Credentials.JSON && json.isPresent()) {
            throw new ConfigException(
                    settings.fullKey("credentials-json")
                            + " is set but "
                            + settings.fullKey("credentials")
                            + " is "
                            + name(credentials)
                            + ": remove one of them");
        }

        long chunk = settings.getDataSize("chunk-size", DEFAULT_CHUNK_SIZE);
        if (chunk <= 0 || chunk % CHUNK_GRANULARITY != 0 || chunk > Integer.MAX_VALUE) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("chunk-size")
                            + ": "
                            + chunk
                            + " bytes is not a positive multiple of 256KB (e.g. 8MB, 16MB)");
        }
        long threshold = settings.getDataSize("resumable-threshold", DEFAULT_RESUMABLE_THRESHOLD);
        if (threshold > MAX_RESUMABLE_THRESHOLD) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("resumable-threshold")
                            + ": "
                            + threshold
                            + " bytes is above the maximum of 256MB (such files are read into"
                            + " memory)");
        }

        Optional<String> storageClass =
                settings.getString("storage-class")
                        .filter(s -> !s.isEmpty())
                        .map(s -> s.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (storageClass.isPresent() && !storageClassNames().contains(storageClass.get())) {
            throw new ConfigException(
                    "Invalid value '"
                            + settings.getString("storage-class", "")
                            + "' for "
                            + settings.fullKey("storage-class")
                            + ": accepted values are "
                            + storageClassNames().stream()
                                    .map(c -> c.toLowerCase(Locale.ROOT).replace('_', '-'))
                                    .collect(Collectors.joining(", ")));
        }

        Settings r = settings.withPrefix("retry.");
        int maxAttempts = r.getInt("max-attempts", Retry.DEFAULT.maxAttempts());
        if (maxAttempts < 1) {
            throw new ConfigException(
                    "Invalid value '"
                            + maxAttempts
                            + "' for "
                            + r.fullKey("max-attempts")
                            + ": expected at least 1");
        }
        Duration totalTimeout = r.getDuration("total-timeout", Retry.DEFAULT.totalTimeout());
        if (totalTimeout.isZero()) {
            throw new ConfigException(
                    "Invalid value for "
                            + r.fullKey("total-timeout")
                            + ": expected a positive duration");
        }
        Duration initialDelay = r.getDuration("initial-delay", Retry.DEFAULT.initialDelay());
        Duration maxDelay = r.getDuration("max-delay", Retry.DEFAULT.maxDelay());
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new ConfigException(
                    r.fullKey("max-delay")
                            + " ("
                            + Settings.formatDuration(maxDelay)
                            + ") must not be smaller than "
                            + r.fullKey("initial-delay")
                            + " ("
                            + Settings.formatDuration(initialDelay)
                            + ")");
        }

        return new GcsStorageConfig(
                projectId,
                credentials,
                file,
                json,
                endpoint,
                (int) chunk,
                threshold,
                storageClass,
                new Retry(maxAttempts, totalTimeout, initialDelay, maxDelay));
    }

    private static URI endpoint(String key, String value) {
        String shown = value.contains("@") ? "<redacted: contains user info>" : value;
        String v = value.contains("://") ? value : "http://" + value;
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getUserInfo() != null
                    || uri.getQuery() != null
                    || !(uri.getPath() == null
                            || uri.getPath().isEmpty()
                            || uri.getPath().equals("/"))) {
                throw new ConfigException(
                        "Invalid endpoint '"
                                + shown
                                + "' for "
                                + key
                                + ": expected http[s]://host[:port] (e.g. http://127.0.0.1:4443)");
            }
            return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    "Invalid endpoint '"
                            + shown
                            + "' for "
                            + key
                            + ": expected http[s]://host[:port] (e.g. http://127.0.0.1:4443)");
        }
    }

    private static java.util.List<String> storageClassNames() {
        return Arrays.stream(StorageClass.values()).map(StorageClass::name).toList();
    }

    private static String name(Credentials c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
