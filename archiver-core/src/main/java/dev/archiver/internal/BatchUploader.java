package dev.archiver.internal;

import dev.archiver.ArchiverConfig;
import dev.archiver.ArchiverListener;
import dev.archiver.config.Settings;
import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads sealed batches on the upload executor, with retries and fencing (docs/design.md,
 * invariant 5), each announced first in its partition's intent ({@link BatchIntents},
 * docs/engine.md, invariant 9). It owns nothing of the consumer thread: the outcome is written to
 * the batch ({@link Batch#result}, {@link Batch#failure}) and the batch is then handed to the
 * {@link CompletionSignal} the loop supplied, exactly once per submitted batch.
 */
final class BatchUploader {
    private static final Logger log = LoggerFactory.getLogger(BatchUploader.class);

    /**
     * Attempts after which an error the store calls non-retryable (bad request, access denied)
     * fails the batch for good, rather than holding the partition and an upload thread for ever.
     */
    static final int PERMANENT_ERROR_ATTEMPTS = 5;

    /**
     * How the loop learns that a batch finished. Called on the upload thread, once per batch, after
     * its result is final (never {@link Batch.Result#PENDING}). It must not block and must not
     * touch the partition's state: the loop does that on its own thread.
     */
    @FunctionalInterface
    interface CompletionSignal {
        void completed(Batch batch);
    }

    private final ArchiverConfig config;
    private final ObjectStorage storage;
    private final OffsetTracker tracker;
    private final ExecutorService executor;
    private final EngineStats stats;
    private final ArchiverListener listener;
    private final EngineHooks hooks;
    private final String name;
    private final CompletionSignal signal;
    private final BatchIntents intents;

    BatchUploader(
            ArchiverConfig config,
            ObjectStorage storage,
            OffsetTracker tracker,
            ExecutorService executor,
            EngineStats stats,
            String name,
            CompletionSignal signal) {
        this.config = config;
        this.storage = storage;
        this.tracker = tracker;
        this.executor = executor;
        this.stats = stats;
        this.listener = config.listener();
        this.hooks = config.hooks();
        this.name = name;
        this.signal = signal;
        this.intents = new BatchIntents(storage, config.storageRoot(), config.groupId(), name);
    }

    void submit(Batch batch) {
        batch.future = executor.submit(() -> upload(batch));
    }

    /**
     * Stops a batch: the upload stops at the next file (or its retry sleep is interrupted), the
     * tracker's lock is released and the local files are deleted. Consumer thread.
     */
    static void abandon(Batch batch) {
        batch.owned.set(false);
        if (batch.future != null) {
            batch.future.cancel(true);
        }
        batch.lock.close();
        batch.deleteLocalFiles();
    }

    private void upload(Batch batch) {
        Duration backoff = config.retryInitialBackoff();
        try {
            hooks.beforeUpload(batch.partition, batch.firstOffset, batch.nextOffset);
            batch.lock = tracker.lock(batch.partition, batch.expectedCommitted);
            Set<Batch.SealedFile> done = new HashSet<>();
            int permanentErrors = 0;
            boolean announced = false;
            for (int attempt = 1; ; attempt++) {
                Batch.SealedFile current = null;
                try {
                    if (!announced) {
                        if (!batch.owned.get()) {
                            batch.result = Batch.Result.ABANDONED;
                            return;
                        }
                        intents.announce(batch);
                        announced = true;
                    }
                    for (Batch.SealedFile f : batch.files) {
                        if (done.contains(f)) {
                            continue;
                        }
                        if (!batch.owned.get()) {
                            batch.result = Batch.Result.ABANDONED;
                            return;
                        }
                        current = f;
                        long start = System.nanoTime();
                        uploadOne(batch, f);
                        done.add(f);
                        Duration latency = Duration.ofNanos(System.nanoTime() - start);
                        stats.objectsUploaded.incrementAndGet();
                        stats.bytesUploaded.addAndGet(f.bytes());
                        Listeners.safely(
                                name,
                                () ->
                                        listener.objectUploaded(
                                                batch.partition,
                                                f.target(),
                                                f.records(),
                                                f.bytes(),
                                                latency));
                    }
                    batch.result = Batch.Result.UPLOADED;
                    return;
                } catch (OwnershipLostException e) {
                    throw e;
                } catch (SourceConflictException e) {
                    // no retry or replay can change whose object it is
                    stats.uploadFailures.incrementAndGet();
                    batch.failure = e;
                    batch.result = Batch.Result.FAILED;
                    return;
                } catch (IOException | RuntimeException e) {
                    if (!batch.owned.get() || Thread.currentThread().isInterrupted()) {
                        batch.result = Batch.Result.ABANDONED;
                        return;
                    }
                    stats.uploadFailures.incrementAndGet();
                    if (current != null && !Files.exists(current.localFile())) {
                        // the staged file is gone (staging cleaned): only a replay can heal this
                        batch.failure = e;
                        batch.result = Batch.Result.ABANDONED;
                        log.warn(
                                "{}: the staged file of {} is gone; replaying {}",
                                name,
                                current.target(),
                                batch);
                        return;
                    }
                    boolean retryable = !(e instanceof StorageException se) || se.retryable();
                    StorageLocation failed =
                            current == null ? intents.location(batch.partition) : current.target();
                    // a failed precondition is a race with another writer: the next attempt
                    // re-reads the object and decides again, so it is not counted as permanent
                    boolean permanent = !retryable && !(e instanceof PreconditionFailedException);
                    if (permanent && ++permanentErrors >= PERMANENT_ERROR_ATTEMPTS) {
                        batch.failure =
                                new StorageException(
                                        "Uploading "
                                                + failed
                                                + " failed "
                                                + permanentErrors
                                                + " times with an error the store calls permanent: "
                                                + e.getMessage(),
                                        false,
                                        e);
                        batch.result = Batch.Result.FAILED;
                        return;
                    }
                    Duration wait = retryable ? backoff : config.retryMaxBackoff();
                    log.warn(
                            "{}: uploading {} failed (attempt {}, retrying in {}): {}",
                            name,
                            failed,
                            attempt,
                            Settings.formatDuration(wait),
                            e.getMessage());
                    Listeners.safely(
                            name, () -> listener.uploadFailed(batch.partition, failed, e, 0, wait));
                    if (!sleepInterruptibly(wait)) {
                        batch.result = Batch.Result.ABANDONED;
                        return;
                    }
                    backoff = min(backoff.multipliedBy(2), config.retryMaxBackoff());
                }
            }
        } catch (EngineHooks.SimulatedCrash e) {
            batch.failure = e;
            batch.result = Batch.Result.CRASHED;
        } catch (OwnershipLostException e) {
            batch.failure = e;
            batch.result = Batch.Result.OWNERSHIP_LOST;
            log.warn("{}: {} is no longer ours: {}", name, batch.partition, e.getMessage());
        } catch (IOException | RuntimeException e) {
            batch.failure = e;
            batch.result = Batch.Result.ABANDONED;
            log.warn("{}: upload of {} given up: {}", name, batch, e.toString());
        } finally {
            signal.completed(batch);
        }
    }

    /**
     * Uploads one file create-only. An existing object at the key is a leftover of an earlier
     * owner's uncommitted batch (committed batches' keys all lie below the committed offset) and is
     * replaced with if-match, unless a newer owner wrote it: then this consumer is a zombie and
     * stops (docs/design.md, invariant 5).
     */
    private void uploadOne(Batch batch, Batch.SealedFile f) throws IOException {
        if (!storage.supportsConditionalWrites()) {
            storage.upload(f.localFile(), f.target(), f.options());
            return;
        }
        try {
            storage.upload(
                    f.localFile(),
                    f.target(),
                    f.options().withPrecondition(Precondition.ifNoneMatch()));
        } catch (PreconditionFailedException exists) {
            Optional<ObjectInfo> current = storage.stat(f.target());
            if (current.isEmpty()) {
                throw new StorageException(
                        "Object " + f.target() + " vanished during a conditional upload; retrying",
                        true,
                        exists);
            }
            Optional<ArchiveMetadata.Owner> writer =
                    ArchiveMetadata.owner(current.get().metadata());
            checkSameSource(f, current.get().metadata(), writer, batch.owner);
            if (writer.isPresent() && newerOwner(writer.get(), batch.owner)) {
                String message =
                        f.target()
                                + " was written by a newer owner of "
                                + batch.partition
                                + " (epoch "
                                + writer.get().epoch()
                                + " >= "
                                + batch.owner.epoch()
                                + ")";
                if (writer.get().epoch() > batch.owner.epoch()
                        && writer.get().group().equals(batch.owner.group())) {
                    throw new HigherEpochException(
                            f.target(),
                            batch.owner.group(),
                            writer.get().epoch(),
                            batch.owner.epoch(),
                            message);
                }
                throw new OwnershipLostException(message);
            }
            String etag =
                    current.get()
                            .etag()
                            .orElseThrow(
                                    () ->
                                            new StorageException(
                                                    "No version tag for "
                                                            + f.target()
                                                            + "; cannot replace it safely",
                                                    false));
            storage.upload(
                    f.localFile(),
                    f.target(),
                    f.options().withPrecondition(Precondition.ifMatch(etag)));
        }
    }

    /**
     * Refuses an object of another source: another consumer group (a second job on the same keys, a
     * renamed group), or another incarnation of the topic (deleted and re-created under the same
     * name, its offsets started again). Their offsets and generations say nothing about this
     * batch's, so such an object is never replaced. Objects that do not say (written before these
     * keys existed, or without a known topic id) are compared by generation only.
     */
    private static void checkSameSource(
            Batch.SealedFile f,
            Map<String, String> existing,
            Optional<ArchiveMetadata.Owner> writer,
            ArchiveMetadata.Owner me)
            throws SourceConflictException {
        Optional<String> theirs = ArchiveMetadata.topicId(existing);
        Optional<String> ours = ArchiveMetadata.topicId(f.options().metadata());
        if (theirs.isPresent() && ours.isPresent() && !theirs.equals(ours)) {
            throw new SourceConflictException(
                    "Not replacing "
                            + f.target()
                            + ": it holds records of another incarnation of the topic (topic id "
                            + theirs.get()
                            + "; the topic now has id "
                            + ours.get()
                            + "): the topic was deleted and re-created under the same name and its"
                            + " offsets started again, so its objects get the older incarnation's"
                            + " keys. The older objects are never overwritten and this consumer"
                            + " thread stops. To archive the new incarnation, give the job another"
                            + " storage.uri or a key.template with another fixed prefix, or move"
                            + " the older incarnation's objects away first");
        }
        if (writer.isPresent()
                && !writer.get().group().isEmpty()
                && !writer.get().group().equals(me.group())) {
            throw new SourceConflictException(
                    "Not replacing "
                            + f.target()
                            + ": it was written by consumer group '"
                            + writer.get().group()
                            + "', this is '"
                            + me.group()
                            + "' (two jobs archive to the same keys: give each its own storage.uri or key template)");
        }
    }

    /**
     * Whether {@code writer} owned the partition after {@code me}: then this upload is a zombie's.
     * A higher generation is newer. Within one generation only one member owns a partition, so a
     * different member there is the same static member ({@code group.instance.id}) in another
     * incarnation: restarted within the session timeout, it keeps the generation and gets a new
     * member id. The incarnation whose consumer started later is the newer one; the older one is
     * the zombie (the broker also fences its commits).
     */
    static boolean newerOwner(ArchiveMetadata.Owner writer, ArchiveMetadata.Owner me) {
        if (writer.epoch() != me.epoch()) {
            return writer.epoch() > me.epoch();
        }
        if (writer.memberId().equals(me.memberId())) {
            return false;
        }
        return !writer.sameStaticMember(me) || writer.startedMillis() >= me.startedMillis();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static boolean sleepInterruptibly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
