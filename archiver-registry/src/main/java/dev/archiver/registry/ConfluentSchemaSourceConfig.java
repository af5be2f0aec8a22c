package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Secret;
import dev.archiver.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the {@code confluent} schema source, a client of the Confluent Schema Registry REST
 * API (served as well by Apicurio Registry under {@code /apis/ccompat/v7} and by Karapace). Keys,
 * relative to the prefix the caller scoped them to:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code url}</td><td>required</td><td>the registry's base URL, {@code http} or {@code
 *       https}, e.g. {@code https://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7};
 *       no user-info (use the {@code basic-auth.*} keys)</td></tr>
 *   <tr><td>{@code basic-auth.username}, {@code basic-auth.password}</td><td>none</td><td>HTTP
 *       basic credentials; both or neither (the password is a secret)</td></tr>
 *   <tr><td>{@code bearer-token}</td><td>none</td><td>an {@code Authorization: Bearer} token (a
 *       secret); not with basic credentials</td></tr>
 *   <tr><td>{@code tls.truststore}</td><td>the JVM's</td><td>a trust store file (PKCS12 or JKS)
 *       holding the CA certificates to trust for {@code https}</td></tr>
 *   <tr><td>{@code tls.truststore-password}</td><td>none</td><td>its password (a secret)</td></tr>
 *   <tr><td>{@code tls.truststore-type}</td><td>{@code pkcs12}</td><td>{@code pkcs12} or {@code
 *       jks}</td></tr>
 *   <tr><td>{@code request-timeout}</td><td>{@code 10s}</td><td>the time one request may
 *       take</td></tr>
 *   <tr><td>{@code retries}</td><td>{@code 2}</td><td>how often one lookup is retried after a
 *       failure that may heal (unreachable, timeout, HTTP 5xx or 429) before it fails</td></tr>
 *   <tr><td>{@code retry-backoff}</td><td>{@code 200ms}</td><td>the wait before the first retry;
 *       doubled for each further one</td></tr>
 * </table>
 *
 * <p>{@link #toString()} shows no secret.
 *
 * @since 0.3
 */
public record ConfluentSchemaSourceConfig(
        URI url,
        Optional<String> basicAuthUsername,
        Optional<Secret> basicAuthPassword,
        Optional<Secret> bearerToken,
        Optional<Path> trustStore,
        Optional<Secret> trustStorePassword,
        String trustStoreType,
        Duration requestTimeout,
        int retries,
        Duration retryBackoff) {

    public ConfluentSchemaSourceConfig {
        requireNonNull(url, "url is null");
        requireNonNull(basicAuthUsername, "basicAuthUsername is null");
        requireNonNull(basicAuthPassword, "basicAuthPassword is null");
        requireNonNull(bearerToken, "bearerToken is null");
        requireNonNull(trustStore, "trustStore is null");
        requireNonNull(trustStorePassword, "trustStorePassword is null");
        requireNonNull(trustStoreType, "trustStoreType is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(retryBackoff, "retryBackoff is null");
        if (basicAuthUsername.isPresent() != basicAuthPassword.isPresent()) {
            throw new IllegalArgumentException("basic auth needs both a username and a password");
        }
        if (basicAuthUsername.isPresent() && bearerToken.isPresent()) {
            throw new IllegalArgumentException("use basic auth or a bearer token, not both");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
    }

    /** A configuration with {@code url} and every other setting at its default. */
    public static ConfluentSchemaSourceConfig of(URI url) {
        return new ConfluentSchemaSourceConfig(
                url,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                "PKCS12",
                Duration.ofSeconds(10),
                2,
                Duration.ofMillis(200));
    }

    /**
     * Reads the settings (already scoped to this source's prefix).
     *
     * @throws ConfigException naming the full key of a missing or invalid setting
     */
    public static ConfluentSchemaSourceConfig from(Settings settings) {
        String urlKey = settings.fullKey("url");
        String text =
                settings.getString("url")
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                "Missing "
                                                        + urlKey
                                                        + ": the schema registry's base URL, e.g."
                                                        + " http://localhost:8081"));
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException("Invalid value for " + urlKey + ": not a URL", e);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new ConfigException(
                    "Invalid value for "
                            + urlKey
                            + ": accepted values are http:// or https:// URLs");
        }
        if (url.getRawUserInfo() != null) {
            throw new ConfigException(
                    "Invalid value for "
                            + urlKey
                            + ": credentials in the URL are not accepted; set "
                            + settings.fullKey("basic-auth.username")
                            + " and "
                            + settings.fullKey("basic-auth.password"));
        }
        Optional<String> username = settings.getString("basic-auth.username");
        Optional<Secret> password = settings.getSecret("basic-auth.password");
        if (username.isPresent() != password.isPresent()) {
            throw new ConfigException(
                    "Set both "
                            + settings.fullKey("basic-auth.username")
                            + " and "
                            + settings.fullKey("basic-auth.password")
                            + ", or neither");
        }
        Optional<Secret> token = settings.getSecret("bearer-token");
        if (username.isPresent() && token.isPresent()) {
            throw new ConfigException(
                    "Set "
                            + settings.fullKey("basic-auth.username")
                            + " or "
                            + settings.fullKey("bearer-token")
                            + ", not both");
        }
        Optional<Path> trustStore = settings.getString("tls.truststore").map(Path::of);
        if (trustStore.isPresent() && !Files.isReadable(trustStore.get())) {
            throw new ConfigException(
                    "Invalid value '"
                            + trustStore.get()
                            + "' for "
                            + settings.fullKey("tls.truststore")
                            + ": not a readable file");
        }
        String type = settings.getString("tls.truststore-type", "pkcs12").toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw new ConfigException(
                    "Invalid value '"
                            + type.toLowerCase(Locale.ROOT)
                            + "' for "
                            + settings.fullKey("tls.truststore-type")
                            + ": accepted values are pkcs12, jks");
        }
        Duration timeout = settings.getDuration("request-timeout", Duration.ofSeconds(10));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey("request-timeout") + ": must be > 0");
        }
        int retries = settings.getInt("retries", 2);
        if (retries < 0) {
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey("retries") + ": must be >= 0");
        }
        Duration backoff = settings.getDuration("retry-backoff", Duration.ofMillis(200));
        return new ConfluentSchemaSourceConfig(
                url,
                username,
                password,
                token,
                trustStore,
                settings.getSecret("tls.truststore-password"),
                type,
                timeout,
                retries,
                backoff);
    }
}
