package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

/**
 * One measured run: the plain consumer (format and codec {@code -}) or the archiver.
 *
 * @param subject {@code consumer} or {@code archiver}
 * @param format the archiver's format, {@code -} for the consumer
 * @param codec the archiver's codec, {@code -} for the consumer
 * @param partitions the topic's partition count
 * @param records records drained
 * @param bytes key and value bytes drained
 * @param seconds wall time from start until everything was consumed (consumer) or committed
 *     (archiver)
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
        long liveHeapBytes) {

    static final String CSV_HEADER =
            "subject,format,codec,partitions,records,bytes,seconds,records_per_s,mb_per_s,"
                    + "ratio_to_consumer,cpu_s_per_gb,peak_heap_mb,rss_mb,objects,mean_object_kb,"
                    + "verified,drain_seconds,store,live_heap_mb";

    public BenchmarkResult {
        requireNonNull(subject, "subject is null");
        requireNonNull(format, "format is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(verified, "verified is null");
        requireNonNull(store, "store is null");
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
    }

    public double recordsPerSecond() {
        return records / seconds;
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
                fmt(liveHeapBytes / 1e6, 1));
    }

    static String fmt(double v, int decimals) {
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}
