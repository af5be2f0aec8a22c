package dev.archiver.storage.s3;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The configuration of the {@code s3} store: how to reach the bucket and how to write objects.
 *
 * <p>Built with {@link #builder()} or read from settings with {@link #from(Settings)}. The keys,
 * relative to {@code storage.s3.}, and their defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code region}</td><td>the SDK's region chain; {@code us-east-1} with an endpoint</td>
 *       <td>AWS region of the bucket</td></tr>
 *   <tr><td>{@code endpoint}</td><td>AWS</td><td>endpoint override for S3-compatible stores
 *       ({@code https://minio.example:9000})</td></tr>
 *   <tr><td>{@code path-style-access}</td><td>false</td><td>{@code host/bucket/key} URLs
 *       instead of {@code bucket.host/key} (MinIO, Ceph, most on-premise stores)</td></tr>
 *   <tr><td>{@code credentials}</td><td>{@code static} when {@code access-key} is set, else
 *       {@code default}</td><td>{@code default} (the SDK's chain: environment, profile, web
 *       identity/IRSA, container and instance roles), {@code static} or {@code assume-role}</td></tr>
 *   <tr><td>{@code access-key}, {@code secret-key}, {@code session-token}</td><td></td>
 *       <td>static credentials (the last is optional)</td></tr>
 *   <tr><td>{@code role-arn}, {@code external-id}, {@code role-session-name}</td>
 *       <td>{@code role-session-name=kafka-archiver}</td><td>role assumed through STS with the
 *       default chain's credentials</td></tr>
 *   <tr><td>{@code multipart.threshold}</td><td>32MB</td><td>files of this size or larger are
 *       uploaded in parts</td></tr>
 *   <tr><td>{@code multipart.part-size}</td><td>16MB</td><td>5MB to 5GB; grown when a file would
 *       need more than 10,000 parts</td></tr>
 *   <tr><td>{@code multipart.parallelism}</td><td>4</td><td>parts uploaded at once, over all
 *       uploads of this storage</td></tr>
 *   <tr><td>{@code checksum-algorithm}</td><td>{@code crc32c}</td><td>{@code crc32c} or {@code
 *       crc32} (an {@code x-amz-checksum-*} header), {@code md5} ({@code Content-MD5}, for stores
 *       without flexible checksums) or {@code none}: computed from the local file before the
 *       request is sent and verified by the store</td></tr>
 *   <tr><td>{@code sse.type}</td><td>{@code none}</td><td>{@code none}, {@code s3} (SSE-S3),
 *       {@code kms} (SSE-KMS) or {@code sse-c} (customer-provided key)</td></tr>
 *   <tr><td>{@code sse.kms-key-id}</td><td>the account's default key</td><td>for {@code
 *       kms}</td></tr>
 *   <tr><td>{@code sse.customer-key}</td><td></td><td>for {@code sse-c}: base64 of a 256-bit
 *       key</td></tr>
 *   <tr><td>{@code storage-class}</td><td>the bucket's default</td><td>e.g. {@code
 *       STANDARD_IA}, {@code INTELLIGENT_TIERING}, {@code GLACIER_IR}</td></tr>
 *   <tr><td>{@code canned-acl}</td><td>none</td><td>e.g. {@code
 *       bucket-owner-full-control}</td></tr>
 *   <tr><td>{@code tags.NAME}</td><td>none</td><td>object tags (at most 10)</td></tr>
 *   <tr><td>{@code conditional-writes}</td><td>true</td><td>send {@code If-None-Match} /
 *       {@code If-Match}; turn off for stores that reject them</td></tr>
 *   <tr><td>{@code retry.max-attempts}</td><td>3</td><td>attempts per request, first one
 *       included (throttling and 5xx are retried with backoff by the SDK)</td></tr>
 *   <tr><td>{@code api-call-timeout}</td><td>none</td><td>bound on one request including
 *       retries</td></tr>
 *   <tr><td>{@code api-call-attempt-timeout}</td><td>none</td><td>bound on one attempt</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>10s</td><td>TCP/TLS connect timeout</td></tr>
 *   <tr><td>{@code max-connections}</td><td>50</td><td>HTTP connection pool size</td></tr>
 *   <tr><td>{@code list.page-size}</td><td>1000</td><td>keys per listing request (1 to
 *       1000)</td></tr>
 * </table>
 *
 * <p>Secrets are held as {@link Secret}s and redacted in {@link #toString()}.
 *
 * @param region the region; empty for the SDK's region chain (or {@code us-east-1} when an endpoint
 *     is set)
 * @param endpoint the endpoint override; empty for AWS
 * @param pathStyleAccess whether to use path-style URLs
 * @param credentials where credentials come from
 * @param multipartThreshold the file size from which uploads use multipart
 * @param partSize the size of each part but the last
 * @param uploadParallelism how many parts are uploaded at once by one storage
 * @param checksumAlgorithm the checksum sent with every object and part
 * @param encryption server-side encryption
 * @param storageClass the storage class; empty for the bucket's default
 * @param cannedAcl the canned ACL; empty for none
 * @param tags object tags
 * @param conditionalWrites whether preconditions are sent to the store
 * @param maxAttempts attempts per request, at least 1
 * @param apiCallTimeout bound on one request including retries
 * @param apiCallAttemptTimeout bound on one attempt
 * @param connectTimeout connect timeout
 * @param maxConnections HTTP connection pool size
 * @param listPageSize keys per listing request
 * @since 0.1
 */
