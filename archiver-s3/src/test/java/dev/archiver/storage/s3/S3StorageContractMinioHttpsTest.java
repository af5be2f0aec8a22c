package dev.archiver.storage.s3;

/**
 * The storage contract against MinIO over HTTPS (a self-signed certificate the test JVM trusts):
 * over TLS the SDK leaves the payload unsigned, so uploads take another request shape than over
 * plain HTTP.
 */
class S3StorageContractMinioHttpsTest extends S3StorageContractMinioTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.https();
    }
}
