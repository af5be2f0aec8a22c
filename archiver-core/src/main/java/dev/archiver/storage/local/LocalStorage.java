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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code file:///abs/path} store. A new object is written to a hidden temporary file next to the
 * target, forced to disk, then published by an atomic rename (replace) or a hard link
 * (create-only), so readers never see a partial file; with {@code fsync} the directories whose
 * entries changed are forced too, so that a published object survives a power loss. Metadata is
 * kept in {@code user.*} extended attributes; {@link #fencingGap} probes whether the file system
 * stores them.
 */
final class LocalStorage implements ObjectStorage {
    static final String TEMP_MARKER = ".archiver-tmp-";
    private static final String XATTR_PREFIX = "archiver.";
    private static final Logger log = LoggerFactory.getLogger(LocalStorage.class);

    /** Forces a directory's entries to disk. */
    interface DirectorySync {
        void force(Path dir) throws IOException;
    }

    private final boolean fsync;
    private final DirectorySync directorySync;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean directorySyncRefusalLogged = new AtomicBoolean();
    private final Object conditionalLock = new Object();

    LocalStorage(boolean fsync) {
        this(fsync, LocalStorage::forceDirectory);
    }

    LocalStorage(boolean fsync, DirectorySync directorySync) {
        this.fsync = fsync;
        this.directorySync = requireNonNull(directorySync, "directorySync is null");
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        Path path = toPath(target);
        Path temp = null;
        try {
            Path existing = nearestExisting(path.getParent());
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
            if (fsync) {
                // the rename or link, and every directory created for it, is durable only once
                // the directories holding the new entries are forced
                for (Path dir = path.getParent(); dir != null; dir = dir.getParent()) {
                    forceTolerantly(dir);
                    if (dir.equals(existing)) {
                        break;
                    }
                }
            }
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

    private void forceTolerantly(Path dir) throws IOException {
        try {
            directorySync.force(dir);
        } catch (IOException | UnsupportedOperationException e) {
            if (!refusesDirectorySync(e)) {
                throw e;
            }
            // some file systems (and platforms) cannot open or force a directory: the rename is
            // then as durable as the file system makes it by itself
            if (directorySyncRefusalLogged.compareAndSet(false, true)) {
                log.warn(
                        "The file system refuses to force directory {} to disk ({}); published"
                                + " objects may vanish after a power loss",
                        dir,
                        e.toString());
            }
        }
    }

    private static boolean refusesDirectorySync(Exception e) {
        if (e instanceof UnsupportedOperationException || e instanceof AccessDeniedException) {
            return true;
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("Invalid argument") || message.contains("not supported");
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p;
    }

    /**
     * Writes, reads back and deletes a hidden file with a {@code user.*} extended attribute under
     * {@code root}: without them (NFS without xattr support, older tmpfs, vfat) the owner epoch of
     * an existing object cannot be read, so a leftover cannot be told from a newer owner's object.
     */
    @Override
    public Optional<String> fencingGap(StorageLocation root) throws IOException {
        Path dir = toPath(root);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("Failed creating " + root + ": " + e, false, e);
        }
        Path probe = dir.resolve(".xattr-probe" + TEMP_MARKER + UUID.randomUUID());
        try {
            Files.createFile(probe);
            UserDefinedFileAttributeView view =
                    Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
            String value = "probe";
            if (view != null) {
                try {
                    view.write(XATTR_PREFIX + "probe", StandardCharsets.US_ASCII.encode(value));
                    if (readMetadata(probe).getOrDefault("probe", "").equals(value)) {
                        return Optional.empty();
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // no user xattrs here
                }
            }
            return Optional.of(
                    "the file system of "
                            + dir
                            + " ("
                            + Files.getFileStore(dir).type()
                            + ") does not store user.* extended attributes, so the owner of an"
                            + " existing object cannot be read back; use a file system with user"
                            + " extended attributes (ext4, xfs, btrfs, tmpfs on Linux 6.6 or later)");
        } catch (IOException e) {
            throw new StorageException("Failed probing " + root + ": " + e, false, e);
        } finally {
            Files.deleteIfExists(probe);
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

    /** False: a tag is size, modification time and file key, new for every rename. */
    @Override
    public boolean tagFollowsContent() {
        return false;
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
