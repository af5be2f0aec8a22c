package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

/**
 * One measured run: the plain consumer (format and codec {@code -}) or the archiver.
 *
 * @param subject {@code consumer} or {@code archiver}
 * @param format the archiver's format, {@code -} for the consumer
 * @param codec the archiver's codec (for parquet its page codec), {@code -} for the consumer
 * @param partitions the topic's partition count
 * @param records records drained
 * @param bytes key and value bytes drained
 * @param seconds wall time from start (consumer created, {@code Archiver.start()}) until everything
 *     was consumed and committed
 * @param ratio records/s relative to the plain consumer on the same topic
 * @param cpuSeconds process CPU time of the benchmark JVM during the run
 * @param peakHeapBytes the peak of the heap's used bytes during the run, sampled every 5 ms
 * @param rssBytes the benchmark JVM's VmRSS right after the run (process-wide, not per run)
 * @param objects objects uploaded (0 for the consumer)
 * @param objectBytes bytes uploaded (0 for the consumer)
 * @param verified {@code yes}, {@code NO}, {@code skipped}, or {@code lossy} (a format without
 *     offsets, such as text, cannot be verified)
 * @param store {@code file} or {@code s3}; {@code -} for the consumer
 * @param liveHeapBytes the largest heap used right after a GC during the run (0 when no GC ran): an
 *     upper bound of the live set
 * @param drainSeconds wall time until every record was consumed (for the archiver: staged, not yet
 *     uploaded; the gap to {@code seconds} is mostly the last files' max-file-age)
 * @param mode how the format holds the value: {@code typed+raw} or {@code raw} for parquet, {@code
 *     -} otherwise
 * @param joinSeconds wall time from start until the first record arrived: the consumer-group join
 *     and the first fetch
 * @param tailSeconds wall time from the last record consumed until the run ended: the consumer's
 *     commit and close; the archiver's last seals (mostly {@code upload.max-file-age}), uploads and
 *     commits
 * @param steadyRatio {@link #steadyRecordsPerSecond()} relative to the plain consumer's on the same
 *     topic; NaN when either steady window is empty
 */
public record BenchmarkResult(
        String subject,
        String format,
        String codec,
        int partitions,
        long records,
        long bytes,
        double seconds,
        double ratio,
        double cpuSeconds,
        long peakHeapBytes,
        long rssBytes,
        long objects,
        long objectBytes,
        String verified,
        double drainSeconds,
        String store,
        long liveHeapBytes,
        String mode,
        double joinSeconds,
        double tailSeconds,
        double steadyRatio) {

    static final String CSV_HEADER =
            "subject,format,codec,partitions,records,bytes,seconds,records_per_s,mb_per_s,"
                    + "ratio_to_consumer,cpu_s_per_gb,peak_heap_mb,rss_mb,objects,mean_object_kb,"
                    + "verified,drain_seconds,store,live_heap_mb,mode,join_seconds,tail_seconds,"
                    + "steady_records_per_s,steady_ratio";

    public BenchmarkResult {
        requireNonNull(subject, "subject is null");
        requireNonNull(format, "format is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(verified, "verified is null");
        requireNonNull(store, "store is null");
        requireNonNull(mode, "mode is null");
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
    }

    public double recordsPerSecond() {
        return records / seconds;
    }

    /**
     * Records per second between the first record and the last record consumed: the rate without
     * the group join and without the tail; NaN when that window is empty (every record came in the
     * first poll).
     */
    public double steadyRecordsPerSecond() {
        double window = drainSeconds - joinSeconds;
        return window > 0 ? records / window : Double.NaN;
    }

    public double megabytesPerSecond() {
        return bytes / 1e6 / seconds;
    }

    public double cpuSecondsPerGigabyte() {
        return bytes == 0 ? 0 : cpuSeconds / (bytes / 1e9);
    }

    public double meanObjectKilobytes() {
        return objects == 0 ? 0 : objectBytes / 1e3 / objects;
    }

    public String label() {
        return subject.equals("consumer")
                ? "consumer p=" + partitions
                : format
                        + (mode.equals("-") ? "" : "[" + mode + "]")
                        + "/"
                        + codec
                        + (store.equals("file") ? "" : " " + store)
                        + " p="
                        + partitions;
    }

    String csv() {
        return String.join(
                ",",
                subject,
                format,
                codec,
                Integer.toString(partitions),
                Long.toString(records),
                Long.toString(bytes),
                fmt(seconds, 3),
                fmt(recordsPerSecond(), 0),
                fmt(megabytesPerSecond(), 2),
                fmt(ratio, 3),
                fmt(cpuSecondsPerGigabyte(), 2),
                fmt(peakHeapBytes / 1e6, 1),
                fmt(rssBytes / 1e6, 1),
                Long.toString(objects),
                fmt(meanObjectKilobytes(), 1),
                verified,
                fmt(drainSeconds, 3),
                store,
                fmt(liveHeapBytes / 1e6, 1),
                mode,
                fmt(joinSeconds, 3),
                fmt(tailSeconds, 3),
                fmt(steadyRecordsPerSecond(), 0),
                fmt(steadyRatio, 3));
    }

    /** {@code v} with {@code decimals} decimals; {@code -} for NaN. */
    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}
