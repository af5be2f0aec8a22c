package dev.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.local.RamfsMount;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 3 of issue 14, "fencing silently off": a store that cannot fence a zombie's late upload (no
 * conditional writes, or no object metadata to read the owner epoch from) must refuse to start with
 * an error naming the risk, unless {@code storage.fencing=unsafe-ownership-checks-only}, and then
 * the engine says at startup that it runs unfenced. The {@code file://} case runs on a real ramfs
 * mount, a file system without {@code user.*} extended attributes.
 */
class FencingSilentlyOffTest {
    @TempDir Path tmp;

    private static Map<String, String> settings(String storageUri) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.consumer.bootstrap.servers", "localhost:9092");
        m.put("kafka.consumer.group.id", "archiver");
        m.put("topics", "events");
        m.put("storage.uri", storageUri);
        return m;
    }

    @Test
    void fileStoreWithoutUserXattrsRefusesToStartUnlessOptedIn() throws Exception {
        try (RamfsMount ramfs = RamfsMount.mount()) {
            assertThat(ramfs.type()).isEqualTo("ramfs");
            String uri = ramfs.dir().resolve("archive").toUri().toString();
            // what made the hole: the store drops the metadata without a word
            StorageLocation object = StorageLocation.of(uri).resolve("probe/object");
            try (ObjectStorage store =
                    StorageProviders.load().create(StorageLocation.of(uri), Settings.empty())) {
                Path local = Files.writeString(tmp.resolve("local"), "x");
                store.upload(
                        local,
                        object,
                        UploadOptions.defaults().withMetadata(Map.of("archiver-owner-epoch", "7")));
                assertThat(store.stat(object).orElseThrow().metadata()).isEmpty();
                store.delete(object);
            }

            assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(settings(uri))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cannot be fenced")
                    .hasMessageContaining(ramfs.dir().resolve("archive").toString())
                    .hasMessageContaining("user.* extended attributes")
                    .hasMessageContaining("overwrite objects")
                    .hasMessageContaining("storage.fencing=unsafe-ownership-checks-only");

            Map<String, String> optedIn = settings(uri);
            optedIn.put("storage.fencing", "unsafe-ownership-checks-only");
            ArchiverConfig config = ArchiverConfig.from(Settings.of(optedIn));
            assertThat(config.fencing()).isEqualTo(Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY);
            assertThat(config.fencingGap()).get().asString().contains("ramfs");
            assertThat(warningsOf(config)).contains("WARN").contains("UNFENCED").contains(uri);
            // the probe leaves nothing behind
            try (Stream<Path> files = Files.walk(ramfs.dir())) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void fileStoreWithUserXattrsStartsWithoutWarning() throws Exception {
        Path archive = tmp.resolve("archive");
        ArchiverConfig config =
                ArchiverConfig.from(Settings.of(settings(archive.toUri().toString())));
        assertThat(config.fencing()).isEqualTo(Fencing.REQUIRED);
        assertThat(config.fencingGap()).isEmpty();
        assertThat(warningsOf(config)).doesNotContain("UNFENCED");
        try (Stream<Path> files = Files.walk(archive)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void storeWithoutConditionalWritesRefusesToStartUnlessOptedIn() throws Exception {
        StorageLocation root = StorageLocation.of("memory://fencing-test/archive");
        ObjectStorage memory = StorageProviders.load().create(root, Settings.empty());
        ObjectStorage plain = new WithoutConditionalWrites(memory);
        ArchiverConfigBuilder builder =
                ArchiverConfig.builder()
                        .bootstrapServers("localhost:9092")
                        .groupId("archiver")
                        .topics("events")
                        .storage(plain, root);
        assertThatThrownBy(builder::build)
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Uploads to memory://fencing-test/archive cannot be fenced: the store does"
                                + " not enforce conditional writes. A consumer that lost its"
                                + " partitions (a zombie after a rebalance, a long pause or a network"
                                + " split) could then overwrite objects that the partition's new owner"
                                + " has already committed, so records could be lost or archived twice."
                                + " Fix the store, or accept that risk with"
                                + " storage.fencing=unsafe-ownership-checks-only (accepted values:"
                                + " required, unsafe-ownership-checks-only)");
        ArchiverConfig config = builder.fencing(Fencing.UNSAFE_OWNERSHIP_CHECKS_ONLY).build();
        assertThat(config.fencingGap()).contains("the store does not enforce conditional writes");
        assertThat(warningsOf(config)).contains("UNFENCED");
    }

    @Test
    void unknownFencingValueNamesTheAcceptedValues() {
        Map<String, String> m = settings("memory://fencing-test/archive");
        m.put("storage.fencing", "off");
        assertThatThrownBy(() -> ArchiverConfig.from(Settings.of(m)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid value 'off' for storage.fencing: accepted values are required,"
                                + " unsafe-ownership-checks-only");
    }

    /** What the engine logs when it is created from {@code config}. */
    private static String warningsOf(ArchiverConfig config) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Archiver.create(config).close();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** A store that sends preconditions nowhere, like S3 with conditional writes turned off. */
    private record WithoutConditionalWrites(ObjectStorage delegate) implements ObjectStorage {
        @Override
        public void upload(Path localFile, StorageLocation target, UploadOptions options)
                throws IOException {
            delegate.upload(
                    localFile, target, options.withPrecondition(UploadOptions.Precondition.none()));
        }

        @Override
        public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
            return delegate.stat(location);
        }

        @Override
        public InputStream open(StorageLocation location) throws IOException {
            return delegate.open(location);
        }

        @Override
        public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(StorageLocation location) throws IOException {
            delegate.delete(location);
        }

        @Override
        public void deleteAll(Collection<StorageLocation> locations) throws IOException {
            delegate.deleteAll(locations);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
