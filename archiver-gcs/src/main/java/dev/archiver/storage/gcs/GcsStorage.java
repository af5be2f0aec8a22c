package dev.archiver.storage.gcs;

import static java.util.Objects.requireNonNull;

import com.google.api.gax.paging.Page;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageBatchResult;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.gcs.GcsErrors.Operation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32C;

/**
 * {@link ObjectStorage} on the Google Cloud Storage JSON API. Small files go up in one request,
 * larger ones through a resumable session in {@code chunkSize} pieces; either way GCS publishes the
 * object only when the upload is finalized, and rejects it when the CRC32C we send does not match
 * what it received. The tag of an object is its generation.
 */
final class GcsStorage implements ObjectStorage {
    private static final int LIST_PAGE_SIZE = 1000;
    private static final int BATCH_SIZE = 100;
    private static final int READ_CHUNK = 2 * 1024 * 1024;
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final Storage client;
    private final boolean ownsClient;
    private final GcsStorageConfig config;
    private final AtomicBoolean closed = new AtomicBoolean();

    GcsStorage(Storage client, GcsStorageConfig config, boolean ownsClient) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.ownsClient = ownsClient;
    }

    /** A storage with its own client built from {@code config}. */
    static GcsStorage create(GcsStorageConfig config) {
        return new GcsStorage(storageOptions(config).getService(), config, true);
    }

    static StorageOptions storageOptions(GcsStorageConfig config) {
        StorageOptions.Builder builder =
                StorageOptions.newBuilder()
                        .setCredentials(credentials(config))
                        .setRetrySettings(retrySettings(config.retry()));
        config.projectId().ifPresent(builder::setProjectId);
        config.endpoint().ifPresent(e -> builder.setHost(e.toString()));
        return builder.build();
    }

    static RetrySettings retrySettings(GcsStorageConfig.Retry retry) {
        return StorageOptions.getDefaultRetrySettings().toBuilder()
                .setMaxAttempts(retry.maxAttempts())
                .setTotalTimeoutDuration(retry.totalTimeout())
                .setInitialRetryDelayDuration(retry.initialDelay())
                .setMaxRetryDelayDuration(retry.maxDelay())
                .build();
    }

    private static com.google.auth.Credentials credentials(GcsStorageConfig config) {
        Settings keys = Settings.empty().withPrefix("storage.gcs.");
        switch (config.credentials()) {
            case NONE:
                return NoCredentials.getInstance();
            case AUTO:
                try {
                    return GoogleCredentials.getApplicationDefault();
                } catch (IOException e) {
                    throw new ConfigException(
                            keys.fullKey("credentials")
                                    + "=auto but no Application Default Credentials were found: set"
                                    + " GOOGLE_APPLICATION_CREDENTIALS, run on Google Cloud with a"
                                    + " service account, or set "
                                    + keys.fullKey("credentials")
                                    + " to file, json or none");
                }
            case FILE:
                Path file = config.credentialsFile().orElseThrow();
                try (InputStream in = Files.newInputStream(file)) {
                    return ServiceAccountCredentials.fromStream(in);
                } catch (NoSuchFileException e) {
                    throw new ConfigException(
                            "The service-account key file "
                                    + file
                                    + " given in "
                                    + keys.fullKey("credentials-file")
                                    + " does not exist");
                } catch (IOException | RuntimeException e) {
                    // The parser's message may quote the file's content: name only the problem's
                    // kind.
                    throw new ConfigException(
                            "The file "
                                    + file
                                    + " given in "
                                    + keys.fullKey("credentials-file")
                                    + " is not a readable service-account JSON key ("
                                    + e.getClass().getSimpleName()
                                    + ")");
                }
            case JSON:
                byte[] json =
                        config.credentialsJson()
                                .orElseThrow()
                                .reveal()
                                .getBytes(StandardCharsets.UTF_8);
                try {
                    return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
                } catch (IOException | RuntimeException e) {
                    throw new ConfigException(
                            keys.fullKey("credentials-json")
                                    + " is not a service-account JSON key ("
                                    + e.getClass().getSimpleName()
                                    + ")");
                }
            default:
                throw new AssertionError(config.credentials());
        }
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        requireNonNull(localFile, "localFile is null");
        requireNonNull(options, "options is null");
        GcsLocation location = GcsLocation.of(target);
        BlobId id = location.blobId();
        long size = Files.size(localFile);
        String crc32c = crc32c(localFile);
        BlobInfo.Builder info =
                BlobInfo.newBuilder(id)
                        .setContentType(CONTENT_TYPE)
                        .setMetadata(options.metadata())
                        .setCrc32c(crc32c);
        config.storageClass().map(StorageClass::valueOfStrict).ifPresent(info::setStorageClass);
        Optional<Long> generation = expectedGeneration(location, options.precondition());

        BlobInfo written;
        try {
            written =
                    size <= config.resumableThreshold()
                            ? uploadInOneRequest(localFile, info.build(), generation)
                            : uploadResumably(localFile, info.build(), generation);
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate(Operation.UPLOAD, location, e);
        }
        if (written != null && written.getCrc32c() != null && !crc32c.equals(written.getCrc32c())) {
            discard(written);
            throw new StorageException(
                    "Failed uploading "
                            + location
                            + ": CRC32C mismatch (sent "
                            + crc32c
                            + ", stored "
                            + written.getCrc32c()
                            + ")",
                    true);
        }
    }

    /** Empty for an unconditional write; 0 for create-only; the generation for if-match. */
    private static Optional<Long> expectedGeneration(
            GcsLocation location, UploadOptions.Precondition precondition)
            throws PreconditionFailedException {
        return switch (precondition.kind()) {
            case NONE -> Optional.empty();
            case IF_NONE_MATCH -> Optional.of(0L);
            case IF_MATCH -> {
                try {
                    long g = Long.parseLong(precondition.etag());
                    if (g <= 0) {
                        throw new NumberFormatException();
                    }
                    yield Optional.of(g);
                } catch (NumberFormatException e) {
                    throw new PreconditionFailedException(
                            "Precondition failed uploading "
                                    + location
                                    + ": '"
                                    + precondition.etag()
                                    + "' is not a GCS generation, so no object can match it");
                }
            }
        };
    }

    private BlobInfo uploadInOneRequest(Path localFile, BlobInfo info, Optional<Long> generation)
            throws IOException {
        byte[] content = Files.readAllBytes(localFile);
        List<BlobTargetOption> opts = new ArrayList<>();
        opts.add(BlobTargetOption.disableGzipContent());
        generation.ifPresent(
                g ->
                        opts.add(
                                g == 0
                                        ? BlobTargetOption.doesNotExist()
                                        : BlobTargetOption.generationMatch(g)));
        // create(BlobInfo, byte[]) sends the MD5 and CRC32C of the content; GCS refuses a mismatch.
        return client.create(info, content, opts.toArray(BlobTargetOption[]::new));
    }

    private BlobInfo uploadResumably(Path localFile, BlobInfo info, Optional<Long> generation)
            throws IOException {
        List<BlobWriteOption> opts = new ArrayList<>();
        opts.add(BlobWriteOption.disableGzipContent());
        opts.add(BlobWriteOption.crc32cMatch());
        generation.ifPresent(
                g ->
                        opts.add(
                                g == 0
                                        ? BlobWriteOption.doesNotExist()
                                        : BlobWriteOption.generationMatch(g)));
        WriteChannel channel = client.writer(info, opts.toArray(BlobWriteOption[]::new));
        try (FileChannel in = FileChannel.open(localFile, StandardOpenOption.READ)) {
            channel.setChunkSize(config.chunkSize());
            ByteBuffer buffer = ByteBuffer.allocate(Math.min(config.chunkSize(), 4 * 1024 * 1024));
            while (in.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
            }
        }
        // On failure above the session is never finalized: nothing becomes visible, GCS expires
        // it.
        // Closing sends the last chunk and finalizes: the object appears now, not before. GCS
        // verifies the whole object against the CRC32C sent when the session started
        // (crc32cMatch) and refuses to finalize on a mismatch.
        channel.close();
        return null;
    }

    private void discard(BlobInfo written) {
        try {
            client.delete(
                    written.getBlobId(),
                    Storage.BlobSourceOption.generationMatch(written.getGeneration()));
        } catch (RuntimeException ignored) {
            // a later upload replaces it anyway
        }
    }

    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1024 * 1024);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return base64BigEndian((int) crc.getValue());
    }

    static String base64BigEndian(int value) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt(value).array());
    }

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
        GcsLocation l = GcsLocation.of(location);
        if (l.name().isEmpty()) {
            return Optional.empty();
        }
        try {
            Blob blob = client.get(l.blobId());
            return blob == null ? Optional.empty() : Optional.of(info(l, blob));
        } catch (RuntimeException e) {
            if (GcsErrors.httpCode(e) == 404) {
                return Optional.empty();
            }
            throw GcsErrors.translate(Operation.STAT, l, e);
        }
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        GcsLocation l = GcsLocation.of(location);
        if (l.name().isEmpty()) {
            throw GcsErrors.notFound(l, null);
        }
        Blob blob;
        try {
            blob = client.get(l.blobId());
        } catch (RuntimeException e) {
            if (GcsErrors.httpCode(e) == 404) {
                throw GcsErrors.notFound(l, e);
            }
            throw GcsErrors.translate(Operation.READ, l, e);
        }
        if (blob == null) {
            throw GcsErrors.notFound(l, null);
        }
        // Read the generation just looked up, so a concurrent overwrite cannot mix two versions.
        ReadChannel reader = client.reader(BlobId.of(l.bucket(), l.name(), blob.getGeneration()));
        reader.setChunkSize(READ_CHUNK);
        InputStream in = Channels.newInputStream(reader);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw GcsErrors.translate(Operation.READ, l, e);
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
        GcsLocation l = GcsLocation.of(prefix);
        Page<Blob> first;
        try {
            first = client.list(l.bucket(), listOptions(l));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(Operation.LIST, l, e);
        }
        Iterator<ObjectInfo> it =
                new Iterator<>() {
                    private Page<Blob> page = first;
                    private Iterator<Blob> values = page.getValues().iterator();

                    @Override
                    public boolean hasNext() {
                        while (!values.hasNext()) {
                            if (page == null || !page.hasNextPage()) {
                                return false;
                            }
                            try {
                                page = page.getNextPage();
                            } catch (RuntimeException e) {
                                throw new UncheckedIOException(
                                        GcsErrors.translate(Operation.LIST, l, e));
                            }
                            values =
                                    page == null
                                            ? List.<Blob>of().iterator()
                                            : page.getValues().iterator();
                        }
                        return true;
                    }

                    @Override
                    public ObjectInfo next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Blob b = values.next();
                        return info(l, b);
                    }
                };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    private static BlobListOption[] listOptions(GcsLocation l) {
        return l.name().isEmpty()
                ? new BlobListOption[] {BlobListOption.pageSize(LIST_PAGE_SIZE)}
                : new BlobListOption[] {
                    BlobListOption.prefix(l.name()), BlobListOption.pageSize(LIST_PAGE_SIZE)
                };
    }

    private static ObjectInfo info(GcsLocation base, BlobInfo blob) {
        Map<String, String> metadata = new java.util.HashMap<>();
        if (blob.getMetadata() != null) {
            blob.getMetadata()
                    .forEach(
                            (k, v) -> {
                                if (k != null && v != null) {
                                    metadata.put(k, v);
                                }
                            });
        }
        Instant modified =
                blob.getUpdateTimeOffsetDateTime() != null
                        ? blob.getUpdateTimeOffsetDateTime().toInstant()
                        : Instant.EPOCH;
        return new ObjectInfo(
                base.child(blob.getName()),
                blob.getSize() == null ? 0 : blob.getSize(),
                modified,
                Optional.ofNullable(blob.getGeneration()).map(String::valueOf),
                metadata);
    }

    @Override
    public void delete(StorageLocation location) throws IOException {
        GcsLocation l = GcsLocation.of(location);
        if (l.name().isEmpty()) {
            return;
        }
        try {
            client.delete(l.blobId());
        } catch (RuntimeException e) {
            if (GcsErrors.httpCode(e) != 404) {
                throw GcsErrors.translate(Operation.DELETE, l, e);
            }
        }
    }

    @Override
    public void deleteAll(Collection<StorageLocation> locations) throws IOException {
        List<GcsLocation> all = new ArrayList<>();
        for (StorageLocation location : requireNonNull(locations, "locations is null")) {
            GcsLocation l = GcsLocation.of(location);
            if (!l.name().isEmpty()) {
                all.add(l);
            }
        }
        for (int from = 0; from < all.size(); from += BATCH_SIZE) {
            deleteBatch(all.subList(from, Math.min(all.size(), from + BATCH_SIZE)));
        }
    }

    private void deleteBatch(List<GcsLocation> batch) throws IOException {
        if (batch.size() == 1) {
            delete(batch.get(0).location());
            return;
        }
        StorageBatch requests;
        try {
            requests = client.batch();
        } catch (UnsupportedOperationException e) {
            // e.g. a gRPC client handed in programmatically: no JSON batch endpoint
            for (GcsLocation l : batch) {
                delete(l.location());
            }
            return;
        }
        List<StorageBatchResult<Boolean>> results = new ArrayList<>();
        for (GcsLocation l : batch) {
            results.add(requests.delete(l.blobId()));
        }
        try {
            requests.submit();
        } catch (RuntimeException e) {
            throw GcsErrors.translate(Operation.DELETE, batch.get(0), e);
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                results.get(i).get();
            } catch (com.google.cloud.storage.StorageException e) {
                if (e.getCode() != 404) {
                    throw GcsErrors.translate(Operation.DELETE, batch.get(i), e);
                }
            }
        }
    }

    @Override
    public boolean supportsConditionalWrites() {
        return true;
    }

    /** False: a tag is the generation, new for every write. */
    @Override
    public boolean tagFollowsContent() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true) && ownsClient) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("Failed closing the Google Cloud Storage client", e);
            }
        }
    }

    @Override
    public String toString() {
        return "GcsStorage[" + config.endpoint().map(Object::toString).orElse("google") + "]";
    }
}
