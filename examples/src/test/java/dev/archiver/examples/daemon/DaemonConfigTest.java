package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.ErrorTolerance;
import dev.archiver.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    private static final Function<String, String> NO_ENV = name -> null;

    @TempDir Path dir;
    private final List<ArchiverConfig> built = new java.util.ArrayList<>();

    @AfterEach
    void closeStores() throws Exception {
        for (ArchiverConfig c : built) {
            c.storage().close();
        }
    }

    private Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("topics", "events");
        m.put("storage.uri", "file://" + dir.resolve("archive"));
        return m;
    }

    private ArchiverConfig build(DaemonConfig cfg, int job) {
        ArchiverConfig c = cfg.build(cfg.jobs().get(job), ArchiverListener.NONE);
        built.add(c);
        return c;
    }

    @Test
    void defaults() {
        DaemonConfig cfg = DaemonConfig.of(minimal(), NO_ENV);
        assertThat(cfg.metricsPort()).isEqualTo(9400);
        assertThat(cfg.metricsBindAddress()).isEqualTo("0.0.0.0");
        assertThat(cfg.jmxEnabled()).isTrue();
        assertThat(cfg.lagInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(cfg.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.metricsTags()).isEmpty();
        assertThat(cfg.jobs()).extracting(DaemonConfig.Job::name).containsExactly("default");

        ArchiverConfig c = build(cfg, 0);
        assertThat(c.topics()).containsExactly("events");
        assertThat(c.format().name()).isEqualTo("jsonl");
        assertThat(c.codec().name()).isEqualTo("none");
        assertThat(c.consumerThreads()).isEqualTo(1);
        assertThat(c.uploadThreads()).isEqualTo(4);
        assertThat(c.maxOpenFiles()).isEqualTo(1000);
        assertThat(c.maxStagedBytes()).isEqualTo(1L << 30);
        assertThat(c.errorTolerance()).isEqualTo(ErrorTolerance.DEAD_LETTER);
        assertThat(c.deadLetterPrefix()).isEqualTo("_dead-letter");
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.consumerProperties())
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false");
    }

    @Test
    void explicitMappingOfEveryKey() throws Exception {
        Path yaml = dir.resolve("archiver.yaml");
        Files.writeString(
                yaml,
                """
                metrics:
                  port: 9500
                  bind-address: 127.0.0.1
                  jmx.enabled: false
                  lag-interval: 5s
                  tags:
                    cluster: prod-eu
                shutdown.timeout: 45s
                secret-keys: [storage.uri]
                kafka.consumer:
                  bootstrap.servers: ${BROKERS}
                  group.id: archiver-test
                  max.poll.records: 777
                topics: [orders, payments]
                storage.uri: file://%s
                format: avro
                codec: zstd
                codec.zstd.level: 7
                parser: json
                parser.json:
                  timestamp-field: meta.ts
                  timestamp-format: iso-8601
                transforms: identity
                partitioner: time
                partitioner.time:
                  pattern: "'dt='yyyy-MM-dd"
                  zone: Europe/Paris
                upload:
                  policy: standard
                  max-file-size: 64MB
                  max-records: 1000
                  max-file-age: 2m
                  interval: 10m
                  threads: 3
                  retry.initial-backoff: 2s
                  retry.max-backoff: 1m
                key.template: "{topic}/{partition_path}/{generation}_{kafka_partition}_{first_offset}{extension}"
                key.generation: 3
                staging:
                  dir: %s
                  max-open-files: 50
                  max-bytes: 256MB
                consumer:
                  threads: 2
                  poll-timeout: 250ms
                errors:
                  tolerance: skip
                  dead-letter.prefix: _bad
                offsets.tracker: kafka
                """
                        .formatted(dir.resolve("archive"), dir.resolve("staging")));
        DaemonConfig cfg = DaemonConfig.load(yaml, Map.of("BROKERS", "b1:9092,b2:9092")::get);
        assertThat(cfg.metricsPort()).isEqualTo(9500);
        assertThat(cfg.metricsBindAddress()).isEqualTo("127.0.0.1");
        assertThat(cfg.jmxEnabled()).isFalse();
        assertThat(cfg.lagInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.metricsTags()).containsExactly(Map.entry("cluster", "prod-eu"));
        assertThat(cfg.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(cfg.redacted()).containsEntry("storage.uri", "******");

        ArchiverConfig c = build(cfg, 0);
        assertThat(c.consumerProperties())
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("group.id", "archiver-test")
                .containsEntry("max.poll.records", "777");
        assertThat(c.topics()).containsExactly("orders", "payments");
        assertThat(c.storageRoot().toString()).isEqualTo("file://" + dir.resolve("archive"));
        assertThat(c.format().name()).isEqualTo("avro");
        // the zstd codec compresses avro's blocks; no outer codec
        assertThat(c.format().toString()).startsWith("avro(block-codec=zstandard");
        assertThat(c.codec().name()).isEqualTo("none");
        assertThat(c.transformers()).hasSize(1);
        assertThat(c.keyTemplate().generation()).isEqualTo(3);
        assertThat(c.stagingDir()).isEqualTo(dir.resolve("staging"));
        assertThat(c.maxOpenFiles()).isEqualTo(50);
        assertThat(c.maxStagedBytes()).isEqualTo(256L << 20);
        assertThat(c.consumerThreads()).isEqualTo(2);
        assertThat(c.uploadThreads()).isEqualTo(3);
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.errorTolerance()).isEqualTo(ErrorTolerance.SKIP);
        assertThat(c.deadLetterPrefix()).isEqualTo("_bad");
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.trackerProvider().name()).isEqualTo("kafka");
    }

    @Test
    void severalJobsInheritSharedKeysAndOverrideThem() throws Exception {
        Path props = dir.resolve("archiver.properties");
        Files.writeString(
                props,
                """
                kafka.consumer.bootstrap.servers=localhost:9092
                topics=events
                storage.uri=file://%1$s/raw
                jobs.backup.kafka.consumer.group.id=archiver-backup
                jobs.backup.codec=zstd
                jobs.analytics.kafka.consumer.group.id=archiver-analytics
                jobs.analytics.storage.uri=file://%1$s/lake
                jobs.analytics.partitioner=time
                jobs.analytics.format=text
                """
                        .formatted(dir));
        DaemonConfig cfg = DaemonConfig.load(props, NO_ENV);
        assertThat(cfg.jobs())
                .extracting(DaemonConfig.Job::name)
                .containsExactly("analytics", "backup");
        ArchiverConfig analytics = build(cfg, 0);
        ArchiverConfig backup = build(cfg, 1);
        assertThat(analytics.groupId()).isEqualTo("archiver-analytics");
        assertThat(analytics.storageRoot().toString()).isEqualTo("file://" + dir + "/lake");
        assertThat(analytics.format().name()).isEqualTo("text");
        assertThat(analytics.codec().name()).isEqualTo("none");
        assertThat(backup.groupId()).isEqualTo("archiver-backup");
        assertThat(backup.storageRoot().toString()).isEqualTo("file://" + dir + "/raw");
        assertThat(backup.codec().name()).isEqualTo("zstd");
        assertThat(backup.topics()).containsExactly("events");
    }

    @Test
    void unknownKeyIsRejectedWithASuggestion() {
        Map<String, String> m = minimal();
        m.put("upload.max-file-sise", "64MB");
        DaemonConfig cfg = DaemonConfig.of(m, NO_ENV);
        assertThatThrownBy(() -> build(cfg, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown setting upload.max-file-sise (did you mean upload.max-file-size?)");
    }

    @Test
    void unknownKeyOfAJobNamesTheJob() {
        Map<String, String> m = minimal();
        m.remove("storage.uri");
        m.put("jobs.backup.storage.uri", "file://" + dir);
        m.put("jobs.backup.topcs", "x");
        DaemonConfig cfg = DaemonConfig.of(m, NO_ENV);
        assertThatThrownBy(() -> build(cfg, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Job 'backup': Unknown setting topcs (did you mean topics?)");
    }

    @Test
    void unknownDaemonKeyIsRejectedWithASuggestion() {
        Map<String, String> m = minimal();
        m.put("metrics.prot", "9000");
        assertThatThrownBy(() -> DaemonConfig.of(m, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown setting metrics.prot (did you mean metrics.port?)");
    }

    @Test
    void badDurationIsRejected() {
        Map<String, String> m = minimal();
        m.put("upload.max-file-age", "ten minutes");
        DaemonConfig cfg = DaemonConfig.of(m, NO_ENV);
        assertThatThrownBy(() -> build(cfg, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid duration 'ten minutes' for upload.max-file-age: expected a non-negative"
                                + " number with a unit ms, s, m, h or d (e.g. 30s, 10m)");
        m.put("upload.max-file-age", "10m");
        m.put("shutdown.timeout", "soon");
        assertThatThrownBy(() -> DaemonConfig.of(m, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid duration 'soon' for shutdown.timeout: expected a non-negative"
                                + " number with a unit ms, s, m, h or d (e.g. 30s, 10m)");
    }

    @Test
    void missingStorageUriIsRejected() {
        Map<String, String> m = minimal();
        m.remove("storage.uri");
        DaemonConfig cfg = DaemonConfig.of(m, NO_ENV);
        assertThatThrownBy(() -> build(cfg, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required setting storage.uri");
    }

    @Test
    void missingEnvironmentVariableIsRejected() {
        Map<String, String> m = minimal();
        m.put("kafka.consumer.bootstrap.servers", "${KAFKA_BROKERS}");
        assertThatThrownBy(() -> DaemonConfig.of(m, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Environment variable KAFKA_BROKERS referenced by kafka.consumer.bootstrap.servers"
                                + " is not set (use ${KAFKA_BROKERS:-default} for a default)");
        m.put("kafka.consumer.bootstrap.servers", "${KAFKA_BROKERS:-localhost:9092}");
        assertThat(DaemonConfig.of(m, NO_ENV).jobs().get(0).settings())
                .containsEntry("kafka.consumer.bootstrap.servers", "localhost:9092");
    }

    @Test
    void substitutesFilesAndTreatsThemAsSecrets() throws Exception {
        Path secret = dir.resolve("jaas");
        Files.writeString(secret, "hunter2-from-file\n");
        Map<String, String> m = minimal();
        m.put("kafka.consumer.ssl.truststore.location", "/etc/ssl/${file:" + secret + "}.jks");
        DaemonConfig cfg = DaemonConfig.of(m, NO_ENV);
        assertThat(cfg.jobs().get(0).settings())
                .containsEntry(
                        "kafka.consumer.ssl.truststore.location", "/etc/ssl/hunter2-from-file.jks");
        assertThat(cfg.redacted())
                .containsEntry("kafka.consumer.ssl.truststore.location", "******");
    }

    @Test
    void secretKeysAreRecognisedByName() {
        DaemonConfig cfg = DaemonConfig.of(minimal(), NO_ENV);
        assertThat(cfg.isSecret("storage.s3.secret-access-key")).isTrue();
        assertThat(cfg.isSecret("storage.s3.access-key-id")).isTrue();
        assertThat(cfg.isSecret("kafka.consumer.sasl.jaas.config")).isTrue();
        assertThat(cfg.isSecret("kafka.consumer.ssl.keystore.password")).isTrue();
        assertThat(cfg.isSecret("storage.azblob.sas")).isTrue();
        assertThat(cfg.isSecret("storage.gs.credentials-file")).isTrue();
        assertThat(cfg.isSecret("storage.swift.auth-token")).isTrue();
        // Azure's connection string holds the account key
        assertThat(cfg.isSecret("storage.azure.connection-string")).isTrue();
        assertThat(cfg.isSecret("jobs.a.storage.azure.connection-string")).isTrue();
        assertThat(cfg.isSecret("jobs.a.storage.s3.secret-access-key")).isTrue();
        assertThat(cfg.isSecret("key.template")).isFalse();
        assertThat(cfg.isSecret("jobs.a.key.template")).isFalse();
        assertThat(cfg.isSecret("kafka.consumer.sasl.mechanism")).isFalse();
        assertThat(cfg.isSecret("storage.uri")).isFalse();
    }

    @Test
    void configCheckPrintsTheFlattenedConfigWithSecretsRedacted() throws Exception {
        Path yaml = dir.resolve("check.yaml");
        Files.writeString(
                yaml,
                """
                kafka:
                  consumer:
                    bootstrap.servers: localhost:9092
                    group.id: archiver
                    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ssw0rd-value";
                topics: events
                storage:
                  uri: file://%s
                  file.fsync: false
                  s3.secret-access-key: very-secret-value
                """
                        .formatted(dir.resolve("archive")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the storage.s3 key is unknown to the file store: check must reject it, still redacted
        int code =
                ArchiverCli.execute(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "config",
                        "check",
                        yaml.toString());
        assertThat(code).isEqualTo(2);
        assertThat(out.toString())
                .contains("kafka.consumer.bootstrap.servers=localhost:9092")
                .contains("kafka.consumer.sasl.jaas.config=******")
                .contains("storage.s3.secret-access-key=******")
                .contains("storage.file.fsync=false")
                .doesNotContain("p4ssw0rd-value")
                .doesNotContain("very-secret-value");
        assertThat(err.toString())
                .isEqualTo("error: Unknown setting storage.s3.secret-access-key\n")
                .doesNotContain("very-secret-value");

        Files.writeString(
                yaml,
                Files.readString(yaml).replace("  s3.secret-access-key: very-secret-value\n", ""));
        StringWriter out2 = new StringWriter();
        assertThat(
                        ArchiverCli.execute(
                                new PrintWriter(out2),
                                new PrintWriter(new StringWriter()),
                                "config",
                                "check",
                                yaml.toString()))
                .isZero();
        assertThat(out2.toString())
                .contains("OK: 1 job(s): default")
                .doesNotContain("p4ssw0rd-value");
    }

    @Test
    void theBundledSampleConfigurationsAreValid() {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_URI", "file://" + dir.resolve("backup"));
        env.put("ANALYTICS_URI", "file://" + dir.resolve("analytics"));
        env.put("ARCHIVE_URI", "file://" + dir.resolve("sample"));
        DaemonConfig two = DaemonConfig.load(Path.of("config/archiver.yaml"), env::get);
        two.validate();
        assertThat(two.jobs())
                .extracting(DaemonConfig.Job::name)
                .containsExactly("analytics", "backup");
        DaemonConfig.load(Path.of("config/sample-plugin.properties"), env::get).validate();
    }
}
