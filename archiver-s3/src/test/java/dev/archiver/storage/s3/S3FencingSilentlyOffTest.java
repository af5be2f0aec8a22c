package dev.archiver.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.Fencing;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 3 of issue 14, "fencing silently off", for S3: with {@code
 * storage.s3.conditional-writes=false} a create-only upload is a plain PUT that overwrites whatever
 * is there, so the engine refuses to start unless {@code
 * storage.fencing=unsafe-ownership-checks-only}. Against the module's S3Proxy.
 */
class S3FencingSilentlyOffTest {
    @TempDir Path tmp;

    private Map<String, String> settings(String bucket) {
        S3ProxyServer server = S3ProxyServer.get();
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("topics", "events");
        m.put("storage.uri", "s3://" + bucket + "/archive");
        m.put("storage.s3.endpoint", server.endpoint().toString());
        m.put("storage.s3.path-style-access", "true");
        m.put("storage.s3.region", "us-east-1");
        m.put("storage.s3.access-key", S3ProxyServer.ACCESS_KEY);
        m.put("storage.s3.secret-key", S3ProxyServer.SECRET_KEY);
        return m;
    }

    @Test
    void conditionalWritesOffRefusesToStartUnlessOptedIn() throws Exception {
        String bucket = S3ProxyServer.get().createBucket("fencing");
        Map<String, String> off = settings(bucket);
        off.put("storage.s3.conditional-writes", "false");

        // what made the hole: a create-only write silently overwrites an existing object
        try (var store =
                new S3StorageProvider().create(Settings.of(off).withPrefix("storage.s3."))) {
            StorageLocation key = StorageLocation.of("s3://" + bucket + "/archive/k");
            store.upload(
                    Files.writeString(tmp.resolve("a"), "new owner"),
                    key,
                    UploadOptions.defaults());
            store.upload(
                    Files.writeString(tmp.resolve("b"), "zombie"),
                    key,
                    UploadOptions.defaults()
                            .withPrecondition(UploadOptions.Precondition.ifNoneMatch()));
            try (var in = store.open(key)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("zombie");
            }
            store.delete(key);
        }

        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(off)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Uploads to s3://" + bucket + "/archive cannot be fenced")
                .hasMessageContaining("storage.s3.conditional-writes=false")
                .hasMessageContaining("overwrite objects")
                .hasMessageContaining("storage.fencing=unsafe-ownership-checks-only")
                .message()
                .doesNotContain(S3ProxyServer.SECRET_KEY);

        off.put("storage.fencing", "unsafe-ownership-checks-only");
        ArchiverConfig config = ArchiverConfig.from(Settings.of(off));
        assertThat(config.fencing()).isEqualTo(Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY);
        assertThat(config.fencingGap())
                .get()
                .asString()
                .contains("storage.s3.conditional-writes=false");
        Archiver.create(config).close();
    }

    @Test
    void conditionalWritesOnStartsFenced() throws Exception {
        ArchiverConfig config =
                ArchiverConfig.from(
                        Settings.of(settings(S3ProxyServer.get().createBucket("fencing"))));
        assertThat(config.fencingGap()).isEmpty();
        Archiver.create(config).close();
    }
}
