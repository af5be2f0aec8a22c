package dev.archiver.storage.azure;

import static java.util.Objects.requireNonNull;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Settings of the Azure Blob Storage backend, read from {@code storage.azure.} by {@link
 * #from(Settings)} or built with {@link #builder()}.
 *
 * <table>
 * <caption>Keys (under {@code storage.azure.})</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code account}</td><td>none</td><td>storage account name; the endpoint is
 *     {@code https://ACCOUNT.blob.core.windows.net} unless {@code endpoint} is set</td></tr>
 * <tr><td>{@code endpoint}</td><td>from the account</td><td>blob service URL, for Azurite
 *     ({@code http://127.0.0.1:10000/devstoreaccount1}), sovereign clouds or private
 *     endpoints</td></tr>
 * <tr><td>{@code credential}</td><td>{@code auto}</td><td>{@code auto}, {@code connection-string},
 *     {@code shared-key}, {@code sas} or {@code default} ({@code DefaultAzureCredential}: environment,
 *     workload identity, managed identity, Azure CLI...). {@code auto} picks the one secret that is
 *     set, else {@code default}</td></tr>
 * <tr><td>{@code connection-string}</td><td>none</td><td>secret; a full connection string</td></tr>
 * <tr><td>{@code account-key}</td><td>none</td><td>secret; the base64 shared key of
 *     {@code account}</td></tr>
 * <tr><td>{@code sas-token}</td><td>none</td><td>secret; a SAS token (leading {@code ?}
 *     optional)</td></tr>
 * <tr><td>{@code managed-identity-client-id}</td><td>none</td><td>client id of a user-assigned
 *     managed identity, for {@code default}</td></tr>
 * <tr><td>{@code block-size}</td><td>{@code 8MB}</td><td>size of the blocks a large file is staged
 *     in (raised automatically when a file would need more than 50,000 blocks)</td></tr>
 * <tr><td>{@code max-single-upload-size}</td><td>{@code 8MB}</td><td>files up to this size are one
 *     {@code Put Blob}; larger ones are staged as blocks</td></tr>
 * <tr><td>{@code max-concurrency}</td><td>{@code 4}</td><td>blocks of one file staged in
 *     parallel</td></tr>
 * <tr><td>{@code access-tier}</td><td>account default</td><td>{@code hot}, {@code cool},
 *     {@code cold} or {@code archive}</td></tr>
 * <tr><td>{@code tags.NAME}</td><td>none</td><td>blob index tags set on every blob (at most
 *     10)</td></tr>
 * <tr><td>{@code content-md5}</td><td>{@code true}</td><td>send the MD5 of every request body for
 *     the service to verify, and store the file's MD5 as the blob's {@code Content-MD5}</td></tr>
 * <tr><td>{@code list-page-size}</td><td>{@code 5000}</td><td>blobs per listing page
 *     (1-5000)</td></tr>
 * <tr><td>{@code batch-delete}</td><td>{@code false}</td><td>delete several blobs with
 *     {@code Blob Batch} requests (up to 256 each), falling back to single deletes for the blobs a
 *     batch did not delete; off by default because Azurite cannot run batches sent by the Java
 *     SDK, so the batch path is not covered by the test suite</td></tr>
 * <tr><td>{@code retry.max-tries}</td><td>{@code 4}</td><td>attempts per request, by the
 *     SDK</td></tr>
 * <tr><td>{@code retry.try-timeout}</td><td>{@code 2m}</td><td>timeout of one attempt</td></tr>
 * <tr><td>{@code retry.retry-delay}</td><td>{@code 4s}</td><td>first back-off (exponential)</td></tr>
 * <tr><td>{@code retry.max-retry-delay}</td><td>{@code 2m}</td><td>longest back-off</td></tr>
 * </table>
 *
 * <p>{@link #toString()} never shows a secret.
 *
 * @param account the storage account name
 * @param endpoint the blob service URL
 * @param credential how to authenticate
 * @param connectionString a connection string
 * @param accountKey the account's shared key
 * @param sasToken a SAS token, without the leading {@code ?}
 * @param managedIdentityClientId a user-assigned managed identity's client id
 * @param blockSize block size of staged uploads, in bytes
 * @param maxSingleUploadSize largest file uploaded with one request, in bytes
 * @param maxConcurrency blocks staged in parallel per file
 * @param accessTier the tier of new blobs; empty for the account's default
 * @param tags blob index tags of every blob
 * @param contentMd5 whether MD5 checksums are sent and stored
 * @param listPageSize blobs per listing page
 * @param batchDelete whether {@code deleteAll} uses {@code Blob Batch}
 * @param retryMaxTries attempts per request
 * @param retryTryTimeout timeout of one attempt
 * @param retryDelay first retry back-off
 * @param maxRetryDelay longest retry back-off
 * @since 0.1
 */
public record AzureBlobStorageConfig(
        Optional<String> account,
        Optional<String> endpoint,
        Credential credential,
        Optional<Secret> connectionString,
        Optional<Secret> accountKey,
        Optional<Secret> sasToken,
        Optional<String> managedIdentityClientId,
        long blockSize,
        long maxSingleUploadSize,
        int maxConcurrency,
        Optional<AccessTier> accessTier,
        Map<String, String> tags,
        boolean contentMd5,
        int listPageSize,
        boolean batchDelete,
        int retryMaxTries,
        Duration retryTryTimeout,
        Duration retryDelay,
        Duration maxRetryDelay) {

    /** Largest block the service accepts (4000 MiB). */
    public static final long MAX_BLOCK_SIZE = 4000L << 20;

    /** Largest blob the service accepts in one {@code Put Blob} (5000 MiB). */
    public static final long MAX_SINGLE_UPLOAD_SIZE = 5000L << 20;

    private static final String DEFAULT_PREFIX = "storage.azure.";
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9 +\\-./:=_]*");

    /** How the client authenticates. */
    public enum Credential {
        /** The one secret that is set, else {@link #DEFAULT}. */
        AUTO,
        /** {@code connection-string}. */
        CONNECTION_STRING,
        /** {@code account} + {@code account-key}. */
        SHARED_KEY,
        /** {@code sas-token}. */
        SAS,
        /**
         * {@code DefaultAzureCredential}: environment, workload identity, managed identity, CLI.
         */
        DEFAULT
    }

    /** The access tier of new blobs. */
    public enum AccessTier {
        HOT,
        COOL,
        COLD,
        /** Offline: blobs must be rehydrated before they can be read (verification fails). */
        ARCHIVE
    }

    public AzureBlobStorageConfig {
        requireNonNull(account, "account is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credential, "credential is null");
        requireNonNull(connectionString, "connectionString is null");
        requireNonNull(accountKey, "accountKey is null");
        requireNonNull(sasToken, "sasToken is null");
        requireNonNull(managedIdentityClientId, "managedIdentityClientId is null");
        requireNonNull(accessTier, "accessTier is null");
        tags = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(tags, "tags is null")));
        requireNonNull(retryTryTimeout, "retryTryTimeout is null");
        requireNonNull(retryDelay, "retryDelay is null");
        requireNonNull(maxRetryDelay, "maxRetryDelay is null");
        sasToken =
                sasToken.map(
                        t -> t.reveal().startsWith("?") ? Secret.of(t.reveal().substring(1)) : t);
        validate(
                k -> DEFAULT_PREFIX + k,
                false,
                account,
                endpoint,
                credential,
                connectionString,
                accountKey,
                sasToken,
                managedIdentityClientId,
                blockSize,
                maxSingleUploadSize,
                maxConcurrency,
                tags,
                listPageSize,
                retryMaxTries,
                retryTryTimeout,
                retryDelay,
                maxRetryDelay);
    }

    /**
     * Reads the settings under {@code storage.azure.} ({@code settings} is already scoped).
     *
     * @throws ConfigException naming the full key when a value is invalid or credentials are
     *     ambiguous or incomplete
     */
    public static AzureBlobStorageConfig from(Settings settings) {
        requireNonNull(settings, "settings is null");
        Builder b = builder();
        settings.getString("account").filter(s -> !s.isEmpty()).ifPresent(b::account);
        settings.getString("endpoint").filter(s -> !s.isEmpty()).ifPresent(b::endpoint);
        b.credential(settings.getEnum("credential", Credential.class, Credential.AUTO));
        settings.getSecret("connection-string")
                .filter(s -> !s.reveal().isEmpty())
                .ifPresent(b::connectionString);
        settings.getSecret("account-key")
                .filter(s -> !s.reveal().isEmpty())
                .ifPresent(b::accountKey);
        settings.getSecret("sas-token").filter(s -> !s.reveal().isEmpty()).ifPresent(b::sasToken);
        settings.getString("managed-identity-client-id")
                .filter(s -> !s.isEmpty())
                .ifPresent(b::managedIdentityClientId);
        b.blockSize(settings.getDataSize("block-size", b.blockSize));
        b.maxSingleUploadSize(
                settings.getDataSize("max-single-upload-size", b.maxSingleUploadSize));
        b.maxConcurrency(settings.getInt("max-concurrency", b.maxConcurrency));
        AccessTier tier = settings.getEnum("access-tier", AccessTier.class, null);
        if (tier != null) {
            b.accessTier(tier);
        }
        Settings tagSettings = settings.withPrefix("tags.");
        b.tags(tagSettings.asMap());
        b.contentMd5(settings.getBoolean("content-md5", b.contentMd5));
        b.listPageSize(settings.getInt("list-page-size", b.listPageSize));
        b.batchDelete(settings.getBoolean("batch-delete", b.batchDelete));
        b.retryMaxTries(settings.getInt("retry.max-tries", b.retryMaxTries));
        b.retryTryTimeout(settings.getDuration("retry.try-timeout", b.retryTryTimeout));
        b.retryDelay(settings.getDuration("retry.retry-delay", b.retryDelay));
        b.maxRetryDelay(settings.getDuration("retry.max-retry-delay", b.maxRetryDelay));
        Optional<Secret> sas =
                b.sasToken.map(
                        t -> t.reveal().startsWith("?") ? Secret.of(t.reveal().substring(1)) : t);
        validate(
                settings::fullKey,
                true,
                b.account,
                b.endpoint,
                b.credential,
                b.connectionString,
                b.accountKey,
                sas,
                b.managedIdentityClientId,
                b.blockSize,
                b.maxSingleUploadSize,
                b.maxConcurrency,
                b.tags,
                b.listPageSize,
                b.retryMaxTries,
                b.retryTryTimeout,
                b.retryDelay,
                b.maxRetryDelay);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The credential in effect once {@link Credential#AUTO} is resolved. */
    public Credential effectiveCredential() {
        return resolve(credential, connectionString, accountKey, sasToken);
    }

    /**
     * The blob service URL: {@code endpoint}, else {@code https://ACCOUNT.blob.core.windows.net};
     * empty when both come from the connection string.
     */
    public Optional<String> serviceEndpoint() {
        return endpoint.or(() -> account.map(a -> "https://" + a + ".blob.core.windows.net"));
    }

    /** The SDK retry options of these settings (exponential back-off). */
    public RequestRetryOptions retryOptions() {
        return new RequestRetryOptions(
                RetryPolicyType.EXPONENTIAL,
                retryMaxTries,
                retryTryTimeout,
                retryDelay,
                maxRetryDelay,
                null);
    }

    /**
     * Applies the endpoint, credential and retry options to an SDK builder, so that an embedding
     * application can add its own policies, HTTP client or logging before it builds the client.
     */
    public BlobServiceClientBuilder applyTo(BlobServiceClientBuilder builder) {
        requireNonNull(builder, "builder is null");
        switch (effectiveCredential()) {
            case CONNECTION_STRING -> {
                try {
                    builder.connectionString(connectionString.orElseThrow().reveal());
                } catch (RuntimeException e) {
                    // The SDK's message may quote the string; it is a secret.
                    throw new ConfigException(
                            "Invalid value for "
                                    + DEFAULT_PREFIX
                                    + "connection-string: not a valid Azure Storage connection"
                                    + " string (expected e.g."
                                    + " DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=...)");
                }
            }
            case SHARED_KEY ->
                    builder.credential(
                            new StorageSharedKeyCredential(
                                    account.orElseThrow(), accountKey.orElseThrow().reveal()));
            case SAS -> builder.sasToken(sasToken.orElseThrow().reveal());
            case DEFAULT -> {
                DefaultAzureCredentialBuilder credentialBuilder =
                        new DefaultAzureCredentialBuilder();
                managedIdentityClientId.ifPresent(credentialBuilder::managedIdentityClientId);
                builder.credential(credentialBuilder.build());
            }
            case AUTO -> throw new IllegalStateException("AUTO is resolved");
        }
        if (effectiveCredential() != Credential.CONNECTION_STRING || endpoint.isPresent()) {
            builder.endpoint(serviceEndpoint().orElseThrow());
        }
        return builder.retryOptions(retryOptions());
    }

    private static Credential resolve(
            Credential credential,
            Optional<Secret> connectionString,
            Optional<Secret> accountKey,
            Optional<Secret> sasToken) {
        if (credential != Credential.AUTO) {
            return credential;
        }
        if (connectionString.isPresent()) {
            return Credential.CONNECTION_STRING;
        }
        if (accountKey.isPresent()) {
            return Credential.SHARED_KEY;
        }
        if (sasToken.isPresent()) {
            return Credential.SAS;
        }
        return Credential.DEFAULT;
    }

    /**
     * @param requireTarget whether the account or endpoint must be known (not when a caller passes
     *     a ready-made client)
     */
    private static void validate(
            UnaryOperator<String> key,
            boolean requireTarget,
            Optional<String> account,
            Optional<String> endpoint,
            Credential credential,
            Optional<Secret> connectionString,
            Optional<Secret> accountKey,
            Optional<Secret> sasToken,
            Optional<String> managedIdentityClientId,
            long blockSize,
            long maxSingleUploadSize,
            int maxConcurrency,
            Map<String, String> tags,
            int listPageSize,
            int retryMaxTries,
            Duration retryTryTimeout,
            Duration retryDelay,
            Duration maxRetryDelay) {
        account.ifPresent(
                a -> {
                    if (!ACCOUNT.matcher(a).matches()) {
                        throw new ConfigException(
                                "Invalid value '"
                                        + a
                                        + "' for "
                                        + key.apply("account")
                                        + ": a storage account name has 3 to 24 lowercase letters and digits");
                    }
                });
        endpoint.ifPresent(e -> checkEndpoint(key.apply("endpoint"), e));
        List<String> secrets = new ArrayList<>();
        connectionString.ifPresent(s -> secrets.add(key.apply("connection-string")));
        accountKey.ifPresent(s -> secrets.add(key.apply("account-key")));
        sasToken.ifPresent(s -> secrets.add(key.apply("sas-token")));
        if (credential == Credential.AUTO && secrets.size() > 1) {
            throw new ConfigException(
                    "Ambiguous Azure credentials: "
                            + String.join(" and ", secrets)
                            + " are both set; set only one, or choose with "
                            + key.apply("credential")
                            + " (accepted values are auto, connection-string, shared-key, sas, default)");
        }
        Credential effective = resolve(credential, connectionString, accountKey, sasToken);
        String credentialKey = key.apply("credential");
        switch (effective) {
            case CONNECTION_STRING -> {
                require(
                        connectionString.isPresent(),
                        key.apply("connection-string"),
                        credentialKey);
                checkConnectionString(key.apply("connection-string"), connectionString.get());
                rejectOthers(key, secrets, "connection-string", credentialKey, effective);
            }
            case SHARED_KEY -> {
                require(accountKey.isPresent(), key.apply("account-key"), credentialKey);
                if (account.isEmpty()) {
                    throw new ConfigException(
                            "Missing required setting "
                                    + key.apply("account")
                                    + ": shared-key credentials need the account name");
                }
                try {
                    Base64.getDecoder().decode(accountKey.get().reveal());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                            "Invalid value for "
                                    + key.apply("account-key")
                                    + ": an account key is base64 (the value is not shown)");
                }
                rejectOthers(key, secrets, "account-key", credentialKey, effective);
            }
            case SAS -> {
                require(sasToken.isPresent(), key.apply("sas-token"), credentialKey);
                if (requireTarget) {
                    requireEndpoint(key, account, endpoint, effective);
                }
                rejectOthers(key, secrets, "sas-token", credentialKey, effective);
            }
            case DEFAULT -> {
                if (requireTarget && account.isEmpty() && endpoint.isEmpty()) {
                    throw new ConfigException(
                            "Missing Azure storage settings: set "
                                    + key.apply("account")
                                    + " (or "
                                    + key.apply("endpoint")
                                    + ") and a credential: "
                                    + key.apply("connection-string")
                                    + ", "
                                    + key.apply("account-key")
                                    + ", "
                                    + key.apply("sas-token")
                                    + " or "
                                    + credentialKey
                                    + "=default");
                }
                rejectOthers(key, secrets, null, credentialKey, effective);
            }
            case AUTO -> throw new IllegalStateException("AUTO is resolved");
        }
        if (managedIdentityClientId.isPresent() && effective != Credential.DEFAULT) {
            throw new ConfigException(
                    key.apply("managed-identity-client-id")
                            + " applies only to "
                            + credentialKey
                            + "=default, but the credential in effect is "
                            + name(effective));
        }
        checkRange(key.apply("block-size"), blockSize, 1, MAX_BLOCK_SIZE);
        checkRange(
                key.apply("max-single-upload-size"),
                maxSingleUploadSize,
                1,
                MAX_SINGLE_UPLOAD_SIZE);
        checkRange(key.apply("max-concurrency"), maxConcurrency, 1, 64);
        checkRange(key.apply("list-page-size"), listPageSize, 1, 5000);
        checkRange(key.apply("retry.max-tries"), retryMaxTries, 1, 100);
        if (retryTryTimeout.isZero() || retryTryTimeout.isNegative()) {
            throw new ConfigException(
                    "Invalid value '"
                            + Settings.formatDuration(retryTryTimeout)
                            + "' for "
                            + key.apply("retry.try-timeout")
                            + ": must be positive");
        }
        if (retryDelay.isZero() || retryDelay.isNegative()) {
            throw new ConfigException(
                    "Invalid value '"
                            + Settings.formatDuration(retryDelay)
                            + "' for "
                            + key.apply("retry.retry-delay")
                            + ": must be positive");
        }
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new ConfigException(
                    key.apply("retry.max-retry-delay")
                            + " ("
                            + Settings.formatDuration(maxRetryDelay)
                            + ") must not be shorter than "
                            + key.apply("retry.retry-delay")
                            + " ("
                            + Settings.formatDuration(retryDelay)
                            + ")");
        }
        if (tags.size() > 10) {
            throw new ConfigException(
                    "Too many blob index tags under "
                            + key.apply("tags.")
                            + ": at most 10, got "
                            + tags.size());
        }
        for (var e : tags.entrySet()) {
            String tagKey = key.apply("tags." + e.getKey());
            if (e.getKey().isEmpty()
                    || e.getKey().length() > 128
                    || !TAG.matcher(e.getKey()).matches()) {
                throw new ConfigException(
                        "Invalid tag name in "
                                + tagKey
                                + ": 1 to 128 characters among letters, digits, space and + - . / : = _");
            }
            if (e.getValue().length() > 256 || !TAG.matcher(e.getValue()).matches()) {
                throw new ConfigException(
                        "Invalid value '"
                                + e.getValue()
                                + "' for "
                                + tagKey
                                + ": up to 256 characters among letters, digits, space and + - . / : = _");
            }
        }
    }

    private static void checkEndpoint(String key, String endpoint) {
        try {
            URI uri = new URI(endpoint);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getRawQuery() != null
                    || uri.getUserInfo() != null) {
                throw new URISyntaxException(endpoint, "not an http(s) URL without query");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    "Invalid value '"
                            + endpoint
                            + "' for "
                            + key
                            + ": expected the blob service URL, e.g. https://ACCOUNT.blob.core.windows.net"
                            + " or http://127.0.0.1:10000/devstoreaccount1 (put a SAS token in sas-token)");
        }
    }

    private static void checkConnectionString(String key, Secret connectionString) {
        boolean pairs = true;
        boolean target = false;
        for (String part : connectionString.reveal().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                pairs = false;
                break;
            }
            String name = part.substring(0, eq).trim();
            target |= name.equalsIgnoreCase("AccountName") || name.equalsIgnoreCase("BlobEndpoint");
        }
        if (!pairs || !target) {
            throw new ConfigException(
                    "Invalid value for "
                            + key
                            + ": not an Azure Storage connection string (expected NAME=VALUE pairs"
                            + " separated by ';' with AccountName or BlobEndpoint; the value is not shown)");
        }
    }

    private static void require(boolean present, String secretKey, String credentialKey) {
        if (!present) {
            throw new ConfigException(
                    "Missing required setting " + secretKey + " (for " + credentialKey + ")");
        }
    }

    private static void requireEndpoint(
            UnaryOperator<String> key,
            Optional<String> account,
            Optional<String> endpoint,
            Credential effective) {
        if (account.isEmpty() && endpoint.isEmpty()) {
            throw new ConfigException(
                    "Missing required setting "
                            + key.apply("account")
                            + " (or "
                            + key.apply("endpoint")
                            + ") for "
                            + key.apply("credential")
                            + "="
                            + name(effective));
        }
    }

    private static void rejectOthers(
            UnaryOperator<String> key,
            List<String> secrets,
            String used,
            String credentialKey,
            Credential effective) {
        for (String s : secrets) {
            if (used == null || !s.equals(key.apply(used))) {
                throw new ConfigException(
                        s
                                + " is set but the credential in effect is "
                                + name(effective)
                                + " ("
                                + credentialKey
                                + "); remove it or change "
                                + credentialKey);
            }
        }
    }

    private static void checkRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException(
                    "Invalid value '"
                            + value
                            + "' for "
                            + key
                            + ": must be between "
                            + min
                            + " and "
                            + max);
        }
    }

    private static String name(Credential c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Builds a configuration; the defaults are those of the table above. */
    public static final class Builder {
        private Optional<String> account = Optional.empty();
        private Optional<String> endpoint = Optional.empty();
        private Credential credential = Credential.AUTO;
        private Optional<Secret> connectionString = Optional.empty();
        private Optional<Secret> accountKey = Optional.empty();
        private Optional<Secret> sasToken = Optional.empty();
        private Optional<String> managedIdentityClientId = Optional.empty();
        private long blockSize = 8L << 20;
        private long maxSingleUploadSize = 8L << 20;
        private int maxConcurrency = 4;
        private Optional<AccessTier> accessTier = Optional.empty();
        private Map<String, String> tags = new LinkedHashMap<>();
        private boolean contentMd5 = true;
        private int listPageSize = 5000;
        private boolean batchDelete = false;
        private int retryMaxTries = 4;
        private Duration retryTryTimeout = Duration.ofMinutes(2);
        private Duration retryDelay = Duration.ofSeconds(4);
        private Duration maxRetryDelay = Duration.ofMinutes(2);

        private Builder() {}

        public Builder account(String account) {
            this.account = Optional.of(account);
            return this;
        }

        public Builder endpoint(String endpoint) {
            this.endpoint = Optional.of(endpoint);
            return this;
        }

        public Builder credential(Credential credential) {
            this.credential = requireNonNull(credential, "credential is null");
            return this;
        }

        public Builder connectionString(Secret connectionString) {
            this.connectionString = Optional.of(connectionString);
            return this;
        }

        public Builder accountKey(Secret accountKey) {
            this.accountKey = Optional.of(accountKey);
            return this;
        }

        public Builder sasToken(Secret sasToken) {
            this.sasToken = Optional.of(sasToken);
            return this;
        }

        public Builder managedIdentityClientId(String clientId) {
            this.managedIdentityClientId = Optional.of(clientId);
            return this;
        }

        public Builder blockSize(long bytes) {
            this.blockSize = bytes;
            return this;
        }

        public Builder maxSingleUploadSize(long bytes) {
            this.maxSingleUploadSize = bytes;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder accessTier(AccessTier tier) {
            this.accessTier = Optional.of(tier);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags = new LinkedHashMap<>(tags);
            return this;
        }

        public Builder contentMd5(boolean contentMd5) {
            this.contentMd5 = contentMd5;
            return this;
        }

        public Builder listPageSize(int listPageSize) {
            this.listPageSize = listPageSize;
            return this;
        }

        public Builder batchDelete(boolean batchDelete) {
            this.batchDelete = batchDelete;
            return this;
        }

        public Builder retryMaxTries(int maxTries) {
            this.retryMaxTries = maxTries;
            return this;
        }

        public Builder retryTryTimeout(Duration tryTimeout) {
            this.retryTryTimeout = tryTimeout;
            return this;
        }

        public Builder retryDelay(Duration retryDelay) {
            this.retryDelay = retryDelay;
            return this;
        }

        public Builder maxRetryDelay(Duration maxRetryDelay) {
            this.maxRetryDelay = maxRetryDelay;
            return this;
        }

        /**
         * @throws ConfigException when a value is invalid; keys are named as under {@code
         *     storage.azure.}
         */
        public AzureBlobStorageConfig build() {
            return new AzureBlobStorageConfig(
                    account,
                    endpoint,
                    credential,
                    connectionString,
                    accountKey,
                    sasToken,
                    managedIdentityClientId,
                    blockSize,
                    maxSingleUploadSize,
                    maxConcurrency,
                    accessTier,
                    tags,
                    contentMd5,
                    listPageSize,
                    batchDelete,
                    retryMaxTries,
                    retryTryTimeout,
                    retryDelay,
                    maxRetryDelay);
        }
    }
}
