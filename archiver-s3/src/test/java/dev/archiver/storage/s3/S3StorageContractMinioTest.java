package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.archiver.config.Secret;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The storage contract against MinIO in a container; skipped only where Docker is absent (the
 * S3Proxy binding always runs). MinIO implements object tagging, so tags are read back here.
 */
@Testcontainers(disabledWithoutDocker = true)
class S3StorageContractMinioTest extends AbstractS3StorageContractTest {
    @Container
    static final MinIOContainer MINIO =
            new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

    private S3Client client;

    @Override
    protected S3StorageConfig.Builder serverConfig() {
        return S3StorageConfig.builder()
                .endpoint(URI.create(MINIO.getS3URL()))
                .region("us-east-1")
                .pathStyleAccess(true)
                .credentials(
                        S3StorageConfig.Credentials.staticKeys(
                                MINIO.getUserName(), Secret.of(MINIO.getPassword())));
    }

    @Override
    protected synchronized S3Client nativeClient() {
        if (client == null) {
            client =
                    S3Client.builder()
                            .endpointOverride(URI.create(MINIO.getS3URL()))
                            .forcePathStyle(true)
                            .region(Region.US_EAST_1)
                            .credentialsProvider(
                                    StaticCredentialsProvider.create(
                                            AwsBasicCredentials.create(
                                                    MINIO.getUserName(), MINIO.getPassword())))
                            .build();
        }
        return client;
    }

    @Override
    protected String createBucket() {
        String bucket =
                ("contract-" + UUID.randomUUID().toString().substring(0, 8))
                        .toLowerCase(Locale.ROOT);
        nativeClient().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    @AfterAll
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void tagsAreStoredOnSingleAndMultipartObjects() throws Exception {
        try (ObjectStorage tagged =
                S3StorageProvider.create(
                        serverConfig()
                                .multipartThreshold(5L << 20)
                                .partSize(5L << 20)
                                .tag("team", "data-platform")
                                .build())) {
            StorageLocation small = location("tags/small");
            StorageLocation large = location("tags/large");
            tagged.upload(file(new byte[] {1, 2, 3}), small, UploadOptions.defaults());
            tagged.upload(file(random(6 << 20, 21)), large, UploadOptions.defaults());
            for (StorageLocation l : List.of(small, large)) {
                assertThat(
                                nativeClient()
                                        .getObjectTagging(r -> r.bucket(bucket()).key(l.key()))
                                        .tagSet())
                        .extracting(Tag::key, Tag::value)
                        .containsExactly(tuple("team", "data-platform"));
            }
        }
    }
}
