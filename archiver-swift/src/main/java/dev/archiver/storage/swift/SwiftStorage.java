package dev.archiver.storage.swift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code swift://container/key} over the Swift REST API.
 *
 * <p>Uploads below {@link SwiftStorageConfig#sloThreshold()} are one PUT carrying the file's MD5 as
 * {@code ETag} (Swift refuses the body with 422 when it does not match). Larger files become Static
 * Large Objects: segments {@code <key>/slo/<upload id>/<n>} go to the segment container in
 * parallel, then the manifest is PUT with {@code ?multipart-manifest=put}, which makes the object
 * visible at once. Segments of a failed or refused upload are deleted; segments of an object that
 * is overwritten or deleted are deleted too.
 *
 * <p>Preconditions: {@code IF_NONE_MATCH} is Swift's own {@code If-None-Match: *} on the PUT (for a
 * large object on the manifest PUT; a cheap HEAD first avoids uploading segments for nothing).
 * Swift has no {@code If-Match} on PUT, so {@code IF_MATCH} is a best effort: a HEAD with {@code
 * X-Newest: true} (the newest of all replicas) compares the ETag immediately before the PUT (for a
 * large object again right before the manifest PUT). A writer that replaces the object between that
 * HEAD and the PUT (one round trip) is not detected. Swift would order writes by a client's {@code
 * X-Timestamp}, but its gatekeeper middleware drops that header from clients (it is kept for
 * container sync only), so no stronger precondition exists. The ETag is the content's MD5 ({@link
 * #tagFollowsContent()}): the engine makes every file unique so that a replay never matches the
 * leftover it replaced. {@link #supportsConditionalWrites()} is true because the create-only write,
 * which is what fences a zombie writer, is enforced by Swift.
 */
final class SwiftStorage implements ObjectStorage {
    private static final Logger log = LoggerFactory.getLogger(SwiftStorage.class);

    /** Swift's default {@code max_manifest_segments}. */
    static final int MAX_SEGMENTS = 1000;

    private static final String UPLOADING = "uploading";
    private static final String META_PREFIX = "x-object-meta-";
    private static final DateTimeFormatter LISTING_TIME =
            DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC);

    private final SwiftStorageConfig config;
    private final SwiftClient client;
    private final ExecutorService segmentPool;
    private final Set<String> knownContainers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Runs just before a manifest PUT; tests use it to provoke a race. */
    volatile Runnable beforeManifestPut = () -> {};

    /** What a HEAD of an object says. */
    record Head(
            long size,
            Instant lastModified,
            String etag,
            Map<String, String> metadata,
            boolean largeObject) {}

    SwiftStorage(SwiftStorageConfig config) {
        this(config, new SwiftClient(config));
    }

    SwiftStorage(SwiftStorageConfig config, SwiftClient client) {
        this.config = requireNonNull(config, "config is null");
        this.client = requireNonNull(client, "client is null");
        AtomicInteger n = new AtomicInteger();
        this.segmentPool =
                Executors.newFixedThreadPool(
                        config.uploadParallelism(),
                        r -> {
                            Thread t =
                                    new Thread(r, "archiver-swift-segment-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    SwiftClient client() {
        return client;
    }

    // ---- upload ----

    @Override
    public void upload(Path localFile, StorageLocation target, UploadOptions options)
            throws IOException {
        SwiftLocation loc = objectLocation(target);
        requireNonNull(localFile, "localFile is null");
        requireNonNull(options, "options is null");
        checkOpen();
        long size;
        try {
            size = Files.size(localFile);
        } catch (IOException e) {
            throw new StorageException(
                    SwiftErrors.failed(UPLOADING, loc) + ": cannot read " + localFile, false, e);
        }
        Precondition precondition = options.precondition();
        boolean large = size >= config.sloThreshold();
        Optional<Head> existing = Optional.empty();
        switch (precondition.kind()) {
            case IF_MATCH -> {
                existing = head(UPLOADING, loc);
                String expected = unquote(precondition.etag());
                if (existing.isEmpty()) {
                    throw SwiftErrors.preconditionFailed(
                            UPLOADING, loc, "no object to match ETag " + expected);
                }
                if (!existing.get().etag().equals(expected)) {
                    throw SwiftErrors.preconditionFailed(
                            UPLOADING,
                            loc,
                            "ETag is " + existing.get().etag() + ", expected " + expected);
                }
            }
            case NONE -> existing = head(UPLOADING, loc);
            case IF_NONE_MATCH -> {
                if (large && head(UPLOADING, loc).isPresent()) {
                    throw SwiftErrors.preconditionFailed(UPLOADING, loc, "the object exists");
                }
            }
        }
        List<String> oldSegments =
                existing.isPresent() && existing.get().largeObject()
                        ? manifestSegments(loc)
                        : List.of();
        boolean createOnly = precondition.kind() == Precondition.Kind.IF_NONE_MATCH;
        if (large) {
            Optional<String> expectedEtag =
                    precondition.kind() == Precondition.Kind.IF_MATCH
                            ? Optional.of(existing.orElseThrow().etag())
                            : Optional.empty();
            putLargeObject(localFile, size, loc, options.metadata(), createOnly, expectedEtag);
        } else {
            putObject(localFile, loc, options.metadata(), createOnly);
        }
        deleteSegments(oldSegments, loc);
    }

    private void putObject(
            Path file, SwiftLocation loc, Map<String, String> metadata, boolean createOnly)
            throws IOException {
        String md5 = md5(file, 0, Files.size(file), loc);
        Map<String, String> headers = objectHeaders(metadata, createOnly);
        headers.put("ETag", md5);
        HttpResponse<Void> r =
                client.send(
                        UPLOADING,
                        loc,
                        "PUT",
                        loc.path(),
                        headers,
                        BodyPublishers.ofFile(file),
                        BodyHandlers.discarding());
        int status = r.statusCode();
        if (status == 201) {
            checkEtag(r.headers(), md5, loc);
            return;
        }
        if (status == 412 && createOnly && alreadyWritten(loc, md5, metadata)) {
            return;
        }
        throw uploadFailure(loc, status);
    }

    /**
     * Whether the object already holds exactly this content and metadata: a retried create-only PUT
     * whose first attempt succeeded but whose response was lost.
     */
    private boolean alreadyWritten(SwiftLocation loc, String md5, Map<String, String> metadata)
            throws IOException {
        Optional<Head> now = head(UPLOADING, loc);
        return now.isPresent()
                && !now.get().largeObject()
                && now.get().etag().equals(md5)
                && now.get().metadata().equals(metadata);
    }

    private void putLargeObject(
            Path file,
            long size,
            SwiftLocation loc,
            Map<String, String> metadata,
            boolean createOnly,
            Optional<String> expectedEtag)
            throws IOException {
        String segmentContainer = loc.container() + config.segmentContainerSuffix();
        ensureContainer(segmentContainer, loc);
        long segmentSize = Math.max(config.segmentSize(), (size + MAX_SEGMENTS - 1) / MAX_SEGMENTS);
        int count = (int) Math.max(1, (size + segmentSize - 1) / segmentSize);
        String prefix = loc.object() + "/slo/" + uploadId() + "/";
        List<String> names = new ArrayList<>(count);
        List<Future<String>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = prefix + String.format("%08d", i);
            long offset = i * segmentSize;
            long length = Math.min(segmentSize, size - offset);
            names.add("/" + segmentContainer + "/" + name);
            futures.add(
                    segmentPool.submit(
                            () -> putSegment(file, offset, length, segmentContainer, name, loc)));
        }
        ArrayNode manifest = SwiftClient.JSON.createArrayNode();
        try {
            for (int i = 0; i < count; i++) {
                String etag = await(futures.get(i), loc);
                long length = Math.min(segmentSize, size - i * segmentSize);
                manifest.addObject()
                        .put("path", names.get(i))
                        .put("etag", etag)
                        .put("size_bytes", length);
            }
        } catch (IOException | RuntimeException e) {
            for (Future<String> f : futures) {
                f.cancel(true);
            }
            for (Future<String> f : futures) {
                try {
                    f.get();
                } catch (Exception ignored) {
                    // only waiting for it to end
                }
            }
            deleteSegments(names, loc);
            throw e;
        }
        beforeManifestPut.run();
        if (expectedEtag.isPresent()) {
            // The segments took a while: narrow the if-match window to this HEAD and the PUT.
            Optional<Head> now = head(UPLOADING, loc);
            if (now.isEmpty() || !now.get().etag().equals(expectedEtag.get())) {
                deleteSegments(names, loc);
                throw SwiftErrors.preconditionFailed(
                        UPLOADING,
                        loc,
                        "the object changed while its segments were uploaded (ETag now "
                                + now.map(Head::etag).orElse("absent")
                                + ", expected "
                                + expectedEtag.get()
                                + ")");
            }
        }
        Map<String, String> headers = objectHeaders(metadata, createOnly);
        HttpResponse<Void> r;
        try {
            r =
                    client.send(
                            UPLOADING,
                            loc,
                            "PUT",
                            loc.path() + "?multipart-manifest=put",
                            headers,
                            BodyPublishers.ofByteArray(
                                    SwiftClient.JSON.writeValueAsBytes(manifest)),
                            BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            if (!referencesAny(loc, names)) {
                deleteSegments(names, loc);
            }
            throw e;
        }
        int status = r.statusCode();
        if (status == 201) {
            return;
        }
        // A 412 may answer a retry of a manifest PUT that already succeeded: then it is ours.
        if (status == 412 && referencesAny(loc, names)) {
            return;
        }
        deleteSegments(names, loc);
        throw uploadFailure(loc, status);
    }

    private String putSegment(
            Path file,
            long offset,
            long length,
            String container,
            String name,
            SwiftLocation target)
            throws IOException {
        String md5 = md5(file, offset, length, target);
        String path = SwiftLocation.encode(container) + "/" + SwiftLocation.encodePath(name);
        Map<String, String> headers = new HashMap<>();
        headers.put("ETag", md5);
        headers.put("Content-Type", "application/octet-stream");
        BodyPublisher body =
                BodyPublishers.fromPublisher(
                        BodyPublishers.ofInputStream(() -> slice(file, offset, length)), length);
        HttpResponse<Void> r =
                client.send(
                        "uploading a segment of",
                        target,
                        "PUT",
                        path,
                        headers,
                        body,
                        BodyHandlers.discarding());
        if (r.statusCode() == 201) {
            checkEtag(r.headers(), md5, target);
            return md5;
        }
        if (r.statusCode() == 404) {
            knownContainers.remove(container);
            throw SwiftErrors.missingContainer("uploading a segment of", target, container);
        }
        throw SwiftErrors.forStatus("uploading a segment of", target, r.statusCode());
    }

    private static String await(Future<String> f, SwiftLocation loc) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(SwiftErrors.failed(UPLOADING, loc) + ": interrupted", false);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw SwiftErrors.transport(UPLOADING, loc, u.getCause());
            }
            throw new StorageException(
                    SwiftErrors.failed(UPLOADING, loc) + ": " + SwiftErrors.describe(c), false, c);
        }
    }

    private StorageException uploadFailure(SwiftLocation loc, int status) {
        if (status == 412) {
            return SwiftErrors.preconditionFailed(
                    UPLOADING, loc, "HTTP 412 Precondition Failed, the object exists");
        }
        if (status == 404) {
            knownContainers.remove(loc.container());
            return SwiftErrors.missingContainer(UPLOADING, loc, loc.container());
        }
        return SwiftErrors.forStatus(UPLOADING, loc, status);
    }

    private static Map<String, String> objectHeaders(
            Map<String, String> metadata, boolean createOnly) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        metadata.forEach((k, v) -> headers.put("X-Object-Meta-" + k, v));
        if (createOnly) {
            headers.put("If-None-Match", "*");
        }
        return headers;
    }

    private static void checkEtag(HttpHeaders headers, String md5, SwiftLocation loc)
            throws StorageException {
        Optional<String> etag = headers.firstValue("ETag").map(SwiftStorage::unquote);
        if (etag.isPresent() && !etag.get().equalsIgnoreCase(md5)) {
            throw new StorageException(
                    SwiftErrors.failed(UPLOADING, loc)
                            + ": Swift stored ETag "
                            + etag.get()
                            + " but the file's MD5 is "
                            + md5,
                    true);
        }
    }

    private void ensureContainer(String container, SwiftLocation target) throws IOException {
        if (knownContainers.contains(container)) {
            return;
        }
        HttpResponse<Void> r =
                client.send(
                        "creating segment container " + container + " for",
                        target,
                        "PUT",
                        SwiftLocation.encode(container),
                        Map.of());
        if (r.statusCode() / 100 != 2) {
            throw SwiftErrors.forStatus(
                    "creating segment container " + container + " for", target, r.statusCode());
        }
        knownContainers.add(container);
    }

    /** The segments ({@code /container/object}) of the large object at {@code loc}. */
    private List<String> manifestSegments(SwiftLocation loc) throws IOException {
        HttpResponse<byte[]> r =
                client.send(
                        "reading the manifest of",
                        loc,
                        "GET",
                        loc.path() + "?multipart-manifest=get",
                        Map.of(),
                        null,
                        BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return List.of();
        }
        if (r.statusCode() != 200) {
            throw SwiftErrors.forStatus("reading the manifest of", loc, r.statusCode());
        }
        List<String> segments = new ArrayList<>();
        for (JsonNode entry : SwiftClient.JSON.readTree(r.body())) {
            String name =
                    entry.hasNonNull("name")
                            ? entry.get("name").asText()
                            : entry.path("path").asText();
            if (!name.isEmpty()) {
                segments.add(name.startsWith("/") ? name : "/" + name);
            }
        }
        return segments;
    }

    private boolean referencesAny(SwiftLocation loc, List<String> segments) {
        try {
            Optional<Head> h = head(UPLOADING, loc);
            if (h.isEmpty() || !h.get().largeObject()) {
                return false;
            }
            List<String> current = manifestSegments(loc);
            return segments.stream().anyMatch(current::contains);
        } catch (IOException e) {
            // cannot tell: keep the segments rather than risk deleting a live object's data
            log.warn("Cannot check whether {} references its new segments: {}", loc, e.toString());
            return true;
        }
    }

    /**
     * Deletes segments of {@code owner}, best effort. Only segments named after {@code owner} in
     * its segment container ({@code <key>/slo/...}) are touched, never data that a manifest shares
     * with another object.
     */
    private void deleteSegments(List<String> segments, SwiftLocation owner) {
        if (segments.isEmpty()) {
            return;
        }
        String segmentContainer = owner.container() + config.segmentContainerSuffix();
        String mine = "/" + segmentContainer + "/";
        String ownPrefix = mine + owner.object() + "/slo/";
        List<Future<?>> futures = new ArrayList<>();
        for (String segment : segments) {
            if (!segment.startsWith(ownPrefix)) {
                continue;
            }
            String object = segment.substring(mine.length());
            String path =
                    SwiftLocation.encode(segmentContainer) + "/" + SwiftLocation.encodePath(object);
            Runnable delete =
                    () -> {
                        try {
                            int st =
                                    client.send(
                                                    "deleting a segment of",
                                                    owner,
                                                    "DELETE",
                                                    path,
                                                    Map.of())
                                            .statusCode();
                            if (st / 100 != 2 && st != 404) {
                                log.warn(
                                        "Segment {} of {} not deleted: HTTP {}",
                                        segment,
                                        owner,
                                        st);
                            }
                        } catch (IOException e) {
                            log.warn(
                                    "Segment {} of {} not deleted: {}",
                                    segment,
                                    owner,
                                    e.getMessage());
                        }
                    };
            if (closed.get()) {
                delete.run();
            } else {
                futures.add(segmentPool.submit(delete));
            }
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                log.warn("Segment cleanup of {} failed: {}", owner, e.getCause().toString());
            }
        }
    }

    // ---- read ----

    @Override
    public Optional<ObjectInfo> stat(StorageLocation location) throws IOException {
        SwiftLocation loc = SwiftLocation.of(location);
        checkOpen();
        if (loc.object().isEmpty()) {
            return Optional.empty();
        }
        return head("reading metadata of", loc)
                .map(
                        h ->
                                new ObjectInfo(
                                        loc.toStorageLocation(),
                                        h.size(),
                                        h.lastModified(),
                                        Optional.of(h.etag()),
                                        h.metadata()));
    }

    /**
     * A HEAD with {@code X-Newest: true}: the proxy asks every replica and answers with the newest
     * version, so the ETag an if-match compares and the owner the engine decides on are never a
     * stale replica's.
     */
    Optional<Head> head(String operation, SwiftLocation loc) throws IOException {
        HttpResponse<Void> r =
                client.send(operation, loc, "HEAD", loc.path(), Map.of("X-Newest", "true"));
        int status = r.statusCode();
        if (status / 100 == 2) {
            return Optional.of(toHead(r.headers()));
        }
        if (status == 404) {
            checkContainer(operation, loc);
            return Optional.empty();
        }
        throw SwiftErrors.forStatus(operation, loc, status);
    }

    private static Head toHead(HttpHeaders h) {
        long size = h.firstValueAsLong("Content-Length").orElse(0);
        Map<String, String> metadata = new HashMap<>();
        h.map()
                .forEach(
                        (name, values) -> {
                            String n = name.toLowerCase(Locale.ROOT);
                            if (n.startsWith(META_PREFIX) && !values.isEmpty()) {
                                metadata.put(n.substring(META_PREFIX.length()), values.get(0));
                            }
                        });
        boolean slo =
                h.firstValue("X-Static-Large-Object")
                        .map(v -> v.equalsIgnoreCase("true"))
                        .orElse(false);
        return new Head(
                size,
                lastModified(h),
                h.firstValue("ETag").map(SwiftStorage::unquote).orElse(""),
                metadata,
                slo);
    }

    private static Instant lastModified(HttpHeaders h) {
        Optional<String> ts = h.firstValue("X-Timestamp");
        if (ts.isPresent()) {
            try {
                double seconds = Double.parseDouble(ts.get());
                return Instant.ofEpochMilli((long) (seconds * 1000));
            } catch (NumberFormatException ignored) {
                // fall back to Last-Modified
            }
        }
        return h.firstValue("Last-Modified")
                .map(
                        v -> {
                            try {
                                return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                                        .toInstant();
                            } catch (RuntimeException e) {
                                return Instant.EPOCH;
                            }
                        })
                .orElse(Instant.EPOCH);
    }

    private void checkContainer(String operation, SwiftLocation loc) throws IOException {
        if (knownContainers.contains(loc.container())) {
            return;
        }
        HttpResponse<Void> r =
                client.send(
                        operation, loc, "HEAD", SwiftLocation.encode(loc.container()), Map.of());
        if (r.statusCode() / 100 == 2) {
            knownContainers.add(loc.container());
            return;
        }
        if (r.statusCode() == 404) {
            throw SwiftErrors.missingContainer(operation, loc, loc.container());
        }
        throw SwiftErrors.forStatus(operation, loc, r.statusCode());
    }

    @Override
    public InputStream open(StorageLocation location) throws IOException {
        SwiftLocation loc = SwiftLocation.of(location);
        checkOpen();
        if (loc.object().isEmpty()) {
            throw new FileNotFoundException("No object at " + loc);
        }
        HttpResponse<InputStream> r =
                client.send(
                        "reading",
                        loc,
                        "GET",
                        loc.path(),
                        Map.of(),
                        null,
                        BodyHandlers.ofInputStream());
        int status = r.statusCode();
        if (status == 200) {
            return r.body();
        }
        SwiftClient.discard(r);
        if (status == 404) {
            checkContainer("reading", loc);
            throw new FileNotFoundException("No object at " + loc);
        }
        throw SwiftErrors.forStatus("reading", loc, status);
    }

    // ---- list ----

    @Override
    public Stream<ObjectInfo> list(StorageLocation prefix) throws IOException {
        SwiftLocation loc = SwiftLocation.of(prefix);
        checkOpen();
        Listing listing = new Listing(loc);
        listing.fetch();
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        listing, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /** One page of a container listing, fetched lazily after the first. */
    private final class Listing implements Iterator<ObjectInfo> {
        private final SwiftLocation prefix;
        private List<ObjectInfo> page = List.of();
        private int index;
        private String marker = "";
        private boolean last;

        Listing(SwiftLocation prefix) {
            this.prefix = prefix;
        }

        void fetch() throws IOException {
            String query =
                    "?format=json&limit="
                            + config.listPageSize()
                            + "&prefix="
                            + SwiftLocation.encode(prefix.object())
                            + (marker.isEmpty() ? "" : "&marker=" + SwiftLocation.encode(marker));
            HttpResponse<byte[]> r =
                    client.send(
                            "listing",
                            prefix,
                            "GET",
                            SwiftLocation.encode(prefix.container()) + query,
                            Map.of("Accept", "application/json"),
                            null,
                            BodyHandlers.ofByteArray());
            int status = r.statusCode();
            if (status == 404) {
                knownContainers.remove(prefix.container());
                throw SwiftErrors.missingContainer("listing", prefix, prefix.container());
            }
            if (status == 204) {
                page = List.of();
            } else if (status == 200) {
                List<ObjectInfo> entries = new ArrayList<>();
                JsonNode body = SwiftClient.JSON.readTree(r.body());
                for (JsonNode e : body) {
                    if (!e.hasNonNull("name")) {
                        continue; // a "subdir" entry
                    }
                    String name = e.get("name").asText();
                    marker = name;
                    entries.add(
                            new ObjectInfo(
                                    new SwiftLocation(prefix.container(), name).toStorageLocation(),
                                    e.path("bytes").asLong(),
                                    listingTime(e.path("last_modified").asText()),
                                    Optional.of(
                                            unquote(
                                                    e.hasNonNull("slo_etag")
                                                            ? e.get("slo_etag").asText()
                                                            : e.path("hash").asText())),
                                    Map.of()));
                }
                page = entries;
                last = body.size() < config.listPageSize();
            } else {
                throw SwiftErrors.forStatus("listing", prefix, status);
            }
            if (page.isEmpty()) {
                last = true;
            }
            index = 0;
        }

        @Override
        public boolean hasNext() {
            while (index >= page.size()) {
                if (last) {
                    return false;
                }
                try {
                    fetch();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return true;
        }

        @Override
        public ObjectInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.get(index++);
        }
    }

    private static Instant listingTime(String v) {
        if (v.isEmpty()) {
            return Instant.EPOCH;
        }
        try {
            return LocalDateTime.parse(v, LISTING_TIME).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    // ---- delete ----

    @Override
    public void delete(StorageLocation location) throws IOException {
        SwiftLocation loc = SwiftLocation.of(location);
        checkOpen();
        if (loc.object().isEmpty()) {
            return;
        }
        HttpResponse<Void> h = client.send("deleting", loc, "HEAD", loc.path(), Map.of());
        if (h.statusCode() == 404) {
            return;
        }
        if (h.statusCode() / 100 != 2) {
            throw SwiftErrors.forStatus("deleting", loc, h.statusCode());
        }
        if (toHead(h.headers()).largeObject() && deleteLargeObject(loc)) {
            return;
        }
        HttpResponse<Void> r = client.send("deleting", loc, "DELETE", loc.path(), Map.of());
        if (r.statusCode() / 100 != 2 && r.statusCode() != 404) {
            throw SwiftErrors.forStatus("deleting", loc, r.statusCode());
        }
    }

    /** Deletes in parallel ({@code slo.upload-parallelism} at a time); the first failure wins. */
    @Override
    public void deleteAll(Collection<StorageLocation> locations) throws IOException {
        checkOpen();
        List<Future<Void>> futures = new ArrayList<>(locations.size());
        for (StorageLocation location : locations) {
            SwiftLocation.of(location);
            futures.add(
                    segmentPool.submit(
                            () -> {
                                delete(location);
                                return null;
                            }));
        }
        IOException first = null;
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new StorageException("Failed deleting objects: interrupted", false);
            } catch (ExecutionException e) {
                if (first == null) {
                    first =
                            e.getCause() instanceof IOException io
                                    ? io
                                    : new StorageException(
                                            "Failed deleting objects: " + e.getCause(),
                                            false,
                                            e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Deletes a manifest and its segments with {@code ?multipart-manifest=delete}.
     *
     * @return false when the object is no longer a manifest (replaced meanwhile)
     */
    private boolean deleteLargeObject(SwiftLocation loc) throws IOException {
        HttpResponse<byte[]> r =
                client.send(
                        "deleting",
                        loc,
                        "DELETE",
                        loc.path() + "?multipart-manifest=delete",
                        Map.of("Accept", "application/json"),
                        null,
                        BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return true;
        }
        if (r.statusCode() / 100 != 2) {
            throw SwiftErrors.forStatus("deleting", loc, r.statusCode());
        }
        // The bulk-delete answer is 200 with the real outcome in the body.
        JsonNode body = SwiftClient.JSON.readTree(r.body());
        String outcome = body.path("Response Status").asText("");
        int status = outcome.length() >= 3 ? parseStatus(outcome.substring(0, 3)) : 200;
        if (status / 100 == 2 || status == 404) {
            return true;
        }
        if (status == 400 && body.toString().contains("Not an SLO manifest")) {
            return false;
        }
        throw new StorageException(
                SwiftErrors.failed("deleting", loc)
                        + ": "
                        + outcome
                        + " "
                        + body.path("Errors").toString(),
                SwiftErrors.retryable(status));
    }

    private static int parseStatus(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    // ---- misc ----

    @Override
    public boolean supportsConditionalWrites() {
        return true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            segmentPool.shutdownNow();
            client.close();
        }
    }

    private void checkOpen() throws StorageException {
        if (closed.get()) {
            throw new StorageException("The swift:// storage is closed", false);
        }
    }

    private static SwiftLocation objectLocation(StorageLocation target) {
        SwiftLocation loc = SwiftLocation.of(target);
        if (loc.object().isEmpty()) {
            throw new IllegalArgumentException("No object key in " + target);
        }
        return loc;
    }

    static String unquote(String etag) {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(Locale.ROOT);
    }

    private static String uploadId() {
        return Instant.now().toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String md5(Path file, long offset, long length, SwiftLocation loc)
            throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = slice(file, offset, length)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (UncheckedIOException e) {
            throw new StorageException(
                    SwiftErrors.failed(UPLOADING, loc) + ": cannot read " + file, false, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code length} bytes of {@code file} from {@code offset}. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long s = super.skip(Math.min(n, left));
                    left -= s;
                    return s;
                }

                @Override
                public int available() throws IOException {
                    return (int) Math.min(super.available(), left);
                }

                @Override
                public boolean markSupported() {
                    return false;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
