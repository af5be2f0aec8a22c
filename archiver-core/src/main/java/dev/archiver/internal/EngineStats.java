package dev.archiver.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Counters shared by the engine's threads. */
public final class EngineStats {
    public final AtomicLong recordsConsumed = new AtomicLong();
    public final AtomicLong bytesConsumed = new AtomicLong();
    public final AtomicLong recordsArchived = new AtomicLong();
    public final AtomicLong bytesUploaded = new AtomicLong();
    public final AtomicLong objectsUploaded = new AtomicLong();
    public final AtomicLong uploadFailures = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong skipped = new AtomicLong();
    public final AtomicLong filtered = new AtomicLong();
    public final AtomicLong commits = new AtomicLong();
    public final AtomicLong rebalances = new AtomicLong();
    public final AtomicLong stagingFailures = new AtomicLong();
    public final AtomicLong offsetsSkippedByKafka = new AtomicLong();
}
