package dev.archiver.storage.azure;

import static java.util.Objects.requireNonNull;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceAsyncClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.batch.BlobBatch;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobAsyncClient;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Azure Blob Storage as an {@link ObjectStorage}: every object is a block blob.
 *
 * <p>A file up to {@code max-single-upload-size} is one {@code Put Blob}; a larger one is staged as
 * blocks in parallel and published by one {@code Put Block List}, so the blob appears whole or not
 * at all. Preconditions are checked by the service on that final request.
 */
final class AzureBlobStorage implements ObjectStorage {
    private static final int MAX_BLOCKS = 50_000;
    private static final int MAX_BATCH = 256;
    private static final int READ_BLOCK_SIZE = 4 << 20;
    private static final int DELETE_CONCURRENCY = 16;

    /** ADLS Gen2 (hierarchical namespace) directories appear as empty blobs with this metadata. */
    private static final String FOLDER_MARKER = "hdi_isfolder";

    private final BlobServiceClient client;
    private final BlobServiceAsyncClient asyncClient;
    private final BlobBatchClient batchClient;
    private final AzureBlobStorageConfig config;
    private final String accountName;
    private final AtomicBoolean closed = new AtomicBoolean();

    AzureBlobStorage(BlobServiceClient client, AzureBlobStorageConfig config) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        // Same pipeline (credentials, retries, HTTP client), for staging blocks concurrently.
        this.asyncClient =
                new BlobServiceClientBuilder()
                        .pipeline(client.getHttpPipeline())
                        .endpoint(client.getAccountUrl())
                        .serviceVersion(client.getServiceVersion())
                        .buildAsyncClient();
        this.batchClient = new BlobBatchClientBuilder(client).buildClient();
        this.accountName = client.getAccountName();
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        requireNonNull(localFile, "localFile is null");
        requireNonNull(options, "options is null");
        AzureBlobLocation blob = blob(target);
        long size;
        try {
            size = Files.size(localFile);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw new StorageException(
                    "Failed uploading " + target + ": cannot read " + localFile, false, e);
        }
        BlobRequestConditions conditions = conditions(options.precondition());
        Map<String, String> metadata = toAzureMetadata(options.metadata());
        Map<String, String> tags = config.tags().isEmpty() ? null : config.tags();
        AccessTier tier = config.accessTier().map(AzureBlobStorage::tier).orElse(null);
        BlockBlobClient blockBlob = container(blob).getBlobClient(blob.name()).getBlockBlobClient();
        AzureErrors.Missing missing =
                options.precondition().kind() == Precondition.Kind.IF_MATCH
                        ? AzureErrors.Missing.PRECONDITION
                        : AzureErrors.Missing.ERROR;
        try {
            if (size <= config.maxSingleUploadSize()) {
                byte[] md5 = config.contentMd5() ? checksums(localFile, size, size).file() : null;
                blockBlob.uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromFile(localFile))
                                .setContentMd5(md5)
                                .setHeaders(headers(md5))
                                .setMetadata(metadata)
                                .setTags(tags)
                                .setTier(tier)
                                .setRequestConditions(conditions),
                        null,
                        Context.NONE);
            } else {
                stageAndCommit(localFile, size, blob, blockBlob, conditions, metadata, tags, tier);
            }
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "uploading", blob, missing);
        }
    }

    private void stageAndCommit(
            Path localFile,
            long size,
            AzureBlobLocation blob,
            BlockBlobClient blockBlob,
            BlobRequestConditions conditions,
            Map<String, String> metadata,
            Map<String, String> tags,
            AccessTier tier)
            throws IOException {
        long blockSize = Math.max(config.blockSize(), ceilDiv(size, MAX_BLOCKS));
        int blocks = Math.toIntExact(ceilDiv(size, blockSize));
        Checksums sums = config.contentMd5() ? checksums(localFile, size, blockSize) : null;
        // Block ids are unique per upload: two writers racing on one blob (a fenced zombie and the
        // new owner) must never commit each other's uncommitted blocks.
        String uploadId = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>(blocks);
        for (int i = 0; i < blocks; i++) {
            ids.add(
                    Base64.getEncoder()
                            .encodeToString(
                                    String.format("%s-%06d", uploadId, i)
                                            .getBytes(StandardCharsets.US_ASCII)));
        }
        BlockBlobAsyncClient async =
                asyncClient
                        .getBlobContainerAsyncClient(blob.container())
                        .getBlobAsyncClient(blob.name())
                        .getBlockBlobAsyncClient();
        Flux.range(0, blocks)
                .flatMap(
                        i -> {
                            long offset = i * blockSize;
                            long length = Math.min(blockSize, size - offset);
                            return async.stageBlockWithResponse(
                                    new BlockBlobStageBlockOptions(
                                                    ids.get(i),
                                                    BinaryData.fromFile(localFile, offset, length))
                                            .setContentMd5(
                                                    sums == null ? null : sums.blocks().get(i)));
                        },
                        config.maxConcurrency())
                .then()
                .block();
        blockBlob.commitBlockListWithResponse(
                new BlockBlobCommitBlockListOptions(ids)
                        .setHeaders(headers(sums == null ? null : sums.file()))
                        .setMetadata(metadata)
                        .setTags(tags)
                        .setTier(tier)
                        .setRequestConditions(conditions),
                null,
                Context.NONE);
    }

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
        AzureBlobLocation blob = blob(location);
        BlobProperties p;
        try {
            p =
                    container(blob)
                            .getBlobClient(blob.name())
                            .getPropertiesWithResponse(null, null, Context.NONE)
                            .getValue();
        } catch (BlobStorageException e) {
            if (isMissingBlob(e)) {
                return Optional.empty();
            }
            throw AzureErrors.translate(
                    e, "reading the properties of", blob, AzureErrors.Missing.ERROR);
        } catch (RuntimeException e) {
            throw AzureErrors.translate(
                    e, "reading the properties of", blob, AzureErrors.Missing.ERROR);
        }
        Map<String, String> metadata = p.getMetadata() == null ? Map.of() : p.getMetadata();
        if (isFolder(metadata)) {
            return Optional.empty();
        }
        return Optional.of(
                new ObjectInfo(
                        location,
                        p.getBlobSize(),
                        p.getLastModified() == null
                                ? Instant.EPOCH
                                : p.getLastModified().toInstant(),
                        Optional.ofNullable(p.getETag()),
                        fromAzureMetadata(metadata)));
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        AzureBlobLocation blob = blob(location);
        try {
            return container(blob)
                    .getBlobClient(blob.name())
                    .openInputStream(new BlobInputStreamOptions().setBlockSize(READ_BLOCK_SIZE));
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "opening", blob, AzureErrors.Missing.NOT_FOUND);
        }
    }

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
        AzureBlobLocation where = AzureBlobLocation.parse(prefix);
        checkAccount(where);
        ListBlobsOptions options =
                new ListBlobsOptions()
                        .setPrefix(where.name().isEmpty() ? null : where.name())
                        .setMaxResultsPerPage(config.listPageSize())
                        .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        Iterator<PagedResponse<BlobItem>> pages;
        PagedResponse<BlobItem> first;
        try {
            pages = container(where).listBlobs(options, null).iterableByPage().iterator();
            first = pages.hasNext() ? pages.next() : null;
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "listing", where, AzureErrors.Missing.ERROR);
        }
        Iterator<ObjectInfo> infos = new ListingIterator(where, first, pages);
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        infos, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    @Override
    public void delete(StorageLocation location) throws IOException {
        AzureBlobLocation blob = blob(location);
        try {
            deleteAsync(blob).block();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "deleting", blob, AzureErrors.Missing.ERROR);
        }
    }

    /** Deletes a blob (with its snapshots, if it has any); a missing blob is not an error. */
    private Mono<Void> deleteAsync(AzureBlobLocation blob) {
        BlobAsyncClient async =
                asyncClient
                        .getBlobContainerAsyncClient(blob.container())
                        .getBlobAsyncClient(blob.name());
        return async.deleteWithResponse(null, null)
                .onErrorResume(
                        e ->
                                e instanceof BlobStorageException s
                                        && BlobErrorCode.SNAPSHOTS_PRESENT.equals(s.getErrorCode()),
                        e -> async.deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null))
                .then()
                .onErrorResume(
                        e -> e instanceof BlobStorageException s && isMissingBlob(s),
                        e -> Mono.empty());
    }

    @Override
    public void deleteAll(Collection<StorageLocation> locations) throws IOException {
        List<AzureBlobLocation> blobs = new ArrayList<>(locations.size());
        for (StorageLocation location : locations) {
            blobs.add(blob(location));
        }
        if (!config.batchDelete() || blobs.size() < 2) {
            deleteEach(blobs);
            return;
        }
        for (int from = 0; from < blobs.size(); from += MAX_BATCH) {
            deleteBatch(blobs.subList(from, Math.min(blobs.size(), from + MAX_BATCH)));
        }
    }

    private void deleteEach(List<AzureBlobLocation> blobs) throws IOException {
        AtomicReference<AzureBlobLocation> failedBlob = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            Flux.fromIterable(blobs)
                    .flatMap(
                            blob ->
                                    deleteAsync(blob)
                                            .onErrorResume(
                                                    e -> {
                                                        if (failure.compareAndSet(null, e)) {
                                                            failedBlob.set(blob);
                                                        }
                                                        return Mono.empty();
                                                    }),
                            DELETE_CONCURRENCY)
                    .then()
                    .block();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "deleting", blobs.get(0), AzureErrors.Missing.ERROR);
        }
        if (failure.get() != null) {
            throw AzureErrors.translate(
                    failure.get(), "deleting", failedBlob.get(), AzureErrors.Missing.ERROR);
        }
    }

    private void deleteBatch(List<AzureBlobLocation> blobs) throws IOException {
        BlobBatch batch = batchClient.getBlobBatch();
        Map<AzureBlobLocation, Response<Void>> responses = new LinkedHashMap<>();
        for (AzureBlobLocation blob : blobs) {
            if (!responses.containsKey(blob)) {
                // No snapshot option here: with "include" the service answers 404 for blobs that
                // have no snapshots; a blob that has some fails with 409 and is retried below.
                responses.put(blob, batch.deleteBlob(blob.container(), blob.name(), null, null));
            }
        }
        try {
            batchClient.submitBatchWithResponse(batch, false, null, Context.NONE);
        } catch (RuntimeException e) {
            IOException failure =
                    AzureErrors.translate(
                            e,
                            "deleting a batch of blobs at",
                            blobs.get(0),
                            AzureErrors.Missing.ERROR);
            if (failure instanceof StorageException s && !s.retryable() && isAccessDenied(e)) {
                throw failure;
            }
            // The endpoint does not take batches (Azurite with this SDK, some proxies): one by one.
            deleteEach(new ArrayList<>(responses.keySet()));
            return;
        }
        List<AzureBlobLocation> again = new ArrayList<>();
        for (var entry : responses.entrySet()) {
            int status;
            try {
                status = entry.getValue().getStatusCode();
            } catch (BlobStorageException e) {
                status = e.getStatusCode();
            }
            if (status / 100 != 2) {
                again.add(entry.getKey());
            }
        }
        if (!again.isEmpty()) {
            // 404, snapshots present, or a real failure: the single delete ignores a missing blob,
            // deletes snapshots, and translates anything else precisely.
            deleteEach(again);
        }
    }

    private static boolean isAccessDenied(RuntimeException e) {
        return AzureErrors.unwrap(e) instanceof BlobStorageException s
                && (s.getStatusCode() == 401 || s.getStatusCode() == 403);
    }

    @Override
    public boolean supportsConditionalWrites() {
        return true;
    }

    /** False: Azure gives every write a new ETag. */
    @Override
    public boolean tagFollowsContent() {
        return false;
    }

    @Override
    public void close() {
        // The client holds no resources of its own: the HTTP client's connection pool and event
        // loops are shared by azure-core-http-netty and released when the JVM exits.
        closed.set(true);
    }

    private AzureBlobLocation blob(StorageLocation location) {
        AzureBlobLocation blob =
                AzureBlobLocation.parse(requireNonNull(location, "location is null"));
        checkAccount(blob);
        return blob.requireBlob();
    }

    private void checkAccount(AzureBlobLocation location) {
        if (location.account().isPresent()
                && accountName != null
                && !location.account().get().equalsIgnoreCase(accountName)) {
            throw new IllegalArgumentException(
                    "'"
                            + location
                            + "' names account '"
                            + location.account().get()
                            + "' but this storage is connected to account '"
                            + accountName
                            + "'");
        }
    }

    private BlobContainerClient container(AzureBlobLocation location) {
        return client.getBlobContainerClient(location.container());
    }

    private static boolean isMissingBlob(BlobStorageException e) {
        return e.getStatusCode() == 404
                && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
    }

    private static boolean isFolder(Map<String, String> metadata) {
        return "true".equalsIgnoreCase(metadata.get(FOLDER_MARKER));
    }

    private static BlobRequestConditions conditions(Precondition precondition) {
        return switch (precondition.kind()) {
            case NONE -> null;
            case IF_NONE_MATCH -> new BlobRequestConditions().setIfNoneMatch("*");
            case IF_MATCH -> new BlobRequestConditions().setIfMatch(precondition.etag());
        };
    }

    private static BlobHttpHeaders headers(byte[] md5) {
        BlobHttpHeaders headers = new BlobHttpHeaders().setContentType("application/octet-stream");
        return md5 == null ? headers : headers.setContentMd5(md5);
    }

    private static AccessTier tier(AzureBlobStorageConfig.AccessTier tier) {
        return switch (tier) {
            case HOT -> AccessTier.HOT;
            case COOL -> AccessTier.COOL;
            case COLD -> AccessTier.COLD;
            case ARCHIVE -> AccessTier.ARCHIVE;
        };
    }

    /**
     * Our metadata keys ({@code [a-z0-9][a-z0-9-]*}) as Azure metadata names, which must be C#
     * identifiers: dashes become underscores, and a leading digit gets an underscore in front. Our
     * keys have no underscores, so the mapping is reversed exactly by {@link #fromAzureKey}.
     */
    static String toAzureKey(String key) {
        String k = key.replace('-', '_');
        return !k.isEmpty() && Character.isDigit(k.charAt(0)) ? "_" + k : k;
    }

    static String fromAzureKey(String name) {
        String k =
                name.length() > 1 && name.charAt(0) == '_' && Character.isDigit(name.charAt(1))
                        ? name.substring(1)
                        : name;
        return k.replace('_', '-');
    }

    private static Map<String, String> toAzureMetadata(Map<String, String> metadata) {
        Map<String, String> azure = new HashMap<>();
        metadata.forEach((k, v) -> azure.put(toAzureKey(k), v));
        return azure;
    }

    private static Map<String, String> fromAzureMetadata(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> ours = new HashMap<>();
        metadata.forEach((k, v) -> ours.put(fromAzureKey(k), v));
        return Collections.unmodifiableMap(ours);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** MD5 of the whole file and of each {@code blockSize} block, in one pass. */
    private record Checksums(byte[] file, List<byte[]> blocks) {}

    private static Checksums checksums(Path file, long size, long blockSize) throws IOException {
        MessageDigest whole = md5();
        MessageDigest block = md5();
        List<byte[]> blocks = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long inBlock = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long read = 0;
            while (read < size) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), blockSize - inBlock));
                int n = ch.read(buffer);
                if (n < 0) {
                    throw new IOException(file + " shrank while it was being uploaded");
                }
                buffer.flip();
                whole.update(buffer.duplicate());
                block.update(buffer);
                read += n;
                inBlock += n;
                if (inBlock == blockSize || read == size) {
                    blocks.add(block.digest());
                    inBlock = 0;
                }
            }
        }
        return new Checksums(whole.digest(), blocks);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JDK", e);
        }
    }

    /** Walks the listing page by page; the first page was fetched by {@link #list}. */
    private final class ListingIterator implements Iterator<ObjectInfo> {
        private final AzureBlobLocation where;
        private final Iterator<PagedResponse<BlobItem>> pages;
        private Iterator<BlobItem> items;
        private ObjectInfo next;

        ListingIterator(
                AzureBlobLocation where,
                PagedResponse<BlobItem> first,
                Iterator<PagedResponse<BlobItem>> pages) {
            this.where = where;
            this.pages = pages;
            this.items = first == null ? Collections.emptyIterator() : first.getValue().iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (items.hasNext()) {
                    BlobItem item = items.next();
                    Map<String, String> metadata =
                            item.getMetadata() == null ? Map.of() : item.getMetadata();
                    if (!isFolder(metadata) && !Boolean.TRUE.equals(item.isPrefix())) {
                        next = info(item, metadata);
                    }
                    continue;
                }
                try {
                    if (!pages.hasNext()) {
                        return false;
                    }
                    items = pages.next().getValue().iterator();
                } catch (RuntimeException e) {
                    throw new UncheckedIOException(
                            AzureErrors.translate(e, "listing", where, AzureErrors.Missing.ERROR));
                }
            }
            return true;
        }

        @Override
        public ObjectInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ObjectInfo result = next;
            next = null;
            return result;
        }

        private ObjectInfo info(BlobItem item, Map<String, String> metadata) {
            BlobItemProperties p = item.getProperties();
            return new ObjectInfo(
                    where.sibling(item.getName()),
                    p.getContentLength() == null ? 0 : p.getContentLength(),
                    p.getLastModified() == null ? Instant.EPOCH : p.getLastModified().toInstant(),
                    Optional.ofNullable(p.getETag()),
                    fromAzureMetadata(metadata));
        }
    }
}
