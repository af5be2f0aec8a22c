package dev.archiver.internal;

import dev.archiver.offset.OffsetTracker;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sealed files of one topic-partition, uploaded together and then committed as one offset.
 * Sealed by the {@link PartitionWriter} on the consumer thread, uploaded by the {@link
 * BatchUploader}, which reports the outcome only through {@link #result} and {@link #failure} and
 * then hands the batch back through the loop's completion signal.
 */
final class Batch {
    enum Result {
        PENDING,
        UPLOADED,
        OWNERSHIP_LOST,
        ABANDONED,
        /** The store refused an upload for good; {@link #failure} says why. Stops the thread. */
        FAILED,
        /** A test hook simulated a crash on the upload thread; {@link #failure} holds it. */
        CRASHED
    }

    record SealedFile(
            Path localFile,
            StorageLocation target,
            UploadOptions options,
            long records,
            long bytes) {}

    final TopicPartitionId partition;
    final List<SealedFile> files;
    final long firstOffset;
    final long nextOffset;
    final long expectedCommitted;
    final ArchiveMetadata.Owner owner;

    /** The partition's intents: the upload announces the batch there first. */
    final BatchIntents.PartitionIntents intents;

    /** Cleared when the partition is revoked: the upload stops at the next file. */
    final AtomicBoolean owned = new AtomicBoolean(true);

    volatile Result result = Result.PENDING;
    volatile Throwable failure;
    volatile Future<?> future;
    volatile OffsetTracker.PartitionLock lock = OffsetTracker.PartitionLock.NONE;

    /** Set after a failed commit, to retry it without re-uploading (consumer thread). */
    boolean commitDeferred;

    /** When {@link #commitDeferred}: the ticker time of the next attempt. */
    long commitRetryAtNanos;

    Batch(
            TopicPartitionId partition,
            List<SealedFile> files,
            long firstOffset,
            long nextOffset,
            long expectedCommitted,
            ArchiveMetadata.Owner owner,
            BatchIntents.PartitionIntents intents) {
        this.partition = partition;
        this.files = List.copyOf(files);
        this.firstOffset = firstOffset;
        this.nextOffset = nextOffset;
        this.expectedCommitted = expectedCommitted;
        this.owner = owner;
        this.intents = intents;
    }

    long records() {
        return files.stream().mapToLong(SealedFile::records).sum();
    }

    void deleteLocalFiles() {
        for (SealedFile f : files) {
            try {
                java.nio.file.Files.deleteIfExists(f.localFile());
            } catch (java.io.IOException ignored) {
                // staging is cleaned on the next assignment
            }
        }
    }

    @Override
    public String toString() {
        return partition
                + "["
                + firstOffset
                + ".."
                + nextOffset
                + "), "
                + files.size()
                + " file(s)";
    }
}
