package dev.archiver.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.examples.daemon.ArchiverCli;
import dev.archiver.storage.azure.Azurite;
import dev.archiver.storage.s3.MinioServer;
import dev.archiver.storage.s3.S3ProxyServer;
import dev.archiver.testing.ChildProcessService;
import dev.archiver.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archiver run} (a child process, as an operator starts it) with a bad configuration, an
 * unreachable Kafka cluster, an unknown bucket and wrong credentials: each ends with ONE line
 * {@code error: ...} that says what is wrong, no stack trace, a non-zero exit (2 for a bad
 * configuration, bucket or credential; 1 for a Kafka cluster that does not answer within {@code
 * kafka.consumer.default.api.timeout.ms}), in bounded time, and no configured secret anywhere in
 * the output.
 */
class BadConfigTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final String SSL_PASSWORD = "ssl-pw-" + UUID.randomUUID();
    private static final String KEYSTORE_PASSWORD = "keystore-pw-" + UUID.randomUUID();
    private static final String SASL_PASSWORD = "sasl-pw-" + UUID.randomUUID();

    @TempDir Path dir;

    private record Outcome(int exitCode, String stdout, String stderr, Duration elapsed) {
        String all() {
            return stdout + stderr;
        }

        List<String> errorLines() {
            return all().lines().filter(l -> l.startsWith("error: ")).toList();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unknownKeyIsOneLineNamingTheKey() throws Exception {
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + s3("x", S3ProxyServer.SECRET_KEY)
                                + "upload.max-file-sise=10MB\n");
        assertOneError(o, 2, "Unknown setting upload.max-file-sise", "upload.max-file-size");
        assertNoSecret(o, S3ProxyServer.SECRET_KEY);
        recordFigures("bad config: unknown key (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void badDurationIsOneLineNamingTheKeyAndTheAcceptedForm() throws Exception {
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + s3("x", S3ProxyServer.SECRET_KEY)
                                + "upload.max-file-age=ten minutes\n");
        assertOneError(o, 2, "upload.max-file-age", "ten minutes");
        assertNoSecret(o, S3ProxyServer.SECRET_KEY);
        recordFigures("bad config: bad duration (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unreachableKafkaIsOneLineWithinTheApiTimeout() throws Exception {
        int closedPort = ChildProcessService.freePort();
        Outcome o =
                run(
                        kafkaSection("127.0.0.1:" + closedPort)
                                + "kafka.consumer.default.api.timeout.ms=5000\n"
                                + "storage.uri=file://"
                                + dir.resolve("archive")
                                + "\n");
        assertOneError(
                o, 1, "cannot reach the Kafka cluster at 127.0.0.1:" + closedPort, "within 5s");
        assertThat(o.elapsed()).as("bounded by the api timeout").isLessThan(Duration.ofSeconds(60));
        recordFigures("bad config: unreachable Kafka (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unknownBucketIsOneLineNamingTheBucket() throws Exception {
        S3ProxyServer.get();
        String bucket = "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8);
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + s3(bucket, S3ProxyServer.SECRET_KEY));
        assertOneError(o, 2, bucket);
        assertNoSecret(o, S3ProxyServer.SECRET_KEY);
        recordFigures("bad config: unknown bucket (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void wrongS3SecretKeyIsOneLineWithoutTheSecret() throws Exception {
        String bucket = S3ProxyServer.get().createBucket("badcreds");
        String wrong = "wrong-secret-" + UUID.randomUUID();
        Outcome o =
                run(kafkaSection(EmbeddedKafka.shared().bootstrapServers()) + s3(bucket, wrong));
        assertOneError(o, 2, "s3://" + bucket);
        assertNoSecret(o, wrong);
        recordFigures("bad config: wrong S3 secret key (`BadConfigTest`)", o);
    }

    /** Issue 14, hole 3: a store that cannot fence uploads is refused, naming risk and opt-in. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unfencedStoreIsOneLineNamingTheRiskAndTheOptIn() throws Exception {
        String bucket = S3ProxyServer.get().createBucket("unfenced");
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + s3(bucket, S3ProxyServer.SECRET_KEY)
                                + "storage.s3.conditional-writes=false\n");
        assertOneError(
                o,
                2,
                "s3://" + bucket + "/archive cannot be fenced",
                "storage.s3.conditional-writes=false",
                "overwrite objects",
                "storage.fencing=unsafe-ownership-checks-only");
        assertNoSecret(o, S3ProxyServer.SECRET_KEY);
        recordFigures("bad config: store without fencing (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void storeRefusingTheProbeUploadIsOneLineNamingTheRequestAndTheAnswer() throws Exception {
        // the listing passes; the upload options are what MinIO (without a KMS) refuses
        MinioServer minio = MinioServer.http();
        String bucket = minio.createBucket("probe");
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + "storage.uri=s3://"
                                + bucket
                                + "/archive\n"
                                + "storage.s3.endpoint="
                                + minio.endpoint()
                                + "\n"
                                + "storage.s3.path-style-access=true\n"
                                + "storage.s3.access-key="
                                + minio.accessKey()
                                + "\n"
                                + "storage.s3.secret-key="
                                + minio.secretKey()
                                + "\n"
                                + "storage.s3.sse.type=kms\n");
        assertOneError(
                o,
                2,
                "s3://" + bucket + "/archive refused a test upload",
                "PutObject with x-amz-checksum-crc32c, If-None-Match: *, SSE-KMS");
        assertNoSecret(o, minio.secretKey());
        assertThat(minio.client().listObjectsV2(r -> r.bucket(bucket)).contents())
                .as("the probe is deleted")
                .isEmpty();
        recordFigures("bad config: store refuses the probe upload (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void wrongAzureAccountKeyIsOneLineWithoutTheKey() throws Exception {
        Azurite azurite = Azurite.shared();
        String container = azurite.newContainer("badkey");
        String wrongKey = randomKey();
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + "storage.uri=azblob://"
                                + container
                                + "/archive\n"
                                + "storage.azure.account="
                                + Azurite.ACCOUNT
                                + "\n"
                                + "storage.azure.account-key="
                                + wrongKey
                                + "\n"
                                + "storage.azure.endpoint="
                                + azurite.endpoint()
                                + "\n");
        assertOneError(o, 2, "azblob://" + container);
        assertNoSecret(o, wrongKey);
        recordFigures("bad config: wrong Azure account key (`BadConfigTest`)", o);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void wrongAzureConnectionStringIsOneLineWithoutTheString() throws Exception {
        Azurite azurite = Azurite.shared();
        String container = azurite.newContainer("badconn");
        String wrongKey = randomKey();
        String connection =
                "DefaultEndpointsProtocol=http;AccountName="
                        + Azurite.ACCOUNT
                        + ";AccountKey="
                        + wrongKey
                        + ";BlobEndpoint="
                        + azurite.endpoint()
                        + ";";
        Outcome o =
                run(
                        kafkaSection(EmbeddedKafka.shared().bootstrapServers())
                                + "storage.uri=azblob://"
                                + container
                                + "/archive\n"
                                + "storage.azure.connection-string="
                                + connection
                                + "\n");
        assertOneError(o, 2, "azblob://" + container);
        assertNoSecret(o, wrongKey, connection);
        recordFigures("bad config: wrong Azure connection string (`BadConfigTest`)", o);
    }

    /** The Kafka part, with SSL and SASL secrets that must never be printed. */
    private static String kafkaSection(String bootstrap) {
        String group = "archiver-" + UUID.randomUUID().toString().substring(0, 8);
        return "metrics.port=0\n"
                + "metrics.jmx.enabled=false\n"
                + "kafka.consumer.bootstrap.servers="
                + bootstrap
                + "\n"
                + "kafka.consumer.group.id="
                + group
                + "\n"
                + "kafka.consumer.ssl.key.password="
                + SSL_PASSWORD
                + "\n"
                + "kafka.consumer.ssl.keystore.password="
                + KEYSTORE_PASSWORD
                + "\n"
                + "kafka.consumer.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"archiver\" password=\""
                + SASL_PASSWORD
                + "\";\n"
                + "topics=bad-config-test\n";
    }

    private static String s3(String bucket, String secretKey) {
        return "storage.uri=s3://"
                + bucket
                + "/archive\n"
                + "storage.s3.endpoint="
                + S3ProxyServer.get().endpoint()
                + "\n"
                + "storage.s3.path-style-access=true\n"
                + "storage.s3.region=us-east-1\n"
                + "storage.s3.access-key="
                + S3ProxyServer.ACCESS_KEY
                + "\n"
                + "storage.s3.secret-key="
                + secretKey
                + "\n";
    }

    private static String randomKey() {
        byte[] key = new byte[64];
        new Random().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Outcome run(String properties) throws Exception {
        Path config = Files.createTempFile(dir, "archiver", ".properties");
        Files.writeString(config, properties);
        Path out = Files.createTempFile(dir, "stdout", ".log");
        Path err = Files.createTempFile(dir, "stderr", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
                List.of(
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiverCli.class.getName(),
                        "run",
                        "--config",
                        config.toString()));
        long start = System.nanoTime();
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        try {
            if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "still running after "
                                + BOUND
                                + "; output:\n"
                                + Files.readString(out)
                                + Files.readString(err));
            }
        } finally {
            p.destroyForcibly();
        }
        Outcome o =
                new Outcome(
                        p.exitValue(),
                        Files.readString(out),
                        Files.readString(err),
                        Duration.ofNanos(System.nanoTime() - start));
        System.out.println(
                "[bad-config] exit "
                        + o.exitCode()
                        + " after "
                        + o.elapsed()
                        + ": "
                        + o.errorLines());
        return o;
    }

    private static void assertOneError(Outcome o, int exitCode, String... fragments) {
        assertThat(o.exitCode()).as("exit code; output:\n%s", o.all()).isEqualTo(exitCode);
        assertThat(o.errorLines()).as("error lines; output:\n%s", o.all()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains(fragments);
        assertThat(o.all())
                .as("no stack trace")
                .doesNotContain("Exception in thread")
                .doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(")
                .doesNotContainPattern("(?m)^Caused by: ");
        assertNoSecret(o);
    }

    private static void assertNoSecret(Outcome o, String... more) {
        List<String> secrets =
                new ArrayList<>(List.of(SSL_PASSWORD, KEYSTORE_PASSWORD, SASL_PASSWORD));
        secrets.addAll(List.of(more));
        for (String secret : secrets) {
            assertThat(o.all()).as("the output holds a secret").doesNotContain(secret);
        }
    }

    private static void recordFigures(String scenario, Outcome o) {
        Figures.of(scenario)
                .put("exit", o.exitCode())
                .put("error", o.errorLines().get(0))
                .put("seconds", o.elapsed().toMillis() / 1000.0)
                .record();
    }
}
