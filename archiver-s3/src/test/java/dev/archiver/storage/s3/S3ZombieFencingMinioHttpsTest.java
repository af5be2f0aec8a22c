package dev.archiver.storage.s3;

import dev.archiver.testing.FaultInjectingProxy;

/**
 * The zombie-fencing scenario with MinIO over HTTPS; the proxy that holds the stalled upload
 * terminates TLS with MinIO's own certificate.
 */
class S3ZombieFencingMinioHttpsTest extends S3ZombieFencingTest {
    @Override
    protected S3TestServer server() {
        return MinioServer.https();
    }

    @Override
    protected FaultInjectingProxy.Builder proxy(FaultInjectingProxy.Builder builder)
            throws Exception {
        MinioServer minio = MinioServer.https();
        return builder.tls(minio.serverTls(), minio.clientTls());
    }
}
