package dev.archiver.storage.s3;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractEtagReuseAbaTest;

/** Hole 6 of issue 14, "ETag reuse (ABA)", with MinIO computing the ETags. */
class S3EtagReuseAbaMinioTest extends AbstractEtagReuseAbaTest {
    private MinioServer server;

    @Override
    protected ObjectStorage createStorage() {
        server = MinioServer.http();
        return S3StorageProvider.create(server.config().build());
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("s3://" + server.createBucket("aba") + "/archive");
    }
}
