package dev.archiver.storage.s3;

/** The end-to-end exactly-once suite on MinIO over HTTPS. */
class S3ArchiverEndToEndMinioHttpsTest extends S3ArchiverEndToEndTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.https();
    }
}
