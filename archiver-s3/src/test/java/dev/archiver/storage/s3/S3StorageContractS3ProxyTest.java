package dev.archiver.storage.s3;

import software.amazon.awssdk.services.s3.S3Client;

/** The storage contract against the module's shared in-JVM S3Proxy. */
class S3StorageContractS3ProxyTest extends AbstractS3StorageContractTest {
    @Override
    protected S3StorageConfig.Builder serverConfig() {
        return S3ProxyServer.get().config();
    }

    @Override
    protected S3Client nativeClient() {
        return S3ProxyServer.get().client();
    }

    @Override
    protected String createBucket() {
        return S3ProxyServer.get().createBucket("contract");
    }
}
