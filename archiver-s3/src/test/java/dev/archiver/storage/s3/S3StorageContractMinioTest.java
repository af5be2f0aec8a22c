package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The storage contract against MinIO over plain HTTP, built from source by {@code
 * scripts/setup/minio.sh} and run as a child process. MinIO implements object tagging, so tags are
 * read back here.
 */
class S3StorageContractMinioTest extends AbstractS3StorageContractTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.http();
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
