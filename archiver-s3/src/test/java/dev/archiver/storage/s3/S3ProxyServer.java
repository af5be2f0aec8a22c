package dev.archiver.storage.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One in-JVM S3Proxy (in-memory store, AWS V2/V4 authentication) per test JVM, shared by every test
 * class of the module; started on first use and stopped when the JVM exits. A failure to start is
 * thrown, so tests fail instead of being skipped. Published in this module's test jar for the
 * reliability suite.
 */
public final class S3ProxyServer implements S3TestServer {
    public static final String ACCESS_KEY = "archiver-access";
    public static final String SECRET_KEY = "archiver-secret-7f3a9c";

    private static S3ProxyServer instance;

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client client;

    private S3ProxyServer(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.client =
                S3Client.builder()
                        .endpointOverride(endpoint)
                        .forcePathStyle(true)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                        .build();
    }

    public static synchronized S3ProxyServer get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "s3proxy-stop"));
        }
        return instance;
    }

    private static S3ProxyServer start() {
        try {
            S3Proxy proxy =
                    S3Proxy.builder()
                            .blobStore(BlobStores.create("transient", new Properties()))
                            .endpoint(URI.create("http://127.0.0.1:0"))
                            .awsAuthentication(
                                    AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                            // the SDK sends headers S3Proxy does not model (e.g.
                            // x-amz-sdk-checksum-algorithm)
                            .ignoreUnknownHeaders(true)
                            .stopTimeout(0)
                            .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
                    throw new IllegalStateException(
                            "S3Proxy did not start: state " + proxy.getState());
                }
                Thread.sleep(5);
            }
            return new S3ProxyServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start S3Proxy", e);
        }
    }

    private void stop() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            // the JVM is exiting
        }
    }

    @Override
    public String name() {
        return "S3Proxy";
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return ACCESS_KEY;
    }

    @Override
    public String secretKey() {
        return SECRET_KEY;
    }

    @Override
    public S3Client client() {
        return client;
    }

    @Override
    public String createBucket(String purpose) {
        String bucket =
                (purpose + "-" + UUID.randomUUID().toString().substring(0, 8))
                        .toLowerCase(Locale.ROOT);
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
