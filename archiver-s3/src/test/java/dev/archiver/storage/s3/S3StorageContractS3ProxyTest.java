package dev.archiver.storage.s3;

/** The storage contract against the module's shared in-JVM S3Proxy. */
class S3StorageContractS3ProxyTest extends AbstractS3StorageContractTest {
    @Override
    protected S3TestServer server() {
        return S3ProxyServer.get();
    }
}
