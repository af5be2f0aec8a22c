package dev.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.Codec;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiverConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("topics", "events");
        m.put("storage.uri", "memory://config-test/archive");
        return m;
    }

    private static ArchiverConfig build(Map<String, String> m) {
        return ArchiverConfig.from(Settings.of(m));
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return m;
    }

    @Test
    void defaults() {
        ArchiverConfig c = build(minimal());
        assertThat(c.groupId()).isEqualTo("archiver");
        assertThat(c.topics()).containsExactly("events");
        assertThat(c.format().name()).isEqualTo("jsonl");
        assertThat(c.codec().name()).isEqualTo("none");
        assertThat(c.trackerProvider().name()).isEqualTo("kafka");
        assertThat(c.keyTemplate().toString()).isEqualTo(ArchiverConfig.DEFAULT_KEY_TEMPLATE);
        assertThat(c.consumerThreads()).isEqualTo(1);
        assertThat(c.uploadThreads()).isEqualTo(4);
        assertThat(c.maxOpenFiles()).isEqualTo(1000);
        assertThat(c.maxStagedBytes()).isEqualTo(1L << 30);
        assertThat(c.errorTolerance()).isEqualTo(ErrorTolerance.DEAD_LETTER);
        assertThat(c.deadLetterPrefix()).isEqualTo("_dead-letter");
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.consumerProperties())
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("isolation.level", "read_committed");
        assertThat(c.ownsStorage()).isTrue();
    }

    @Test
    void explicitMapping() {
        Map<String, String> m = minimal();
        m.put("format", "avro");
        m.put("codec", "zstd");
        m.put("codec.zstd.level", "5");
        m.put("parser", "json");
        m.put("parser.json.timestamp-field", "ts");
        m.put("partitioner", "time");
        m.put("upload.max-file-size", "64MB");
        m.put("upload.threads", "8");
        m.put("upload.retry.initial-backoff", "2s");
        m.put("upload.retry.max-backoff", "1m");
        m.put("key.template", ArchiverConfig.SECOR_KEY_TEMPLATE);
        m.put("key.generation", "3");
        m.put("staging.dir", "/tmp/x");
        m.put("staging.max-open-files", "10");
        m.put("staging.max-bytes", "2GB");
        m.put("consumer.threads", "2");
        m.put("consumer.poll-timeout", "1s");
        m.put("errors.tolerance", "skip");
        m.put("errors.dead-letter.prefix", "dlq");
        m.put("offsets.tracker", "kafka");
        m.put("shutdown.timeout", "45s");
        m.put("kafka.consumer.max.poll.records", "1000");
        ArchiverConfig c = build(m);
        assertThat(c.format().name()).isEqualTo("avro");
        // avro compresses its blocks with the job's codec, so no outer codec is applied
        assertThat(c.format()).hasToString("avro(block-codec=zstandard(level=5))");
        assertThat(c.codec().name()).isEqualTo("none");
        assertThat(c.uploadThreads()).isEqualTo(8);
        assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.keyTemplate().toString()).isEqualTo(ArchiverConfig.SECOR_KEY_TEMPLATE);
        assertThat(c.keyTemplate().generation()).isEqualTo(3);
        assertThat(c.stagingDir()).hasToString("/tmp/x");
        assertThat(c.maxOpenFiles()).isEqualTo(10);
        assertThat(c.maxStagedBytes()).isEqualTo(2L << 30);
        assertThat(c.consumerThreads()).isEqualTo(2);
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.errorTolerance()).isEqualTo(ErrorTolerance.SKIP);
        assertThat(c.deadLetterPrefix()).isEqualTo("dlq");
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.consumerProperties()).containsEntry("max.poll.records", "1000");
    }

    @Test
    void eagerRebalancesThrowingAwayUnsealedDataAreNotTheDefault() {
        String cooperative = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
        assertThat(build(minimal()).consumerProperties())
                .containsEntry("partition.assignment.strategy", cooperative);
        assertThat(build(with("kafka.consumer.group.protocol", "classic")).consumerProperties())
                .containsEntry("partition.assignment.strategy", cooperative);
        String range = "org.apache.kafka.clients.consumer.RangeAssignor";
        assertThat(
                        build(with("kafka.consumer.partition.assignment.strategy", range))
                                .consumerProperties())
                .containsEntry("partition.assignment.strategy", range);
        // the consumer protocol (KIP-848) assigns on the broker and rejects the client setting
        assertThat(build(with("kafka.consumer.group.protocol", "consumer")).consumerProperties())
                .doesNotContainKey("partition.assignment.strategy");
    }

    @Test
    void unknownFormatNamesKeyAndAcceptedValues() {
        assertThatThrownBy(() -> build(with("format", "parquet")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown value 'parquet' for format: accepted values are avro, jsonl, text");
    }

    @Test
    void unknownCodecNamesKeyAndAcceptedValues() {
        assertThatThrownBy(() -> build(with("codec", "brotli")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown value 'brotli' for codec: accepted values are gzip, lz4, none, snappy, zstd");
    }

    @Test
    void keyTemplateWithoutFirstOffsetIsRejected() {
        assertThatThrownBy(
                        () -> build(with("key.template", "{topic}/{kafka_partition}{extension}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key.template")
                .hasMessageContaining("must contain {first_offset}");
    }

    @Test
    void keyTemplateWithUnknownTokenIsRejected() {
        assertThatThrownBy(() -> build(with("key.template", "{topic}/{partition}_{first_offset}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown token {partition}")
                .hasMessageContaining("{kafka_partition}");
    }

    @Test
    void negativeSizeIsRejected() {
        assertThatThrownBy(() -> build(with("upload.max-file-size", "-5MB")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upload.max-file-size");
        assertThatThrownBy(() -> build(with("staging.max-bytes", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("staging.max-bytes");
    }

    @Test
    void autoCommitIsRejected() {
        assertThatThrownBy(() -> build(with("kafka.consumer.enable.auto.commit", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.consumer.enable.auto.commit")
                .hasMessageContaining("accepted value is false");
    }

    @Test
    void badDurationAndEnumNameTheKey() {
        assertThatThrownBy(() -> build(with("shutdown.timeout", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid duration 'soon' for shutdown.timeout");
        assertThatThrownBy(() -> build(with("errors.tolerance", "ignore")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid value 'ignore' for errors.tolerance: accepted values are dead-letter, skip, fail");
    }

    @Test
    void missingRequiredSettingsAreNamed() {
        Map<String, String> m = minimal();
        m.remove("storage.uri");
        assertThatThrownBy(() -> build(m))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required setting storage.uri");
        Map<String, String> m2 = minimal();
        m2.remove("kafka.consumer.group.id");
        assertThatThrownBy(() -> build(m2))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required setting kafka.consumer.group.id");
        Map<String, String> m3 = minimal();
        m3.remove("topics");
        assertThatThrownBy(() -> build(m3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics");
    }

    @Test
    void unknownKeyIsRejectedWithASuggestion() {
        assertThatThrownBy(() -> build(with("upload.max-file-sise", "1MB")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown setting upload.max-file-sise (did you mean upload.max-file-size?)");
    }

    @Test
    void storageSchemeWithoutProviderNamesTheModule() {
        assertThatThrownBy(() -> build(with("storage.uri", "gs://bucket/prefix")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("No storage provider for scheme 'gs'")
                .hasMessageContaining("Add archiver-gcs to the class path");
    }

    @Test
    void builderPathMatchesSettingsPath() {
        ArchiverConfig c =
                ArchiverConfig.builder()
                        .bootstrapServers("localhost:9092")
                        .groupId("g")
                        .topics("a", "b")
                        .storage("memory://config-test/x")
                        .format("jsonl")
                        .codec("gzip")
                        .build();
        assertThat(c.topics()).containsExactly("a", "b");
        assertThat(c.format().name()).isEqualTo("jsonl");
        assertThat(c.codec().name()).isEqualTo("gzip");
        assertThat(c.storageRoot()).hasToString("memory://config-test/x");
    }

    @Test
    void avroTakesTheCodecAsItsBlockCodec() {
        for (String path : List.of("builder", "settings")) {
            Map<String, String> m = minimal();
            m.put("format", "avro");
            m.put("codec", "gzip");
            m.put("codec.gzip.level", "2");
            ArchiverConfig c =
                    path.equals("settings")
                            ? ArchiverConfig.from(Settings.of(m))
                            : ArchiverConfig.builder().settings(Settings.of(m)).build();
            assertThat(c.format().name()).as(path).isEqualTo("avro");
            assertThat(c.format()).as(path).hasToString("avro(block-codec=deflate(level=2))");
            assertThat(c.codec().name()).as(path).isEqualTo("none");
        }
        Map<String, String> lz4 = minimal();
        lz4.put("format", "avro");
        lz4.put("codec", "lz4");
        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(lz4)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'lz4' for codec")
                .hasMessageContaining("accepted values are none, gzip, snappy, zstd");
    }

    @Test
    void formatThatCompressesInternallyReceivesTheCodecAndNoOuterCodecIsApplied() {
        FileFormat jsonl = ArchiverConfig.from(Settings.of(minimal())).format();
        List<String> received = new ArrayList<>();
        FileFormat selfCompressing =
                new DelegatingFormat(jsonl) {
                    @Override
                    public boolean compressesInternally() {
                        return true;
                    }

                    @Override
                    public FileFormat withCodec(Codec codec) {
                        received.add(codec.name());
                        return new DelegatingFormat(jsonl);
                    }
                };
        ArchiverConfig c =
                ArchiverConfig.builder()
                        .bootstrapServers("localhost:9092")
                        .groupId("g")
                        .topics("a")
                        .storage("memory://config-test/x")
                        .format(selfCompressing)
                        .codec("zstd")
                        .build();
        assertThat(received).containsExactly("zstd");
        assertThat(c.codec().name()).isEqualTo("none");
        assertThat(c.format()).isNotSameAs(selfCompressing);
    }

    @Test
    void formatThatCompressesInternallyRejectsAnOuterCodecByDefault() {
        FileFormat jsonl = ArchiverConfig.from(Settings.of(minimal())).format();
        FileFormat selfCompressing =
                new DelegatingFormat(jsonl) {
                    @Override
                    public boolean compressesInternally() {
                        return true;
                    }
                };
        assertThatThrownBy(
                        () ->
                                ArchiverConfig.builder()
                                        .bootstrapServers("localhost:9092")
                                        .groupId("g")
                                        .topics("a")
                                        .storage("memory://config-test/x")
                                        .format(selfCompressing)
                                        .codec("gzip")
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'gzip' for codec")
                .hasMessageContaining("accepted value is none");
    }

    private static class DelegatingFormat implements FileFormat {
        private final FileFormat delegate;

        DelegatingFormat(FileFormat delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return "self-compressing";
        }

        @Override
        public String extension() {
            return delegate.extension();
        }

        @Override
        public boolean lossless() {
            return delegate.lossless();
        }

        @Override
        public RecordWriter newWriter(OutputStream out) throws IOException {
            return delegate.newWriter(out);
        }

        @Override
        public RecordReader newReader(InputStream in) throws IOException {
            return delegate.newReader(in);
        }
    }
}
