package dev.archiver.storage.local;

import static java.util.Objects.requireNonNull;

import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code file:///abs/path} store. A new object is written to a hidden temporary file next to the
 * target, forced to disk, then published by an atomic rename (replace) or a hard link
 * (create-only), so readers never see a partial file. Metadata is kept in {@code user.*} extended
 * attributes where the file system supports them.
 */
final class LocalStorage implements ObjectStorage {
    static final String TEMP_MARKER = ".archiver-tmp-";
    private static final String XATTR_PREFIX = "archiver.";

    private final boolean fsync;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object conditionalLock = new Object();

    LocalStorage(boolean fsync) {
        this.fsync = fsync;
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        Path path = toPath(target);
        Path temp = null;
        try {
            Files.createDirectories(path.getParent());
            temp = path.resolveSibling("." + path.getFileName() + TEMP_MARKER + UUID.randomUUID());
            Files.copy(localFile, temp);
            if (fsync) {
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            writeMetadata(temp, options.metadata());
            publish(temp, path, target, options.precondition());
        } catch (PreconditionFailedException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new StorageException(
                    "Failed uploading " + target + ": no such file " + e.getFile(), false, e);
        } catch (AccessDeniedException e) {
            throw new StorageException(
                    "Failed uploading " + target + ": access denied to " + e.getFile(), false, e);
        } catch (IOException e) {
            throw new StorageException("Failed uploading " + target + ": " + e, true, e);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private void publish(Path temp, Path path, StorageLocation target, Precondition precondition)
            throws IOException {
        switch (precondition.kind()) {
            case NONE ->
                    Files.move(
                            temp,
                            path,
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
            case IF_NONE_MATCH -> {
                try {
                    Files.createLink(path, temp);
                } catch (FileAlreadyExistsException e) {
                    throw new PreconditionFailedException(
                            "Failed uploading " + target + ": the object already exists", e);
                }
            }
            case IF_MATCH -> {
                // rename cannot compare-and-swap; one lock per store serialises conditional
                // replaces in this JVM
                synchronized (conditionalLock) {
                    Optional<String> current = etagOf(path);
                    if (current.isEmpty() || !current.get().equals(precondition.etag())) {
                        throw new PreconditionFailedException(
                                "Failed uploading "
                                        + target
                                        + ": the object "
                                        + (current.isEmpty() ? "does not exist" : "changed"));
                    }
                    Files.move(
                            temp,
                            path,
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
        Path path = toPath(location);
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(
                    new ObjectInfo(
                            location,
                            attrs.size(),
                            attrs.lastModifiedTime().toInstant(),
                            Optional.of(etag(attrs)),
                            readMetadata(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException(
                    "Failed reading metadata of " + location + ": " + e, true, e);
        }
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        Path path = toPath(location);
        if (!Files.isRegularFile(path)) {
            throw new FileNotFoundException("No object at " + location);
        }
        return Files.newInputStream(path);
    }

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
        Path prefixPath = toPath(prefix);
        String prefixKey = prefix.key();
        Path start =
                prefixKey.isEmpty() || prefixKey.endsWith("/")
                        ? prefixPath
                        : prefixPath.getParent();
        if (!Files.isDirectory(start)) {
            return Stream.empty();
        }
        Stream<Path> walk = Files.walk(start);
        return walk.filter(p -> !p.getFileName().toString().contains(TEMP_MARKER))
                .filter(p -> p.toString().substring(1).startsWith(prefixKey))
                .map(
                        p ->
                                toInfo(
                                        p,
                                        StorageLocation.of(
                                                prefix.scheme(),
                                                prefix.authority(),
                                                p.toString().substring(1))))
                .flatMap(Optional::stream)
                .sorted(
                        (a, b) ->
                                Arrays.compare(
                                        a.location().key().getBytes(StandardCharsets.UTF_8),
                                        b.location().key().getBytes(StandardCharsets.UTF_8)))
                .onClose(walk::close);
    }

    private Optional<ObjectInfo> toInfo(Path p, StorageLocation location) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(
                    new ObjectInfo(
                            location,
                            attrs.size(),
                            attrs.lastModifiedTime().toInstant(),
                            Optional.of(etag(attrs)),
                            Map.of()));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while listing
        } catch (IOException e) {
            throw new UncheckedIOException(
                    new StorageException("Failed listing " + location + ": " + e, true, e));
        }
    }

    @Override
    public void delete(StorageLocation location) throws IOException {
        Path path = toPath(location);
        try {
            if (Files.isDirectory(path)) {
                return;
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new StorageException("Failed deleting " + location + ": " + e, true, e);
        }
    }

    @Override
    public boolean supportsConditionalWrites() {
        return true;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    static Path toPath(StorageLocation location) {
        requireNonNull(location, "location is null");
        if (!location.scheme().equals("file")) {
            throw new IllegalArgumentException("Not a file location: " + location);
        }
        if (!location.authority().isEmpty() && !location.authority().equals("localhost")) {
            throw new IllegalArgumentException(
                    "Invalid file location '" + location + "': use file:///absolute/path");
        }
        Path path = Path.of("/" + location.key()).normalize();
        if (!path.toString().equals("/" + location.key())
                && !("/" + location.key()).equals(path + "/")) {
            throw new IllegalArgumentException(
                    "Invalid file location '" + location + "': '.', '..' and '//' are not allowed");
        }
        return path;
    }

    private static Optional<String> etagOf(Path path) throws IOException {
        try {
            return Optional.of(etag(Files.readAttributes(path, BasicFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String etag(BasicFileAttributes attrs) {
        Object fileKey = attrs.fileKey();
        return Long.toHexString(attrs.size())
                + "-"
                + Long.toHexString(
                        attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS))
                + "-"
                + Integer.toHexString(fileKey == null ? 0 : fileKey.hashCode());
    }

    private static void writeMetadata(Path path, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return;
        }
        UserDefinedFileAttributeView view =
                Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            for (var e : metadata.entrySet()) {
                view.write(
                        XATTR_PREFIX + e.getKey(), StandardCharsets.US_ASCII.encode(e.getValue()));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the file system has no user xattrs: metadata is best effort for file://
        }
    }

    private static Map<String, String> readMetadata(Path path) {
        UserDefinedFileAttributeView view =
                Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        if (view == null) {
            return Map.of();
        }
        Map<String, String> metadata = new HashMap<>();
        try {
            for (String name : view.list()) {
                if (name.startsWith(XATTR_PREFIX)) {
                    ByteBuffer buf = ByteBuffer.allocate(view.size(name));
                    view.read(name, buf);
                    buf.flip();
                    metadata.put(
                            name.substring(XATTR_PREFIX.length()),
                            StandardCharsets.US_ASCII.decode(buf).toString());
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Map.of();
        }
        return metadata;
    }
}
