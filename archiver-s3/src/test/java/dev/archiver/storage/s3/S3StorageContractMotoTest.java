package dev.archiver.storage.s3;

/** The storage contract against moto's standalone server (a third, independent implementation). */
class S3StorageContractMotoTest extends AbstractS3StorageContractTest {
    @Override
    protected S3TestServer server() {
        return MotoServer.get();
    }
}
