package dev.archiver.internal;

import dev.archiver.partition.PartitionPath;
import dev.archiver.policy.FileStats;
import dev.archiver.record.TopicPartitionId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one consumer thread holds for one assigned topic-partition. Confined to that thread. */
final class PartitionState {
    final TopicPartitionId partition;
    final Path stagingDir;

    /**
     * The committed next offset (resumed from or last committed); -1 when nothing was committed
     * yet.
     */
    long committed;

    /** Open files by output partition; the dead-letter file is kept apart. */
    final Map<PartitionPath, OpenFile> open = new LinkedHashMap<>();

    OpenFile deadLetter;
    Batch inFlight;
    long lastIdleCommitMillis;

    /** The offset of the last record taken from a poll; -1 before the first. */
    long lastHandled;

    long lastGapWarningMillis;

    /** Consecutive staging write failures, for the backoff. */
    int stagingFailures;

    /** Paused after a staging failure until this time; 0 when not paused. */
    long pausedUntilMillis;

    PartitionState(TopicPartitionId partition, Path stagingDir, long committed) {
        this.partition = partition;
        this.stagingDir = stagingDir;
        this.committed = committed;
        this.lastHandled = committed - 1;
    }

    boolean hasData() {
        return !open.isEmpty() || deadLetter != null;
    }

    List<OpenFile> files() {
        List<OpenFile> files = new ArrayList<>(open.values());
        if (deadLetter != null) {
            files.add(deadLetter);
        }
        return files;
    }

    int openFileCount() {
        return open.size() + (deadLetter == null ? 0 : 1);
    }

    long stagedBytes() {
        long bytes = 0;
        for (OpenFile f : open.values()) {
            bytes += f.bytes();
        }
        return deadLetter == null ? bytes : bytes + deadLetter.bytes();
    }

    /** The combined stats of the open files; only meaningful when {@link #hasData()}. */
    FileStats stats() {
        long records = 0;
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = -1;
        Instant created = null;
        for (OpenFile f : files()) {
            records += f.records;
            bytes += f.bytes();
            first = Math.min(first, f.firstOffset);
            last = Math.max(last, f.lastOffset);
            if (created == null || f.createdAt.isBefore(created)) {
                created = f.createdAt;
            }
        }
        return new FileStats(records, bytes, openFileCount(), created, first, last);
    }

    Instant oldestCreatedAt() {
        Instant created = null;
        for (OpenFile f : files()) {
            if (created == null || f.createdAt.isBefore(created)) {
                created = f.createdAt;
            }
        }
        return created;
    }

    void discardOpenFiles() {
        for (OpenFile f : files()) {
            f.discard();
        }
        open.clear();
        deadLetter = null;
    }
}
