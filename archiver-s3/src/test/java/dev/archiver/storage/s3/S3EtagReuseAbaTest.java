package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.ArchiverConfig;
import dev.archiver.Fencing;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractEtagReuseAbaTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hole 6 of issue 14, "ETag reuse (ABA)", with S3Proxy computing the ETags; and the startup check:
 * the one combination whose files cannot differ on a replay, {@code text} without compression, is
 * refused on S3 unless {@code storage.fencing=unsafe-ownership-checks-only}, while the default
 * ({@code jsonl}, codec {@code none}) starts.
 */
class S3EtagReuseAbaTest extends AbstractEtagReuseAbaTest {
    private String bucket;

    @Override
    protected ObjectStorage createStorage() {
        bucket = S3ProxyServer.get().createBucket("aba");
        return S3StorageProvider.create(S3ProxyServer.get().config().build());
    }

    @Override
    protected StorageLocation root() {
        return StorageLocation.of("s3://" + bucket + "/archive");
    }

    private Map<String, String> settings(String format, String codec) {
        Map<String, String> m = new HashMap<>(S3ProxyServer.get().settings());
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("topics", "events");
        m.put("storage.uri", "s3://" + bucket + "/startup");
        m.put("storage.s3.region", "us-east-1");
        if (format != null) {
            m.put("format", format);
        }
        if (codec != null) {
            m.put("codec", codec);
        }
        return m;
    }

    @Test
    void textWithoutCompressionIsRefusedAtStartupUnlessOptedIn() {
        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(settings("text", "none"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Uploads to s3://" + bucket + "/startup cannot be fenced")
                .hasMessageContaining("ETag")
                .hasMessageContaining("format text with codec none")
                .hasMessageContaining("storage.fencing=unsafe-ownership-checks-only")
                .message()
                .doesNotContain(S3ProxyServer.SECRET_KEY);

        Map<String, String> optedIn = settings("text", "none");
        optedIn.put("storage.fencing", "unsafe-ownership-checks-only");
        ArchiverConfig config = ArchiverConfig.from(Settings.of(optedIn));
        assertThat(config.fencing()).isEqualTo(Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY);
        assertThat(config.fencingGap()).get().asString().contains("ETag reuse");
    }

    @Test
    void theDefaultAndEveryOtherCombinationStart() {
        for (String[] fc :
                new String[][] {
                    {null, null}, {"jsonl", "none"}, {"text", "gzip"}, {"text", "zstd"},
                    {"text", "lz4"}, {"text", "snappy"}, {"avro", "none"}, {"parquet", "none"}
                }) {
            ArchiverConfig config = ArchiverConfig.from(Settings.of(settings(fc[0], fc[1])));
            assertThat(config.fencingGap()).as("%s/%s", fc[0], fc[1]).isEmpty();
            assertThat(config.fencing()).isEqualTo(Fencing.REQUIRED);
        }
    }
}
