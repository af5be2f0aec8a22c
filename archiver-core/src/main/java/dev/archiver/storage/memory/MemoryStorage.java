package dev.archiver.storage.memory;

import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code memory://name/key}: objects in JVM memory, shared by every storage of the same JVM with
 * the same name, so that several engines in one test see one bucket. Conditional writes are atomic.
 */
final class MemoryStorage implements ObjectStorage {
    private static final Map<String, ConcurrentSkipListMap<String, Blob>> BUCKETS =
            new ConcurrentHashMap<>();
    private static final Comparator<String> UTF8_ORDER =
            (a, b) ->
                    Arrays.compare(
                            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    private static final AtomicLong GENERATIONS = new AtomicLong();

    private record Blob(
            byte[] data, Instant lastModified, String etag, Map<String, String> metadata) {}

    static void clear(String bucket) {
        BUCKETS.remove(bucket);
    }

    private static ConcurrentSkipListMap<String, Blob> bucket(StorageLocation location) {
        if (!location.scheme().equals("memory")) {
            throw new IllegalArgumentException("Not a memory location: " + location);
        }
        return BUCKETS.computeIfAbsent(
                location.authority(), k -> new ConcurrentSkipListMap<>(UTF8_ORDER));
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        Blob blob =
                new Blob(
                        Files.readAllBytes(localFile),
                        Instant.now(),
                        Long.toString(GENERATIONS.incrementAndGet()),
                        options.metadata());
        var bucket = bucket(target);
        var precondition = options.precondition();
        switch (precondition.kind()) {
            case NONE -> bucket.put(target.key(), blob);
            case IF_NONE_MATCH -> {
                if (bucket.putIfAbsent(target.key(), blob) != null) {
                    throw new PreconditionFailedException(
                            "Failed uploading " + target + ": the object already exists");
                }
            }
            case IF_MATCH -> {
                Blob current = bucket.get(target.key());
                if (current == null
                        || !current.etag().equals(precondition.etag())
                        || !bucket.replace(target.key(), current, blob)) {
                    throw new PreconditionFailedException(
                            "Failed uploading "
                                    + target
                                    + ": the object "
                                    + (current == null ? "does not exist" : "changed"));
                }
            }
        }
    }

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) {
        Blob blob = bucket(location).get(location.key());
        return Optional.ofNullable(blob).map(b -> info(location, b, b.metadata()));
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        Blob blob = bucket(location).get(location.key());
        if (blob == null) {
            throw new FileNotFoundException("No object at " + location);
        }
        return new ByteArrayInputStream(blob.data());
    }

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) {
        return bucket(prefix).tailMap(prefix.key(), true).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(prefix.key()))
                .map(
                        e ->
                                info(
                                        StorageLocation.of(
                                                prefix.scheme(), prefix.authority(), e.getKey()),
                                        e.getValue(),
                                        Map.of()));
    }

    @Override
    public void delete(StorageLocation location) {
        bucket(location).remove(location.key());
    }

    @Override
    public boolean supportsConditionalWrites() {
        return true;
    }

    /** False: a tag is a counter, new for every write. */
    @Override
    public boolean tagFollowsContent() {
        return false;
    }

    @Override
    public void close() {}

    private static ObjectInfo info(StorageLocation location, Blob b, Map<String, String> metadata) {
        return new ObjectInfo(
                location, b.data().length, b.lastModified(), Optional.of(b.etag()), metadata);
    }
}
