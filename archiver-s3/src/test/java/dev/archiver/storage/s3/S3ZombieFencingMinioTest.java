package dev.archiver.storage.s3;

/** The zombie-fencing scenario with MinIO (over plain HTTP) enforcing the create-only writes. */
class S3ZombieFencingMinioTest extends S3ZombieFencingTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.http();
    }
}
