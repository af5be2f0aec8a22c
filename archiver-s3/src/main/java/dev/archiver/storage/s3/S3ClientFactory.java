package dev.archiver.storage.s3;

import dev.archiver.storage.s3.S3StorageConfig.AssumeRole;
import dev.archiver.storage.s3.S3StorageConfig.DefaultChain;
import dev.archiver.storage.s3.S3StorageConfig.StaticKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the SDK client for a {@link S3StorageConfig}; the one place that maps settings onto the
 * SDK.
 */
final class S3ClientFactory {
    private S3ClientFactory() {}

    /** A client and what must be closed with it, in closing order (the client first). */
    record OwnedClient(S3Client client, List<AutoCloseable> resources) {}

    static OwnedClient create(S3StorageConfig config, Consumer<S3ClientBuilder> customizer) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            SdkHttpClient http =
                    Apache5HttpClient.builder()
                            .maxConnections(config.maxConnections())
                            .connectionTimeout(config.connectTimeout())
                            .build();
            resources.add(http);
            Region region =
                    config.region()
                            .map(Region::of)
                            .orElse(config.endpoint().isPresent() ? Region.US_EAST_1 : null);
            AwsCredentialsProvider credentials = credentials(config, region, http, resources);

            ClientOverrideConfiguration.Builder override =
                    ClientOverrideConfiguration.builder()
                            .retryStrategy(r -> r.maxAttempts(config.maxAttempts()));
            config.apiCallTimeout().ifPresent(override::apiCallTimeout);
            config.apiCallAttemptTimeout().ifPresent(override::apiCallAttemptTimeout);

            S3ClientBuilder builder =
                    S3Client.builder()
                            .httpClient(http)
                            .credentialsProvider(credentials)
                            .forcePathStyle(config.pathStyleAccess())
                            // S3Storage computes every checksum itself and sends it as a header
                            // before the body. Left on, the SDK adds a CRC32 trailer of its own
                            // and streams bodies aws-chunked (signed chunks over plain HTTP),
                            // which some stores do not implement; with a precomputed checksum
                            // it even declares an x-amz-trailer it never sends. A plain body
                            // (SHA-256 payload hash over HTTP, UNSIGNED-PAYLOAD over HTTPS) is
                            // understood by every SigV4 store.
                            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                            .serviceConfiguration(
                                    S3Configuration.builder().chunkedEncodingEnabled(false).build())
                            .overrideConfiguration(override.build());
            if (region != null) {
                builder.region(region);
            }
            config.endpoint().ifPresent(builder::endpointOverride);
            customizer.accept(builder);
            S3Client client = builder.build();
            resources.add(0, client);
            return new OwnedClient(client, List.copyOf(resources));
        } catch (RuntimeException e) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static AwsCredentialsProvider credentials(
            S3StorageConfig config,
            Region region,
            SdkHttpClient http,
            List<AutoCloseable> resources) {
        if (config.credentials() instanceof StaticKeys keys) {
            return StaticCredentialsProvider.create(
                    keys.sessionToken()
                            .<AwsCredentials>map(
                                    token ->
                                            AwsSessionCredentials.create(
                                                    keys.accessKeyId(),
                                                    keys.secretAccessKey().reveal(),
                                                    token.reveal()))
                            .orElseGet(
                                    () ->
                                            AwsBasicCredentials.create(
                                                    keys.accessKeyId(),
                                                    keys.secretAccessKey().reveal())));
        }
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        resources.add(chain);
        if (config.credentials() instanceof DefaultChain) {
            return chain;
        }
        AssumeRole role = (AssumeRole) config.credentials();
        var sts = StsClient.builder().httpClient(http).credentialsProvider(chain);
        if (region != null) {
            sts.region(region);
        }
        StsClient stsClient = sts.build();
        resources.add(stsClient);
        StsAssumeRoleCredentialsProvider provider =
                StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(stsClient)
                        .refreshRequest(
                                r -> {
                                    r.roleArn(role.roleArn()).roleSessionName(role.sessionName());
                                    role.externalId().ifPresent(r::externalId);
                                })
                        .build();
        resources.add(0, provider);
        return provider;
    }

    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                if (r instanceof SdkAutoCloseable c) {
                    c.close();
                } else {
                    r.close();
                }
            } catch (Exception e) {
                // best effort: closing must release the rest
            }
        }
    }
}
