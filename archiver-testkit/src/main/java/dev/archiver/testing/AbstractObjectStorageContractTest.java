package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProvider;
import dev.archiver.storage.StorageProviders;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStorage} must have. A backend binds it with a small subclass
 * that creates the storage against a real server and names a fresh root prefix; capability hooks
 * describe what the backend legitimately cannot do. A backend that deviates overrides a test and
 * says why, never weakens this class.
 *
 * <p>Each test works below its own unique prefix and deletes what it wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractObjectStorageContractTest {
    private ObjectStorage storage;
    private StorageLocation root;
    private StorageLocation testRoot;

    @TempDir protected Path tempDir;

    /** Creates the storage under test, connected to a running server. */
    protected abstract ObjectStorage createStorage() throws Exception;

    /** A location (bucket + prefix) below which the tests may write; unique per run is best. */
    protected abstract StorageLocation root() throws Exception;

    /** The provider class that must be found through ServiceLoader for each of its schemes. */
    protected abstract Class<? extends StorageProvider> providerClass();

    /** A size above the backend's multipart/chunking threshold. */
    protected int largeObjectSize() {
        return 17 * 1024 * 1024;
    }

    protected boolean supportsConditionalWrites() {
        return true;
    }

    protected boolean supportsMetadata() {
        return true;
    }

    protected final ObjectStorage storage() {
        return storage;
    }

    @BeforeAll
    final void createStorageOnce() throws Exception {
        storage = createStorage();
        root = root();
    }

    @AfterAll
    final void closeStorage() throws Exception {
        if (storage != null) {
            storage.close();
        }
    }

    @BeforeEach
    final void newTestRoot() {
        testRoot = root.resolve("contract-" + UUID.randomUUID());
    }

    @AfterEach
    final void cleanUp() throws Exception {
        List<StorageLocation> left;
        try (Stream<ObjectInfo> s = storage.list(testRoot)) {
            left = s.map(ObjectInfo::location).toList();
        }
        storage.deleteAll(left);
        try (Stream<ObjectInfo> s = storage.list(testRoot)) {
            assertThat(s.toList())
                    .as("objects left under " + testRoot + " after deleteAll")
                    .isEmpty();
        }
    }

    protected final StorageLocation location(String key) {
        return testRoot.resolve(key);
    }

    protected final Path file(byte[] content) throws IOException {
        Path f = Files.createTempFile(tempDir, "obj", ".bin");
        Files.write(f, content);
        return f;
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected final byte[] read(StorageLocation location) throws IOException {
        try (InputStream in = storage.open(location)) {
            return in.readAllBytes();
        }
    }

    protected final void put(StorageLocation location, byte[] content) throws IOException {
        storage.upload(file(content), location, UploadOptions.defaults());
    }

    protected final List<String> listKeys(StorageLocation prefix) throws IOException {
        try (Stream<ObjectInfo> s = storage.list(prefix)) {
            return s.map(i -> i.location().relativeTo(testRoot)).toList();
        }
    }

    @Test
    void smallObjectRoundTrip() throws Exception {
        StorageLocation loc = location("a/small.bin");
        byte[] content = random(1234, 1);
        put(loc, content);
        assertThat(read(loc)).isEqualTo(content);
        Optional<ObjectInfo> info = storage.stat(loc);
        assertThat(info).isPresent();
        assertThat(info.get().size()).isEqualTo(content.length);
        assertThat(info.get().location()).isEqualTo(loc);
    }

    @Test
    void emptyObjectRoundTrip() throws Exception {
        StorageLocation loc = location("empty");
        put(loc, new byte[0]);
        assertThat(read(loc)).isEmpty();
        assertThat(storage.stat(loc).orElseThrow().size()).isZero();
    }

    @Test
    void largeObjectRoundTrip() throws Exception {
        StorageLocation loc = location("large.bin");
        byte[] content = random(largeObjectSize(), 2);
        put(loc, content);
        assertThat(storage.stat(loc).orElseThrow().size()).isEqualTo(content.length);
        assertThat(read(loc)).isEqualTo(content);
    }

    @Test
    void overwriteReplacesContent() throws Exception {
        StorageLocation loc = location("over");
        put(loc, random(100, 3));
        byte[] second = random(50, 4);
        put(loc, second);
        assertThat(read(loc)).isEqualTo(second);
        assertThat(listKeys(testRoot)).containsExactly("over");
    }

    @Test
    void missingObject() throws Exception {
        StorageLocation loc = location("missing/object");
        assertThat(storage.stat(loc)).isEmpty();
        assertThatThrownBy(() -> storage.open(loc).close())
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(loc.toString());
    }

    @Test
    void prefixIsNotAnObject() throws Exception {
        put(location("dir/file"), new byte[] {1});
        assertThat(storage.stat(location("dir"))).isEmpty();
    }

    @Test
    void deleteRemovesAndMissingDeleteIsNoOp() throws Exception {
        StorageLocation loc = location("to-delete");
        put(loc, new byte[] {1, 2, 3});
        storage.delete(loc);
        assertThat(storage.stat(loc)).isEmpty();
        storage.delete(loc);
        storage.delete(location("never-existed"));
    }

    @Test
    void deleteAllRemovesEveryObjectAndIgnoresMissing() throws Exception {
        List<StorageLocation> locs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            StorageLocation loc = location("batch/" + i);
            put(loc, new byte[] {(byte) i});
            locs.add(loc);
        }
        locs.add(location("batch/missing"));
        storage.deleteAll(locs);
        assertThat(listKeys(testRoot)).isEmpty();
    }

    @Test
    void listIsPrefixBasedAndSorted() throws Exception {
        for (String key :
                List.of("t/b/2", "t/a/1", "t/a/0", "t/ab", "u/0", "t/a b/ü-ключ", "t/c")) {
            put(location(key), key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(listKeys(location("t/a")))
                .containsExactly("t/a b/ü-ключ", "t/a/0", "t/a/1", "t/ab");
        assertThat(listKeys(location("t/a/"))).containsExactly("t/a/0", "t/a/1");
        assertThat(listKeys(location("t/")))
                .containsExactly("t/a b/ü-ключ", "t/a/0", "t/a/1", "t/ab", "t/b/2", "t/c");
        assertThat(listKeys(location("nothing-here/"))).isEmpty();
        try (Stream<ObjectInfo> s = storage.list(location("t/a/"))) {
            assertThat(s.map(ObjectInfo::size).toList()).containsExactly(5L, 5L);
        }
    }

    @Test
    void listPagesThroughManyObjects() throws Exception {
        int n = 1105; // above the 1000-key page of S3-like stores
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            Path one = file(new byte[] {7});
            for (int i = 0; i < n; i++) {
                StorageLocation loc = location(String.format("many/%05d", i));
                futures.add(
                        pool.submit(
                                () -> {
                                    storage.upload(one, loc, UploadOptions.defaults());
                                    return null;
                                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> keys = listKeys(location("many/"));
        assertThat(keys).hasSize(n);
        assertThat(keys).isSorted();
        assertThat(keys.get(0)).isEqualTo("many/00000");
        assertThat(keys.get(n - 1)).isEqualTo(String.format("many/%05d", n - 1));
    }

    @Test
    void unicodeAndSpecialCharacterKeys() throws Exception {
        for (String key :
                List.of(
                        "topic with spaces/dt=2026-11-24/hr=21/f.jsonl",
                        "ünïcödé/日本語/ключ",
                        "a+b=c&d/%41",
                        "trailing space ")) {
            StorageLocation loc = location(key);
            byte[] content = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            put(loc, content);
            assertThat(read(loc)).as(key).isEqualTo(content);
            assertThat(storage.stat(loc)).as(key).isPresent();
        }
        assertThat(listKeys(testRoot)).hasSize(4);
    }

    @Test
    void metadataRoundTrip() throws Exception {
        if (!supportsMetadata()) {
            return;
        }
        StorageLocation loc = location("with-meta");
        Map<String, String> meta =
                Map.of(ArchiveMetadata.RECORDS, "42", ArchiveMetadata.FIRST_OFFSET, "100");
        storage.upload(file(new byte[] {1}), loc, new UploadOptions(meta, Precondition.none()));
        assertThat(storage.stat(loc).orElseThrow().metadata()).containsAllEntriesOf(meta);
    }

    @Test
    void createOnlyRefusesExistingObject() throws Exception {
        if (!supportsConditionalWrites()) {
            return;
        }
        assertThat(storage.supportsConditionalWrites()).isTrue();
        StorageLocation loc = location("create-only");
        byte[] first = random(10, 5);
        storage.upload(
                file(first),
                loc,
                UploadOptions.defaults().withPrecondition(Precondition.ifNoneMatch()));
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(20, 6)),
                                        loc,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifNoneMatch())))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining(loc.toString());
        assertThat(read(loc)).isEqualTo(first);
    }

    @Test
    void createOnlyRefusesExistingLargeObject() throws Exception {
        if (!supportsConditionalWrites()) {
            return;
        }
        StorageLocation loc = location("create-only-large");
        byte[] first = random(10, 7);
        put(loc, first);
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(largeObjectSize(), 8)),
                                        loc,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifNoneMatch())))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(read(loc)).isEqualTo(first);
    }

    @Test
    void ifMatchReplacesOnlyTheExpectedVersion() throws Exception {
        if (!supportsConditionalWrites()) {
            return;
        }
        StorageLocation loc = location("if-match");
        put(loc, random(10, 9));
        String etag = storage.stat(loc).orElseThrow().etag().orElseThrow();
        byte[] second = random(11, 10);
        storage.upload(
                file(second),
                loc,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(etag)));
        assertThat(read(loc)).isEqualTo(second);
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(12, 11)),
                                        loc,
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch(etag))))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(read(loc)).isEqualTo(second);
        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        file(random(12, 11)),
                                        location("if-match-missing"),
                                        UploadOptions.defaults()
                                                .withPrecondition(Precondition.ifMatch(etag))))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void objectIsNeverVisiblePartially() throws Exception {
        StorageLocation loc = location("atomic.bin");
        byte[] small = random(10, 12);
        byte[] big = random(largeObjectSize(), 13);
        put(loc, small);
        Path bigFile = file(big);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> upload =
                    pool.submit(
                            () -> {
                                try {
                                    storage.upload(bigFile, loc, UploadOptions.defaults());
                                } finally {
                                    done.set(true);
                                }
                                return null;
                            });
            int checks = 0;
            while (!done.get() || checks == 0) {
                long size = storage.stat(loc).orElseThrow().size();
                assertThat(size).isIn((long) small.length, (long) big.length);
                checks++;
            }
            upload.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(loc)).isEqualTo(big);
    }

    @Test
    void concurrentUploadsToDifferentKeys() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                futures.add(
                        pool.submit(
                                () -> {
                                    put(location("concurrent/" + n), random(10_000 + n, n));
                                    return null;
                                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 32; i++) {
            assertThat(read(location("concurrent/" + i))).isEqualTo(random(10_000 + i, i));
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        ObjectStorage other = createStorage();
        other.close();
        other.close();
    }

    @Test
    void providerIsFoundThroughServiceLoaderForEachScheme() throws Exception {
        StorageProviders providers = StorageProviders.load(getClass().getClassLoader());
        StorageProvider provider = providerClass().getDeclaredConstructor().newInstance();
        assertThat(provider.schemes()).isNotEmpty();
        for (String scheme : provider.schemes()) {
            assertThat(providers.schemes()).contains(scheme);
            assertThat(providers.forLocation(StorageLocation.of(scheme + "://bucket/key")))
                    .isInstanceOf(providerClass());
        }
        assertThat(providers.forLocation(root)).isInstanceOf(providerClass());
    }

    @Test
    void locationOfAnotherSchemeIsRejected() {
        StorageLocation foreign = StorageLocation.of("other-scheme://bucket/key");
        assertThatThrownBy(() -> storage.stat(foreign))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
