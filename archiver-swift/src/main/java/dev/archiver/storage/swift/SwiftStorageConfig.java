package dev.archiver.storage.swift;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the {@code swift://container/prefix} store, under {@code storage.swift.}.
 *
 * <p>Authentication ({@code auth}, default {@code tempauth}):
 *
 * <ul>
 *   <li>{@code tempauth}: Swift's v1 authentication (TempAuth, SwAuth and compatible services):
 *       {@code auth-url} (e.g. {@code http://swift:8080/auth/v1.0}), {@code user} (e.g. {@code
 *       account:user}) and {@code key} (a secret);
 *   <li>{@code keystone-v3}: OpenStack Identity v3: {@code auth-url} (e.g. {@code
 *       https://keystone:5000/v3}; {@code /v3} is appended when missing) and either a password
 *       ({@code keystone.user}, {@code keystone.password}, {@code keystone.user-domain} default
 *       {@code Default}, {@code keystone.project}, {@code keystone.project-domain} default {@code
 *       Default}) or an application credential ({@code keystone.application-credential-id}, {@code
 *       keystone.application-credential-secret}); the storage URL is the {@code object-store}
 *       endpoint of the token's catalog with the given {@code interface} ({@code public}, {@code
 *       internal} or {@code admin}; default {@code public}) in {@code region} (required when the
 *       catalog offers several regions);
 *   <li>{@code token}: pre-authenticated: {@code storage-url} (e.g. {@code
 *       https://swift/v1/AUTH_acct}) and {@code token}; the store cannot re-authenticate, so an
 *       expired token is a non-retryable error.
 * </ul>
 *
 * <p>Tokens are cached and renewed shortly before they expire and once when Swift answers 401.
 *
 * <p>Uploads: a file smaller than {@code slo.threshold} (default {@code 128MB}) is one PUT whose
 * MD5 Swift verifies; a larger one becomes a Static Large Object whose segments of {@code
 * slo.segment-size} (default {@code 64MB}; enlarged when a file would need more than 1000) are
 * uploaded, {@code slo.upload-parallelism} (default 4) at a time, to the container named by the
 * target container plus {@code slo.segment-container-suffix} (default {@code _segments}; created on
 * demand).
 *
 * <p>Requests: {@code retry.max-attempts} (default 5, including the first) with exponential backoff
 * from {@code retry.initial-backoff} (default {@code 200ms}) up to {@code retry.max-backoff}
 * (default {@code 10s}) on 5xx, 408, 422 (MD5 mismatch), 429/498 (rate limits) and connection
 * errors; {@code connect-timeout} (default {@code 10s}); {@code request-timeout} (default {@code
 * 5m}, per request until the response headers arrive); {@code list.page-size} (default 10000, the
 * Swift maximum).
 *
 * <p>{@link #toString()} redacts every secret.
 *
 * @since 0.1
 */
public record SwiftStorageConfig(
        Auth auth,
        Optional<URI> authUrl,
        Optional<String> user,
        Optional<Secret> key,
        Optional<String> keystoneUser,
        Optional<Secret> keystonePassword,
        String userDomain,
        Optional<String> project,
        String projectDomain,
        Optional<String> applicationCredentialId,
        Optional<Secret> applicationCredentialSecret,
        Optional<String> region,
        EndpointInterface endpointInterface,
        Optional<URI> storageUrl,
        Optional<Secret> token,
        long sloThreshold,
        long segmentSize,
        String segmentContainerSuffix,
        int uploadParallelism,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        Duration requestTimeout,
        int listPageSize) {

    public static final long DEFAULT_SLO_THRESHOLD = 128L << 20;
    public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;

    /** Swift's default {@code max_file_size}: the largest single PUT and the largest segment. */
    public static final long MAX_SEGMENT_SIZE = 5L << 30;

    public static final String DEFAULT_SEGMENT_CONTAINER_SUFFIX = "_segments";
    public static final String DEFAULT_DOMAIN = "Default";
    public static final int DEFAULT_UPLOAD_PARALLELISM = 4;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_LIST_PAGE_SIZE = 10_000;

    /** How the store obtains a storage URL and a token. */
    public enum Auth {
        TEMPAUTH,
        KEYSTONE_V3,
        TOKEN
    }

    /** Which endpoint of the Keystone catalog to use. */
    public enum EndpointInterface {
        PUBLIC,
        INTERNAL,
        ADMIN;

        String catalogName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SwiftStorageConfig {
        requireNonNull(auth, "auth is null");
        requireNonNull(authUrl, "authUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(key, "key is null");
        requireNonNull(keystoneUser, "keystoneUser is null");
        requireNonNull(keystonePassword, "keystonePassword is null");
        requireNonNull(userDomain, "userDomain is null");
        requireNonNull(project, "project is null");
        requireNonNull(projectDomain, "projectDomain is null");
        requireNonNull(applicationCredentialId, "applicationCredentialId is null");
        requireNonNull(applicationCredentialSecret, "applicationCredentialSecret is null");
        requireNonNull(region, "region is null");
        requireNonNull(endpointInterface, "endpointInterface is null");
        requireNonNull(storageUrl, "storageUrl is null");
        requireNonNull(token, "token is null");
        requireNonNull(segmentContainerSuffix, "segmentContainerSuffix is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        switch (auth) {
            case TEMPAUTH -> {
                check(authUrl.isPresent(), "tempauth needs authUrl");
                check(user.isPresent() && key.isPresent(), "tempauth needs user and key");
            }
            case KEYSTONE_V3 -> {
                check(authUrl.isPresent(), "keystone-v3 needs authUrl");
                boolean password = keystoneUser.isPresent() || keystonePassword.isPresent();
                boolean appCredential =
                        applicationCredentialId.isPresent()
                                || applicationCredentialSecret.isPresent();
                check(
                        password != appCredential,
                        "keystone-v3 needs either a password or an application credential");
                if (password) {
                    check(
                            keystoneUser.isPresent()
                                    && keystonePassword.isPresent()
                                    && project.isPresent(),
                            "keystone-v3 password authentication needs user, password and project");
                } else {
                    check(
                            applicationCredentialId.isPresent()
                                    && applicationCredentialSecret.isPresent(),
                            "an application credential needs an id and a secret");
                }
            }
            case TOKEN ->
                    check(
                            storageUrl.isPresent() && token.isPresent(),
                            "token needs storageUrl and token");
        }
        check(sloThreshold > 0, "sloThreshold must be positive");
        check(segmentSize > 0 && segmentSize <= MAX_SEGMENT_SIZE, "segmentSize out of range");
        check(!segmentContainerSuffix.isEmpty(), "segmentContainerSuffix is empty");
        check(!segmentContainerSuffix.contains("/"), "segmentContainerSuffix contains '/'");
        check(uploadParallelism > 0, "uploadParallelism must be positive");
        check(maxAttempts > 0, "maxAttempts must be positive");
        check(!initialBackoff.isNegative(), "initialBackoff is negative");
        check(maxBackoff.compareTo(initialBackoff) >= 0, "maxBackoff < initialBackoff");
        check(connectTimeout.toMillis() > 0, "connectTimeout must be positive");
        check(requestTimeout.toMillis() > 0, "requestTimeout must be positive");
        check(listPageSize > 0 && listPageSize <= 10_000, "listPageSize must be in 1..10000");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Reads and validates the settings under {@code storage.swift.}.
     *
     * @throws ConfigException naming the full key when a setting is missing or invalid
     */
    public static SwiftStorageConfig from(Settings s) {
        Auth auth = s.getEnum("auth", Auth.class, Auth.TEMPAUTH);
        Optional<URI> authUrl = Optional.empty();
        Optional<String> user = Optional.empty();
        Optional<Secret> key = Optional.empty();
        Optional<String> ksUser = Optional.empty();
        Optional<Secret> ksPassword = Optional.empty();
        String userDomain = DEFAULT_DOMAIN;
        Optional<String> project = Optional.empty();
        String projectDomain = DEFAULT_DOMAIN;
        Optional<String> appId = Optional.empty();
        Optional<Secret> appSecret = Optional.empty();
        Optional<String> region = Optional.empty();
        EndpointInterface endpointInterface = EndpointInterface.PUBLIC;
        Optional<URI> storageUrl = Optional.empty();
        Optional<Secret> token = Optional.empty();
        List<String> tempauthKeys = List.of("user", "key");
        List<String> keystoneKeys =
                List.of(
                        "keystone.user",
                        "keystone.password",
                        "keystone.user-domain",
                        "keystone.project",
                        "keystone.project-domain",
                        "keystone.application-credential-id",
                        "keystone.application-credential-secret",
                        "region",
                        "interface");
        List<String> tokenKeys = List.of("storage-url", "token");
        switch (auth) {
            case TEMPAUTH -> {
                rejectOthers(s, auth, keystoneKeys, tokenKeys);
                authUrl = Optional.of(url(s, "auth-url"));
                user = Optional.of(s.requireString("user"));
                key = Optional.of(requireSecret(s, "key"));
            }
            case KEYSTONE_V3 -> {
                rejectOthers(s, auth, tempauthKeys, tokenKeys);
                authUrl = Optional.of(url(s, "auth-url"));
                appId = nonBlank(s, "keystone.application-credential-id");
                appSecret = secret(s, "keystone.application-credential-secret");
                boolean appCredential = appId.isPresent() || appSecret.isPresent();
                if (appCredential) {
                    for (String k :
                            List.of(
                                    "keystone.user",
                                    "keystone.password",
                                    "keystone.project",
                                    "keystone.user-domain",
                                    "keystone.project-domain")) {
                        if (s.contains(k)) {
                            throw new ConfigException(
                                    s.fullKey(k)
                                            + " cannot be combined with "
                                            + s.fullKey("keystone.application-credential-id")
                                            + ": an application credential is already scoped");
                        }
                    }
                    if (appId.isEmpty()) {
                        throw missing(s, "keystone.application-credential-id");
                    }
                    if (appSecret.isEmpty()) {
                        throw missing(s, "keystone.application-credential-secret");
                    }
                } else {
                    ksUser = Optional.of(s.requireString("keystone.user"));
                    ksPassword = Optional.of(requireSecret(s, "keystone.password"));
                    userDomain = s.getString("keystone.user-domain", DEFAULT_DOMAIN);
                    project = Optional.of(s.requireString("keystone.project"));
                    projectDomain = s.getString("keystone.project-domain", DEFAULT_DOMAIN);
                    if (userDomain.isEmpty()) {
                        throw missing(s, "keystone.user-domain");
                    }
                    if (projectDomain.isEmpty()) {
                        throw missing(s, "keystone.project-domain");
                    }
                }
                region = nonBlank(s, "region");
                endpointInterface =
                        s.getEnum("interface", EndpointInterface.class, EndpointInterface.PUBLIC);
            }
            case TOKEN -> {
                rejectOthers(s, auth, tempauthKeys, keystoneKeys);
                if (s.contains("auth-url")) {
                    throw new ConfigException(
                            s.fullKey("auth-url")
                                    + " is not used with "
                                    + s.fullKey("auth")
                                    + "=token; set "
                                    + s.fullKey("storage-url"));
                }
                storageUrl = Optional.of(url(s, "storage-url"));
                token = Optional.of(requireSecret(s, "token"));
            }
        }
        long threshold = positiveSize(s, "slo.threshold", DEFAULT_SLO_THRESHOLD);
        long segmentSize = positiveSize(s, "slo.segment-size", DEFAULT_SEGMENT_SIZE);
        if (segmentSize > MAX_SEGMENT_SIZE) {
            throw new ConfigException(
                    "Invalid value '"
                            + s.getString("slo.segment-size", "")
                            + "' for "
                            + s.fullKey("slo.segment-size")
                            + ": at most 5GB (Swift's largest object)");
        }
        String suffix =
                s.getString("slo.segment-container-suffix", DEFAULT_SEGMENT_CONTAINER_SUFFIX);
        if (suffix.isEmpty() || suffix.contains("/")) {
            throw new ConfigException(
                    "Invalid value '"
                            + suffix
                            + "' for "
                            + s.fullKey("slo.segment-container-suffix")
                            + ": must be non-empty and without '/'");
        }
        int parallelism = positiveInt(s, "slo.upload-parallelism", DEFAULT_UPLOAD_PARALLELISM);
        int attempts = positiveInt(s, "retry.max-attempts", DEFAULT_MAX_ATTEMPTS);
        Duration initialBackoff = s.getDuration("retry.initial-backoff", DEFAULT_INITIAL_BACKOFF);
        Duration maxBackoff = s.getDuration("retry.max-backoff", DEFAULT_MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ConfigException(
                    s.fullKey("retry.max-backoff")
                            + " must not be smaller than "
                            + s.fullKey("retry.initial-backoff"));
        }
        Duration connectTimeout = positiveDuration(s, "connect-timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration requestTimeout = positiveDuration(s, "request-timeout", DEFAULT_REQUEST_TIMEOUT);
        int pageSize = positiveInt(s, "list.page-size", DEFAULT_LIST_PAGE_SIZE);
        if (pageSize > 10_000) {
            throw new ConfigException(
                    "Invalid value '"
                            + pageSize
                            + "' for "
                            + s.fullKey("list.page-size")
                            + ": at most 10000 (Swift's listing limit)");
        }
        return new SwiftStorageConfig(
                auth,
                authUrl,
                user,
                key,
                ksUser,
                ksPassword,
                userDomain,
                project,
                projectDomain,
                appId,
                appSecret,
                region,
                endpointInterface,
                storageUrl,
                token,
                threshold,
                segmentSize,
                suffix,
                parallelism,
                attempts,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                requestTimeout,
                pageSize);
    }

    @SafeVarargs
    private static void rejectOthers(Settings s, Auth auth, List<String>... groups) {
        for (List<String> group : groups) {
            for (String k : group) {
                if (s.contains(k)) {
                    throw new ConfigException(
                            s.fullKey(k)
                                    + " is not used with "
                                    + s.fullKey("auth")
                                    + "="
                                    + auth.name().toLowerCase(Locale.ROOT).replace('_', '-')
                                    + " (accepted values of "
                                    + s.fullKey("auth")
                                    + ": tempauth, keystone-v3, token)");
                }
            }
        }
    }

    private static ConfigException missing(Settings s, String key) {
        return new ConfigException("Missing required setting " + s.fullKey(key));
    }

    private static Optional<String> nonBlank(Settings s, String key) {
        return s.getString(key).filter(v -> !v.isEmpty());
    }

    private static Optional<Secret> secret(Settings s, String key) {
        return s.getSecret(key).filter(v -> !v.reveal().isEmpty());
    }

    private static Secret requireSecret(Settings s, String key) {
        return secret(s, key).orElseThrow(() -> missing(s, key));
    }

    private static URI url(Settings s, String key) {
        String v = s.requireString(key);
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(v, "not an http(s) URL");
            }
            if (uri.getRawUserInfo() != null) {
                throw new ConfigException(
                        "Invalid value for " + s.fullKey(key) + ": credentials in the URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    "Invalid value '"
                            + v
                            + "' for "
                            + s.fullKey(key)
                            + ": expected an http:// or https:// URL");
        }
    }

    private static long positiveSize(Settings s, String key, long defaultValue) {
        long v = s.getDataSize(key, defaultValue);
        if (v <= 0) {
            throw notPositive(s, key);
        }
        return v;
    }

    private static int positiveInt(Settings s, String key, int defaultValue) {
        int v = s.getInt(key, defaultValue);
        if (v <= 0) {
            throw notPositive(s, key);
        }
        return v;
    }

    private static Duration positiveDuration(Settings s, String key, Duration defaultValue) {
        Duration v = s.getDuration(key, defaultValue);
        if (v.toMillis() <= 0) {
            throw notPositive(s, key);
        }
        return v;
    }

    private static ConfigException notPositive(Settings s, String key) {
        return new ConfigException(
                "Invalid value '"
                        + s.getString(key, "")
                        + "' for "
                        + s.fullKey(key)
                        + ": must be positive");
    }

    /** A TempAuth (v1) configuration with every other setting at its default. */
    public static SwiftStorageConfig tempAuth(URI authUrl, String user, Secret key) {
        return new SwiftStorageConfig(
                Auth.TEMPAUTH,
                Optional.of(authUrl),
                Optional.of(user),
                Optional.of(key),
                Optional.empty(),
                Optional.empty(),
                DEFAULT_DOMAIN,
                Optional.empty(),
                DEFAULT_DOMAIN,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                EndpointInterface.PUBLIC,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_SLO_THRESHOLD,
                DEFAULT_SEGMENT_SIZE,
                DEFAULT_SEGMENT_CONTAINER_SUFFIX,
                DEFAULT_UPLOAD_PARALLELISM,
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_LIST_PAGE_SIZE);
    }
}
