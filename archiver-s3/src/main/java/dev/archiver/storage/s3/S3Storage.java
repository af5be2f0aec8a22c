package dev.archiver.storage.s3;

import static java.util.Objects.requireNonNull;

import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import dev.archiver.storage.s3.S3StorageConfig.SseC;
import dev.archiver.storage.s3.S3StorageConfig.SseKms;
import dev.archiver.storage.s3.S3StorageConfig.SseS3;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** {@link ObjectStorage} on the AWS SDK v2 synchronous S3 client. */
final class S3Storage implements ObjectStorage {
    private static final int MAX_PARTS = 10_000;
    private static final int DELETE_BATCH = 1000;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final S3Client client;
    private final S3StorageConfig config;
    private final List<AutoCloseable> ownedResources;
    private final ExecutorService partUploads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<SseCustomerKey> customerKey;
    private final Optional<Tagging> tagging;

    /**
     * @param ownedResources what {@link #close()} closes after the part uploaders: the client when
     *     the storage owns it, nothing when the caller does
     */
    S3Storage(S3Client client, S3StorageConfig config, List<AutoCloseable> ownedResources) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.ownedResources = List.copyOf(requireNonNull(ownedResources, "ownedResources is null"));
        // threads are created on the first multipart upload, not here
        this.partUploads = Executors.newFixedThreadPool(config.uploadParallelism(), partThreads());
        this.customerKey =
                config.encryption() instanceof SseC c
                        ? Optional.of(SseCustomerKey.of(c))
                        : Optional.empty();
        this.tagging =
                config.tags().isEmpty()
                        ? Optional.empty()
                        : Optional.of(
                                Tagging.builder()
                                        .tagSet(
                                                config.tags().entrySet().stream()
                                                        .map(
                                                                e ->
                                                                        Tag.builder()
                                                                                .key(e.getKey())
                                                                                .value(e.getValue())
                                                                                .build())
                                                        .toList())
                                        .build());
    }

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        requireNonNull(localFile, "localFile is null");
        requireNonNull(options, "options is null");
        S3Location location = S3Location.ofObject(target);
        ensureOpen();
        long size = Files.size(localFile);
        Precondition precondition =
                config.conditionalWrites() ? options.precondition() : Precondition.none();
        if (size < config.multipartThreshold()) {
            putObject(localFile, size, location, options.metadata(), precondition);
        } else {
            multipartUpload(localFile, size, location, options.metadata(), precondition);
        }
    }

    private void putObject(
            Path file,
            long size,
            S3Location location,
            Map<String, String> metadata,
            Precondition precondition)
            throws IOException {
        PutObjectRequest.Builder request =
                PutObjectRequest.builder()
                        .bucket(location.bucket())
                        .key(location.key())
                        .contentLength(size)
                        .metadata(metadata);
        // The value alone, never with checksumAlgorithm(): naming the algorithm as well makes
        // the SDK's aws-chunked signer declare an x-amz-trailer that it then never sends, and
        // MinIO rightly refuses that request (400 XAmzContentChecksumMismatch).
        String checksum = checksum(file, 0, size);
        switch (config.checksumAlgorithm()) {
            case CRC32C -> request.checksumCRC32C(checksum);
            case CRC32 -> request.checksumCRC32(checksum);
            case MD5 -> request.contentMD5(checksum);
            case NONE -> {}
        }
        if (config.encryption() instanceof SseS3) {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (config.encryption() instanceof SseKms kms) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            kms.keyId().ifPresent(request::ssekmsKeyId);
        }
        customerKey.ifPresent(
                k ->
                        request.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                .sseCustomerKey(k.base64Key())
                                .sseCustomerKeyMD5(k.base64Md5()));
        config.storageClass().ifPresent(request::storageClass);
        config.cannedAcl().ifPresent(request::acl);
        tagging.ifPresent(request::tagging);
        switch (precondition.kind()) {
            case IF_NONE_MATCH -> request.ifNoneMatch("*");
            case IF_MATCH -> request.ifMatch(precondition.etag());
            case NONE -> {}
        }
        try (FileSlice body = new FileSlice(file, 0, size)) {
            client.putObject(
                    request.build(),
                    RequestBody.fromContentProvider(body, size, "application/octet-stream"));
        } catch (SdkException e) {
            throw S3Errors.translateWrite(
                    e, location, precondition, describe("PutObject", precondition));
        }
    }

    private void multipartUpload(
            Path file,
            long size,
            S3Location location,
            Map<String, String> metadata,
            Precondition precondition)
            throws IOException {
        CreateMultipartUploadRequest.Builder create =
                CreateMultipartUploadRequest.builder()
                        .bucket(location.bucket())
                        .key(location.key())
                        .metadata(metadata)
                        .checksumAlgorithm(multipartChecksumAlgorithm());
        if (config.encryption() instanceof SseS3) {
            create.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (config.encryption() instanceof SseKms kms) {
            create.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            kms.keyId().ifPresent(create::ssekmsKeyId);
        }
        customerKey.ifPresent(
                k ->
                        create.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                .sseCustomerKey(k.base64Key())
                                .sseCustomerKeyMD5(k.base64Md5()));
        config.storageClass().ifPresent(create::storageClass);
        config.cannedAcl().ifPresent(create::acl);
        tagging.ifPresent(create::tagging);

        String uploadId;
        try {
            uploadId = client.createMultipartUpload(create.build()).uploadId();
        } catch (SdkException e) {
            throw S3Errors.translate(
                    e,
                    "uploading",
                    location,
                    false,
                    describe("CreateMultipartUpload", Precondition.none()));
        }
        try {
            List<CompletedPart> parts = uploadParts(file, size, location, uploadId);
            CompleteMultipartUploadRequest.Builder complete =
                    CompleteMultipartUploadRequest.builder()
                            .bucket(location.bucket())
                            .key(location.key())
                            .uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts));
            customerKey.ifPresent(
                    k ->
                            complete.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                    .sseCustomerKey(k.base64Key())
                                    .sseCustomerKeyMD5(k.base64Md5()));
            switch (precondition.kind()) {
                case IF_NONE_MATCH -> complete.ifNoneMatch("*");
                case IF_MATCH -> complete.ifMatch(precondition.etag());
                case NONE -> {}
            }
            client.completeMultipartUpload(complete.build());
        } catch (SdkException e) {
            IOException translated =
                    S3Errors.translateWrite(
                            e,
                            location,
                            precondition,
                            describe("CompleteMultipartUpload", precondition));
            abort(location, uploadId, translated);
            throw translated;
        } catch (IOException | RuntimeException | Error e) {
            abort(location, uploadId, e);
            throw e;
        }
    }

    private List<CompletedPart> uploadParts(
            Path file, long size, S3Location location, String uploadId) throws IOException {
        long partSize = Math.max(config.partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
        int count = (int) ((size + partSize - 1) / partSize);
        AtomicBoolean failed = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(count);
        List<Future<CompletedPart>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int partNumber = i + 1;
            long offset = i * partSize;
            long length = Math.min(partSize, size - offset);
            futures.add(
                    partUploads.submit(
                            () -> {
                                try {
                                    // parts queued behind a failed one are skipped, not sent
                                    if (failed.get()) {
                                        return null;
                                    }
                                    return uploadPart(
                                            file, offset, length, location, uploadId, partNumber);
                                } catch (Throwable t) {
                                    failed.set(true);
                                    throw t;
                                } finally {
                                    finished.countDown();
                                }
                            }));
        }
        try {
            // every part must have stopped before the upload is aborted, or a late part would
            // outlive the abort
            finished.await();
        } catch (InterruptedException e) {
            failed.set(true);
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Failed uploading " + location + ": interrupted");
        }
        List<CompletedPart> parts = new ArrayList<>(count);
        for (Future<CompletedPart> f : futures) {
            try {
                CompletedPart part = f.get();
                if (part != null) {
                    parts.add(part);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Failed uploading " + location + ": interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SdkException sdk) {
                    throw S3Errors.translate(
                            sdk,
                            "uploading",
                            location,
                            false,
                            describe("UploadPart", Precondition.none()));
                }
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new StorageException(
                        "Failed uploading " + location + ": " + cause, false, cause);
            }
        }
        return parts;
    }

    private CompletedPart uploadPart(
            Path file,
            long offset,
            long length,
            S3Location location,
            String uploadId,
            int partNumber)
            throws IOException {
        String checksum = checksum(file, offset, length);
        UploadPartRequest.Builder request =
                UploadPartRequest.builder()
                        .bucket(location.bucket())
                        .key(location.key())
                        .uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength(length);
        CompletedPart.Builder part = CompletedPart.builder().partNumber(partNumber);
        switch (config.checksumAlgorithm()) {
            case CRC32C -> {
                request.checksumCRC32C(checksum);
                part.checksumCRC32C(checksum);
            }
            case CRC32 -> {
                request.checksumCRC32(checksum);
                part.checksumCRC32(checksum);
            }
            case MD5 -> request.contentMD5(checksum);
            case NONE -> {}
        }
        customerKey.ifPresent(
                k ->
                        request.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                .sseCustomerKey(k.base64Key())
                                .sseCustomerKeyMD5(k.base64Md5()));
        try (FileSlice body = new FileSlice(file, offset, length)) {
            String etag =
                    client.uploadPart(
                                    request.build(),
                                    RequestBody.fromContentProvider(
                                            body, length, "application/octet-stream"))
                            .eTag();
            return part.eTag(etag).build();
        }
    }

    /** The options a write request carries, for error messages; never a secret. */
    private String describe(String operation, Precondition precondition) {
        List<String> options = new ArrayList<>();
        boolean create = operation.equals("CreateMultipartUpload");
        switch (config.checksumAlgorithm()) {
            case CRC32C ->
                    options.add(
                            create ? "x-amz-checksum-algorithm: CRC32C" : "x-amz-checksum-crc32c");
            case CRC32 ->
                    options.add(
                            create ? "x-amz-checksum-algorithm: CRC32" : "x-amz-checksum-crc32");
            case MD5 -> {
                if (!create) {
                    options.add("Content-MD5");
                }
            }
            case NONE -> {}
        }
        switch (precondition.kind()) {
            case IF_NONE_MATCH -> options.add("If-None-Match: *");
            case IF_MATCH -> options.add("If-Match");
            case NONE -> {}
        }
        if (config.encryption() instanceof SseS3) {
            options.add("SSE-S3");
        } else if (config.encryption() instanceof SseKms) {
            options.add("SSE-KMS");
        } else if (customerKey.isPresent()) {
            options.add("SSE-C");
        }
        tagging.ifPresent(t -> options.add("x-amz-tagging"));
        config.storageClass().ifPresent(c -> options.add("storage class " + c));
        config.cannedAcl().ifPresent(a -> options.add("ACL " + a));
        return options.isEmpty() ? operation : operation + " with " + String.join(", ", options);
    }

    private void abort(S3Location location, String uploadId, Throwable failure) {
        try {
            client.abortMultipartUpload(
                    r -> r.bucket(location.bucket()).key(location.key()).uploadId(uploadId));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The x-amz-checksum-algorithm of a multipart upload; null when parts carry none. */
    private ChecksumAlgorithm multipartChecksumAlgorithm() {
        return switch (config.checksumAlgorithm()) {
            case CRC32C -> ChecksumAlgorithm.CRC32_C;
            case CRC32 -> ChecksumAlgorithm.CRC32;
            case MD5, NONE -> null;
        };
    }

    /**
     * The base64 checksum of a file region as the request header wants it (big-endian CRC, or MD5
     * digest); null when no checksum is configured.
     */
    private String checksum(Path file, long offset, long length) throws IOException {
        Checksum checksum =
                switch (config.checksumAlgorithm()) {
                    case CRC32C -> new CRC32C();
                    case CRC32 -> new CRC32();
                    case MD5 -> new Md5();
                    case NONE -> null;
                };
        if (checksum == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("File " + file + " shrank while uploading it");
                }
                buffer.flip();
                checksum.update(buffer);
                position += n;
            }
        }
        byte[] value =
                checksum instanceof Md5 md5
                        ? md5.digest()
                        : ByteBuffer.allocate(4).putInt((int) checksum.getValue()).array();
        return Base64.getEncoder().encodeToString(value);
    }

    /** MD5 behind the {@link Checksum} interface, so one loop feeds every algorithm. */
    private static final class Md5 implements Checksum {
        private final MessageDigest digest;

        Md5() {
            try {
                digest = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is required by every JVM", e);
            }
        }

        @Override
        public void update(int b) {
            digest.update((byte) b);
        }

        @Override
        public void update(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }

        @Override
        public void update(ByteBuffer buffer) {
            digest.update(buffer);
        }

        @Override
        public long getValue() {
            throw new UnsupportedOperationException("an MD5 digest is not a long");
        }

        @Override
        public void reset() {
            digest.reset();
        }

        byte[] digest() {
            return digest.digest();
        }
    }

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
        S3Location l = S3Location.ofObject(location);
        ensureOpen();
        HeadObjectRequest.Builder request =
                HeadObjectRequest.builder().bucket(l.bucket()).key(l.key());
        customerKey.ifPresent(
                k ->
                        request.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                .sseCustomerKey(k.base64Key())
                                .sseCustomerKeyMD5(k.base64Md5()));
        HeadObjectResponse head;
        try {
            head = client.headObject(request.build());
        } catch (SdkException e) {
            IOException translated = S3Errors.translate(e, "reading metadata of", l, true);
            // HEAD has no body, so a missing bucket looks like a missing key: both are "no object"
            if (translated instanceof FileNotFoundException) {
                return Optional.empty();
            }
            throw translated;
        }
        return Optional.of(
                new ObjectInfo(
                        location,
                        head.contentLength() == null ? 0 : head.contentLength(),
                        head.lastModified() == null ? Instant.EPOCH : head.lastModified(),
                        Optional.ofNullable(head.eTag()),
                        head.metadata() == null ? Map.of() : head.metadata()));
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        S3Location l = S3Location.ofObject(location);
        ensureOpen();
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(l.bucket()).key(l.key());
        customerKey.ifPresent(
                k ->
                        request.sseCustomerAlgorithm(SseCustomerKey.ALGORITHM)
                                .sseCustomerKey(k.base64Key())
                                .sseCustomerKeyMD5(k.base64Md5()));
        try {
            return new ObjectInputStream(client.getObject(request.build()), l);
        } catch (SdkException e) {
            throw S3Errors.translate(e, "reading", l, true);
        }
    }

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
        S3Location l = S3Location.of(prefix);
        ensureOpen();
        ListObjectsV2Request first =
                ListObjectsV2Request.builder()
                        .bucket(l.bucket())
                        .prefix(l.key().isEmpty() ? null : l.key())
                        .maxKeys(config.listPageSize())
                        .build();
        ListObjectsV2Response page;
        try {
            page = client.listObjectsV2(first);
        } catch (SdkException e) {
            throw S3Errors.translate(e, "listing", l, false);
        }
        Iterator<ObjectInfo> pages = new PageIterator(l, first, page);
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        pages, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    @Override
    public void delete(StorageLocation location) throws IOException {
        S3Location l = S3Location.ofObject(location);
        ensureOpen();
        try {
            client.deleteObject(r -> r.bucket(l.bucket()).key(l.key()));
        } catch (SdkException e) {
            throw S3Errors.translate(e, "deleting", l, false);
        }
    }

    @Override
    public void deleteAll(Collection<StorageLocation> locations) throws IOException {
        requireNonNull(locations, "locations is null");
        Map<String, List<S3Location>> byBucket =
                locations.stream()
                        .map(S3Location::ofObject)
                        .distinct()
                        .collect(
                                Collectors.groupingBy(
                                        S3Location::bucket,
                                        LinkedHashMap::new,
                                        Collectors.toList()));
        ensureOpen();
        for (List<S3Location> bucket : byBucket.values()) {
            for (int from = 0; from < bucket.size(); from += DELETE_BATCH) {
                List<S3Location> batch =
                        bucket.subList(from, Math.min(bucket.size(), from + DELETE_BATCH));
                deleteBatch(batch);
            }
        }
    }

    private void deleteBatch(List<S3Location> batch) throws IOException {
        S3Location first = batch.get(0);
        Delete delete =
                Delete.builder()
                        .quiet(true)
                        .objects(
                                batch.stream()
                                        .map(l -> ObjectIdentifier.builder().key(l.key()).build())
                                        .toList())
                        .build();
        DeleteObjectsResponse response;
        try {
            response = client.deleteObjects(r -> r.bucket(first.bucket()).delete(delete));
        } catch (SdkException e) {
            throw S3Errors.translate(e, "deleting " + batch.size() + " objects from", first, false);
        }
        List<S3Error> errors =
                response.errors().stream().filter(e -> !"NoSuchKey".equals(e.code())).toList();
        if (!errors.isEmpty()) {
            S3Error error = errors.get(0);
            throw new StorageException(
                    "Failed deleting "
                            + first.sibling(error.key())
                            + ": "
                            + error.code()
                            + ": "
                            + error.message()
                            + (errors.size() > 1
                                    ? " (and " + (errors.size() - 1) + " more objects)"
                                    : ""),
                    "InternalError".equals(error.code()) || "SlowDown".equals(error.code()));
        }
    }

    @Override
    public boolean supportsConditionalWrites() {
        return config.conditionalWrites();
    }

    @Override
    public Optional<String> fencingGap(StorageLocation root) {
        return config.conditionalWrites()
                ? Optional.empty()
                : Optional.of(
                        "storage.s3.conditional-writes=false makes every upload a plain PUT,"
                                + " without If-None-Match or If-Match");
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        partUploads.shutdownNow();
        try {
            partUploads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        S3ClientFactory.closeAll(ownedResources);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The S3 storage is closed");
        }
    }

    private static ThreadFactory partThreads() {
        int pool = POOL_IDS.incrementAndGet();
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "archiver-s3-" + pool + "-part-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private final class PageIterator implements Iterator<ObjectInfo> {
        private final S3Location prefix;
        private final ListObjectsV2Request first;
        private ListObjectsV2Response page;
        private Iterator<S3Object> objects;

        PageIterator(S3Location prefix, ListObjectsV2Request first, ListObjectsV2Response page) {
            this.prefix = prefix;
            this.first = first;
            this.page = page;
            this.objects = page.contents().iterator();
        }

        @Override
        public boolean hasNext() {
            while (!objects.hasNext()) {
                if (!Boolean.TRUE.equals(page.isTruncated())
                        || page.nextContinuationToken() == null) {
                    return false;
                }
                ensureOpen();
                try {
                    page =
                            client.listObjectsV2(
                                    first.toBuilder()
                                            .continuationToken(page.nextContinuationToken())
                                            .build());
                } catch (SdkException e) {
                    throw new UncheckedIOException(S3Errors.translate(e, "listing", prefix, false));
                }
                objects = page.contents().iterator();
            }
            return true;
        }

        @Override
        public ObjectInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            S3Object o = objects.next();
            return new ObjectInfo(
                    prefix.sibling(o.key()),
                    o.size() == null ? 0 : o.size(),
                    o.lastModified() == null ? Instant.EPOCH : o.lastModified(),
                    Optional.ofNullable(o.eTag()),
                    Map.of());
        }
    }

    /**
     * Translates read errors; on an early close, aborts the connection instead of draining the
     * rest.
     */
    private static final class ObjectInputStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private final S3Location location;
        private boolean eof;

        ObjectInputStream(ResponseInputStream<GetObjectResponse> response, S3Location location) {
            super(response);
            this.response = response;
            this.location = location;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                eof |= b < 0;
                return b;
            } catch (SdkException e) {
                throw S3Errors.translate(e, "reading", location, false);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                eof |= n < 0;
                return n;
            } catch (SdkException e) {
                throw S3Errors.translate(e, "reading", location, false);
            }
        }

        @Override
        public void close() throws IOException {
            if (!eof) {
                response.abort();
            }
            super.close();
        }
    }

    /** One region of a local file as a request body; every attempt of the SDK re-reads it. */
    private static final class FileSlice implements ContentStreamProvider, AutoCloseable {
        private final Path file;
        private final long offset;
        private final long length;
        private InputStream current;

        FileSlice(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public synchronized InputStream newStream() {
            closeCurrent();
            try {
                FileChannel channel =
                        FileChannel.open(file, StandardOpenOption.READ).position(offset);
                current = new BoundedInputStream(Channels.newInputStream(channel), length);
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void close() {
            closeCurrent();
        }

        private void closeCurrent() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    // a read-only file handle: nothing is lost
                }
                current = null;
            }
        }
    }

    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** The SSE-C headers' values: the key and its MD5, both base64. */
    private record SseCustomerKey(String base64Key, String base64Md5) {
        static final String ALGORITHM = "AES256";

        static SseCustomerKey of(SseC sse) {
            byte[] key = Base64.getDecoder().decode(sse.base64Key().reveal());
            try {
                byte[] md5 = MessageDigest.getInstance("MD5").digest(key);
                return new SseCustomerKey(
                        sse.base64Key().reveal(), Base64.getEncoder().encodeToString(md5));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is required by every JVM", e);
            }
        }

        @Override
        public String toString() {
            return "SseCustomerKey[******]";
        }
    }
}