public record S3StorageConfig(
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyleAccess,
        Credentials credentials,
        long multipartThreshold,
        long partSize,
        int uploadParallelism,
        ChecksumAlgorithm checksumAlgorithm,
        Encryption encryption,
        Optional<String> storageClass,
        Optional<String> cannedAcl,
        Map<String, String> tags,
        boolean conditionalWrites,
        int maxAttempts,
        Optional<Duration> apiCallTimeout,
        Optional<Duration> apiCallAttemptTimeout,
        Duration connectTimeout,
        int maxConnections,
        int listPageSize) {

    /** S3's smallest part (but the last). */
    public static final long MIN_PART_SIZE = 5L << 20;

    /** S3's largest part and largest single PUT. */
    public static final long MAX_PART_SIZE = 5L << 30;

    public static final long DEFAULT_MULTIPART_THRESHOLD = 32L << 20;
    public static final long DEFAULT_PART_SIZE = 16L << 20;
    public static final int DEFAULT_UPLOAD_PARALLELISM = 4;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 50;
    public static final int DEFAULT_LIST_PAGE_SIZE = 1000;
    public static final String DEFAULT_ROLE_SESSION_NAME = "kafka-archiver";

    private static final int MAX_TAGS = 10;

    public S3StorageConfig {
        requireNonNull(region, "region is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(checksumAlgorithm, "checksumAlgorithm is null");
        requireNonNull(encryption, "encryption is null");
        requireNonNull(storageClass, "storageClass is null");
        requireNonNull(cannedAcl, "cannedAcl is null");
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(apiCallTimeout, "apiCallTimeout is null");
        requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        region.ifPresent(r -> check(!r.isBlank(), "region is blank"));
        endpoint.ifPresent(e -> check(isHttpUri(e), "endpoint must be an http or https URI: " + e));
        check(
                multipartThreshold >= 1 && multipartThreshold <= MAX_PART_SIZE,
                "multipartThreshold must be 1 byte to 5GB");
        check(
                partSize >= MIN_PART_SIZE && partSize <= MAX_PART_SIZE,
                "partSize must be 5MB to 5GB");
        check(uploadParallelism >= 1, "uploadParallelism must be at least 1");
        storageClass.ifPresent(s -> check(validStorageClass(s), "unknown storage class " + s));
        cannedAcl.ifPresent(a -> check(validCannedAcl(a), "unknown canned ACL " + a));
        check(tags.size() <= MAX_TAGS, "at most " + MAX_TAGS + " tags are allowed");
        tags.forEach((k, v) -> check(validTag(k, v), "invalid tag " + k));
        check(maxAttempts >= 1, "maxAttempts must be at least 1");
        apiCallTimeout.ifPresent(d -> check(d.toMillis() > 0, "apiCallTimeout must be positive"));
        apiCallAttemptTimeout.ifPresent(
                d -> check(d.toMillis() > 0, "apiCallAttemptTimeout must be positive"));
        check(connectTimeout.toMillis() > 0, "connectTimeout must be positive");
        check(maxConnections >= 1, "maxConnections must be at least 1");
        check(listPageSize >= 1 && listPageSize <= 1000, "listPageSize must be 1 to 1000");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads the configuration from the settings under {@code storage.s3.}.
     *
     * @throws ConfigException naming the full key when a setting is invalid or a required one is
     *     missing
     */
    public static S3StorageConfig from(Settings settings) {
        requireNonNull(settings, "settings is null");
        Builder b = builder();
        settings.getString("region")
                .ifPresent(
                        r -> {
                            if (r.isEmpty()) {
                                throw new ConfigException(
                                        "Invalid value '' for "
                                                + settings.fullKey("region")
                                                + ": expected a region such as eu-west-1");
                            }
                            b.region(r);
                        });
        settings.getString("endpoint").ifPresent(e -> b.endpoint(parseEndpoint(settings, e)));
        b.pathStyleAccess(settings.getBoolean("path-style-access", false));
        b.credentials(readCredentials(settings));

        b.multipartThreshold(
                settings.getDataSize("multipart.threshold", DEFAULT_MULTIPART_THRESHOLD));
        if (b.multipartThreshold < 1 || b.multipartThreshold > MAX_PART_SIZE) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("multipart.threshold")
                            + ": expected 1B to 5GB");
        }
        b.partSize(settings.getDataSize("multipart.part-size", DEFAULT_PART_SIZE));
        if (b.partSize < MIN_PART_SIZE || b.partSize > MAX_PART_SIZE) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("multipart.part-size")
                            + ": expected 5MB to 5GB");
        }
        b.uploadParallelism(
                atLeast(settings, "multipart.parallelism", DEFAULT_UPLOAD_PARALLELISM, 1));
        b.checksumAlgorithm(
                settings.getEnum(
                        "checksum-algorithm", ChecksumAlgorithm.class, ChecksumAlgorithm.CRC32C));
        b.encryption(readEncryption(settings));

        settings.getString("storage-class")
                .map(
                        s ->
                                closedSetValue(
                                        settings,
                                        "storage-class",
                                        s,
                                        validStorageClass(s),
                                        StorageClass.knownValues().stream()
                                                .map(StorageClass::toString)))
                .ifPresent(s -> b.storageClass(s.toUpperCase(Locale.ROOT)));
        settings.getString("canned-acl")
                .map(
                        a ->
                                closedSetValue(
                                        settings,
                                        "canned-acl",
                                        a,
                                        validCannedAcl(a),
                                        ObjectCannedACL.knownValues().stream()
                                                .map(ObjectCannedACL::toString)))
                .ifPresent(a -> b.cannedAcl(a.toLowerCase(Locale.ROOT)));
        Settings tagSettings = settings.withPrefix("tags.");
        Map<String, String> tags = tagSettings.asMap();
        if (tags.size() > MAX_TAGS) {
            throw new ConfigException(
                    "Too many tags under "
                            + tagSettings.fullKey("")
                            + ": S3 allows at most "
                            + MAX_TAGS);
        }
        tags.forEach(
                (k, v) -> {
                    if (!validTag(k, v)) {
                        throw new ConfigException(
                                "Invalid tag "
                                        + tagSettings.fullKey(k)
                                        + ": names are 1-128 and values 0-256 characters of letters, digits, spaces and + - = . _ : / @");
                    }
                });
        b.tags(tags);

        b.conditionalWrites(settings.getBoolean("conditional-writes", true));
        b.maxAttempts(atLeast(settings, "retry.max-attempts", DEFAULT_MAX_ATTEMPTS, 1));
        settings.getDuration("api-call-timeout")
                .ifPresent(d -> b.apiCallTimeout(positive(settings, "api-call-timeout", d)));
        settings.getDuration("api-call-attempt-timeout")
                .ifPresent(
                        d ->
                                b.apiCallAttemptTimeout(
                                        positive(settings, "api-call-attempt-timeout", d)));
        b.connectTimeout(
                positive(
                        settings,
                        "connect-timeout",
                        settings.getDuration("connect-timeout", DEFAULT_CONNECT_TIMEOUT)));
        b.maxConnections(atLeast(settings, "max-connections", DEFAULT_MAX_CONNECTIONS, 1));
        int pageSize = atLeast(settings, "list.page-size", DEFAULT_LIST_PAGE_SIZE, 1);
        if (pageSize > 1000) {
            throw new ConfigException(
                    "Invalid value '"
                            + pageSize
                            + "' for "
                            + settings.fullKey("list.page-size")
                            + ": expected 1 to 1000");
        }
        b.listPageSize(pageSize);
        return b.build();
    }

    private static URI parseEndpoint(Settings settings, String value) {
        try {
            URI uri = new URI(value);
            if (isHttpUri(uri)) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(
                "Invalid value '"
                        + value
                        + "' for "
                        + settings.fullKey("endpoint")
                        + ": expected an http or https URL such as https://minio.example.com:9000");
    }

    private static Credentials readCredentials(Settings settings) {
        Optional<String> accessKey = settings.getString("access-key").filter(s -> !s.isEmpty());
        Optional<Secret> secretKey =
                settings.getSecret("secret-key").filter(s -> !s.reveal().isEmpty());
        Optional<Secret> sessionToken =
                settings.getSecret("session-token").filter(s -> !s.reveal().isEmpty());
        Optional<String> roleArn = settings.getString("role-arn").filter(s -> !s.isEmpty());
        Optional<String> externalId = settings.getString("external-id").filter(s -> !s.isEmpty());
        Optional<String> sessionName =
                settings.getString("role-session-name").filter(s -> !s.isEmpty());
        CredentialsType type =
                settings.getEnum(
                        "credentials",
                        CredentialsType.class,
                        accessKey.isPresent() || secretKey.isPresent()
                                ? CredentialsType.STATIC
                                : CredentialsType.DEFAULT);
        String typeName = type.name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (type != CredentialsType.STATIC) {
            for (String key : new String[] {"access-key", "secret-key", "session-token"}) {
                if (settings.contains(key)) {
                    throw new ConfigException(
                            settings.fullKey(key)
                                    + " is set but "
                                    + settings.fullKey("credentials")
                                    + " is "
                                    + typeName
                                    + ": set "
                                    + settings.fullKey("credentials")
                                    + "=static or remove it");
                }
            }
        }
        if (type != CredentialsType.ASSUME_ROLE) {
            for (String key : new String[] {"role-arn", "external-id", "role-session-name"}) {
                if (settings.contains(key)) {
                    throw new ConfigException(
                            settings.fullKey(key)
                                    + " is set but "
                                    + settings.fullKey("credentials")
                                    + " is "
                                    + typeName
                                    + ": set "
                                    + settings.fullKey("credentials")
                                    + "=assume-role or remove it");
                }
            }
        }
        return switch (type) {
            case DEFAULT -> Credentials.defaultChain();
            case STATIC ->
                    new StaticKeys(
                            accessKey.orElseThrow(
                                    () -> missing(settings, "access-key", "credentials=static")),
                            secretKey.orElseThrow(
                                    () -> missing(settings, "secret-key", "credentials=static")),
                            sessionToken);
            case ASSUME_ROLE ->
                    new AssumeRole(
                            roleArn.orElseThrow(
                                    () -> missing(settings, "role-arn", "credentials=assume-role")),
                            externalId,
                            sessionName.orElse(DEFAULT_ROLE_SESSION_NAME));
        };
    }

    private static Encryption readEncryption(Settings settings) {
        SseType type = settings.getEnum("sse.type", SseType.class, SseType.NONE);
        if (type != SseType.KMS && settings.contains("sse.kms-key-id")) {
            throw new ConfigException(
                    settings.fullKey("sse.kms-key-id")
                            + " is set but "
                            + settings.fullKey("sse.type")
                            + " is not kms");
        }
        if (type != SseType.SSE_C && settings.contains("sse.customer-key")) {
            throw new ConfigException(
                    settings.fullKey("sse.customer-key")
                            + " is set but "
                            + settings.fullKey("sse.type")
                            + " is not sse-c");
        }
        return switch (type) {
            case NONE -> Encryption.none();
            case S3 -> Encryption.s3Managed();
            case KMS -> new SseKms(settings.getString("sse.kms-key-id").filter(s -> !s.isEmpty()));
            case SSE_C -> {
                Secret key =
                        settings.getSecret("sse.customer-key")
                                .filter(s -> !s.reveal().isEmpty())
                                .orElseThrow(
                                        () ->
                                                missing(
                                                        settings,
                                                        "sse.customer-key",
                                                        "sse.type=sse-c"));
                if (!SseC.isValidKey(key)) {
                    throw new ConfigException(
                            "Invalid value for "
                                    + settings.fullKey("sse.customer-key")
                                    + ": expected the base64 encoding of a 256-bit (32-byte) key");
                }
                yield new SseC(key);
            }
        };
    }

    private static ConfigException missing(Settings settings, String key, String because) {
        return new ConfigException(
                "Missing required setting "
                        + settings.fullKey(key)
                        + " (required by "
                        + settings.fullKey(because)
                        + ")");
    }

    private static int atLeast(Settings settings, String key, int defaultValue, int min) {
        int v = settings.getInt(key, defaultValue);
        if (v < min) {
            throw new ConfigException(
                    "Invalid value '"
                            + v
                            + "' for "
                            + settings.fullKey(key)
                            + ": expected at least "
                            + min);
        }
        return v;
    }

    private static Duration positive(Settings settings, String key, Duration d) {
        if (d.toMillis() <= 0) {
            throw new ConfigException(
                    "Invalid value '"
                            + d
                            + "' for "
                            + settings.fullKey(key)
                            + ": expected a positive duration");
        }
        return d;
    }

    /**
     * {@code value} when {@code valid}; otherwise a ConfigException naming the key and the accepted
     * values.
     */
    private static String closedSetValue(
            Settings settings, String key, String value, boolean valid, Stream<String> accepted) {
        if (!valid) {
            throw new ConfigException(
                    "Invalid value '"
                            + value
                            + "' for "
                            + settings.fullKey(key)
                            + ": accepted values are "
                            + knownValues(accepted));
        }
        return value;
    }

    private static String knownValues(Stream<String> values) {
        return values.sorted().collect(Collectors.joining(", "));
    }

    private static boolean isHttpUri(URI uri) {
        return uri.getScheme() != null
                && Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                && uri.getHost() != null;
    }

    private static boolean validStorageClass(String s) {
        return StorageClass.fromValue(s.toUpperCase(Locale.ROOT))
                != StorageClass.UNKNOWN_TO_SDK_VERSION;
    }

    private static boolean validCannedAcl(String a) {
        return ObjectCannedACL.fromValue(a.toLowerCase(Locale.ROOT))
                != ObjectCannedACL.UNKNOWN_TO_SDK_VERSION;
    }

    private static boolean validTag(String key, String value) {
        return key.length() >= 1
                && key.length() <= 128
                && value.length() <= 256
                && key.matches("[\\p{L}\\p{N}\\s+\\-=._:/@]+")
                && value.matches("[\\p{L}\\p{N}\\s+\\-=._:/@]*");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The checksum computed from the local file before each object or part is sent, and verified by
     * the store against the bytes it received.
     */
    public enum ChecksumAlgorithm {
        /** {@code x-amz-checksum-crc32c}, a flexible checksum (AWS, MinIO, Ceph RGW 19+). */
        CRC32C,
        /** {@code x-amz-checksum-crc32}, a flexible checksum. */
        CRC32,
        /** {@code Content-MD5}, which every S3-compatible store verifies. */
        MD5,
        /**
         * No checksum header. The body is still covered by SigV4's payload hash over plain HTTP and
         * by TLS over HTTPS.
         */
        NONE
    }

    private enum CredentialsType {
        DEFAULT,
        STATIC,
        ASSUME_ROLE
    }

    private enum SseType {
        NONE,
        S3,
        KMS,
        SSE_C
    }

    /** Where the client's credentials come from. */
    public sealed interface Credentials permits DefaultChain, StaticKeys, AssumeRole {
        static Credentials defaultChain() {
            return new DefaultChain();
        }

        static Credentials staticKeys(String accessKeyId, Secret secretAccessKey) {
            return new StaticKeys(accessKeyId, secretAccessKey, Optional.empty());
        }

        static Credentials assumeRole(String roleArn) {
            return new AssumeRole(roleArn, Optional.empty(), DEFAULT_ROLE_SESSION_NAME);
        }

        static Credentials assumeRole(String roleArn, String externalId) {
            return new AssumeRole(
                    roleArn,
                    Optional.of(requireNonNull(externalId, "externalId is null")),
                    DEFAULT_ROLE_SESSION_NAME);
        }
    }

    /**
     * The SDK's default chain: environment, system properties, web identity (IRSA), profile,
     * container and instance credentials.
     */
    public record DefaultChain() implements Credentials {}

    /** Fixed keys, e.g. an S3-compatible bucket's access key and secret key. */
    public record StaticKeys(
            String accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken)
            implements Credentials {
        public StaticKeys {
            requireNonNull(accessKeyId, "accessKeyId is null");
            requireNonNull(secretAccessKey, "secretAccessKey is null");
            requireNonNull(sessionToken, "sessionToken is null");
            check(!accessKeyId.isBlank(), "accessKeyId is blank");
        }
    }

    /**
     * A role assumed through STS, using the default chain's credentials; refreshed before expiry.
     */
    public record AssumeRole(String roleArn, Optional<String> externalId, String sessionName)
            implements Credentials {
        public AssumeRole {
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(externalId, "externalId is null");
            requireNonNull(sessionName, "sessionName is null");
            check(!roleArn.isBlank(), "roleArn is blank");
            check(!sessionName.isBlank(), "sessionName is blank");
        }
    }

    /** Server-side encryption of written objects. */
    public sealed interface Encryption permits NoEncryption, SseS3, SseKms, SseC {
        static Encryption none() {
            return new NoEncryption();
        }

        static Encryption s3Managed() {
            return new SseS3();
        }

        /** SSE-KMS with the account's default {@code aws/s3} key. */
        static Encryption kms() {
            return new SseKms(Optional.empty());
        }

        /** SSE-KMS with the given key ID, ARN or alias. */
        static Encryption kms(String keyId) {
            return new SseKms(Optional.of(requireNonNull(keyId, "keyId is null")));
        }

        static Encryption customerKey(Secret base64Key) {
            return new SseC(base64Key);
        }
    }

    /** No encryption header is sent (the bucket's default encryption applies). */
    public record NoEncryption() implements Encryption {}

    /** SSE-S3: keys managed by S3 ({@code AES256}). */
    public record SseS3() implements Encryption {}

    /** SSE-KMS with the given key, or the account's default {@code aws/s3} key when empty. */
    public record SseKms(Optional<String> keyId) implements Encryption {
        public SseKms {
            requireNonNull(keyId, "keyId is null");
        }
    }

    /**
     * SSE-C: a customer-provided 256-bit key, sent with every write and read of an object. Losing
     * it loses the data.
     */
    public record SseC(Secret base64Key) implements Encryption {
        public SseC {
            requireNonNull(base64Key, "base64Key is null");
            check(isValidKey(base64Key), "the SSE-C key must be the base64 encoding of 32 bytes");
        }

        static boolean isValidKey(Secret key) {
            try {
                return Base64.getDecoder().decode(key.reveal()).length == 32;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /** A builder with the documented defaults. */
    public static final class Builder {
        private Optional<String> region = Optional.empty();
        private Optional<URI> endpoint = Optional.empty();
        private boolean pathStyleAccess;
        private Credentials credentials = Credentials.defaultChain();
        private long multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
        private long partSize = DEFAULT_PART_SIZE;
        private int uploadParallelism = DEFAULT_UPLOAD_PARALLELISM;
        private ChecksumAlgorithm checksumAlgorithm = ChecksumAlgorithm.CRC32C;
        private Encryption encryption = Encryption.none();
        private Optional<String> storageClass = Optional.empty();
        private Optional<String> cannedAcl = Optional.empty();
        private Map<String, String> tags = Map.of();
        private boolean conditionalWrites = true;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Optional<Duration> apiCallTimeout = Optional.empty();
        private Optional<Duration> apiCallAttemptTimeout = Optional.empty();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int listPageSize = DEFAULT_LIST_PAGE_SIZE;

        private Builder() {}

        private Builder(S3StorageConfig c) {
            region = c.region;
            endpoint = c.endpoint;
            pathStyleAccess = c.pathStyleAccess;
            credentials = c.credentials;
            multipartThreshold = c.multipartThreshold;
            partSize = c.partSize;
            uploadParallelism = c.uploadParallelism;
            checksumAlgorithm = c.checksumAlgorithm;
            encryption = c.encryption;
            storageClass = c.storageClass;
            cannedAcl = c.cannedAcl;
            tags = c.tags;
            conditionalWrites = c.conditionalWrites;
            maxAttempts = c.maxAttempts;
            apiCallTimeout = c.apiCallTimeout;
            apiCallAttemptTimeout = c.apiCallAttemptTimeout;
            connectTimeout = c.connectTimeout;
            maxConnections = c.maxConnections;
            listPageSize = c.listPageSize;
        }

        public Builder region(String region) {
            this.region = Optional.of(requireNonNull(region, "region is null"));
            return this;
        }

        public Builder endpoint(URI endpoint) {
            this.endpoint = Optional.of(requireNonNull(endpoint, "endpoint is null"));
            return this;
        }

        public Builder pathStyleAccess(boolean pathStyleAccess) {
            this.pathStyleAccess = pathStyleAccess;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = requireNonNull(credentials, "credentials is null");
            return this;
        }

        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = bytes;
            return this;
        }

        public Builder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        public Builder uploadParallelism(int parts) {
            this.uploadParallelism = parts;
            return this;
        }

        public Builder checksumAlgorithm(ChecksumAlgorithm algorithm) {
            this.checksumAlgorithm = requireNonNull(algorithm, "algorithm is null");
            return this;
        }

        public Builder encryption(Encryption encryption) {
            this.encryption = requireNonNull(encryption, "encryption is null");
            return this;
        }

        public Builder storageClass(String storageClass) {
            this.storageClass = Optional.of(requireNonNull(storageClass, "storageClass is null"));
            return this;
        }

        public Builder cannedAcl(String cannedAcl) {
            this.cannedAcl = Optional.of(requireNonNull(cannedAcl, "cannedAcl is null"));
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags = new TreeMap<>(requireNonNull(tags, "tags is null"));
            return this;
        }

        public Builder tag(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(tags);
            copy.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
            this.tags = copy;
            return this;
        }

        public Builder conditionalWrites(boolean conditionalWrites) {
            this.conditionalWrites = conditionalWrites;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder apiCallTimeout(Duration timeout) {
            this.apiCallTimeout = Optional.of(requireNonNull(timeout, "timeout is null"));
            return this;
        }

        public Builder apiCallAttemptTimeout(Duration timeout) {
            this.apiCallAttemptTimeout = Optional.of(requireNonNull(timeout, "timeout is null"));
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requireNonNull(timeout, "timeout is null");
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder listPageSize(int listPageSize) {
            this.listPageSize = listPageSize;
            return this;
        }

        public S3StorageConfig build() {
            return new S3StorageConfig(
                    region,
                    endpoint,
                    pathStyleAccess,
                    credentials,
                    multipartThreshold,
                    partSize,
                    uploadParallelism,
                    checksumAlgorithm,
                    encryption,
                    storageClass,
                    cannedAcl,
                    tags,
                    conditionalWrites,
                    maxAttempts,
                    apiCallTimeout,
                    apiCallAttemptTimeout,
                    connectTimeout,
                    maxConnections,
                    listPageSize);
        }
    }
}
