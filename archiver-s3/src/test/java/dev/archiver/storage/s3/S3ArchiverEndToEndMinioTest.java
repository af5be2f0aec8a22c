package dev.archiver.storage.s3;

/** The end-to-end exactly-once suite on MinIO over plain HTTP. */
class S3ArchiverEndToEndMinioTest extends S3ArchiverEndToEndTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.http();
    }
}
