package dev.archiver;

import dev.archiver.record.TopicPartitionId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of an engine's counters (since start) and gauges (now).
 *
 * @param recordsConsumed records taken from Kafka
 * @param bytesConsumed payload bytes (keys, values, headers) taken from Kafka
 * @param recordsArchived records in committed batches (dead letters included)
 * @param objectsUploaded objects uploaded
 * @param bytesUploaded bytes of uploaded objects
 * @param uploadFailures failed upload attempts (each was retried)
 * @param deadLettered records sent to the dead-letter prefix
 * @param skipped bad records skipped ({@code errors.tolerance=skip})
 * @param filtered records dropped by transformers
 * @param commits offset commits
 * @param rebalances assignments and revocations seen
 * @param stagingFailures failed writes to local staging files (e.g. a full disk); each paused the
 *     partition and replayed its records
 * @param offsetsSkippedByKafka offsets Kafka did not deliver (retention deleted them before they
 *     were archived, compaction, aborted transactions); single transaction markers are not counted
 * @param stagedBytes bytes in open staging files now
 * @param openFiles open staging files now
 * @param oldestStaged when the oldest open file was started; empty when nothing is staged
 * @param positions consumer position per assigned partition
 * @since 0.1
 */
public record ArchiverStats(
        long recordsConsumed,
        long bytesConsumed,
        long recordsArchived,
        long objectsUploaded,
        long bytesUploaded,
        long uploadFailures,
        long deadLettered,
        long skipped,
        long filtered,
        long commits,
        long rebalances,
        long stagingFailures,
        long offsetsSkippedByKafka,
        long stagedBytes,
        int openFiles,
        Optional<Instant> oldestStaged,
        Map<TopicPartitionId, Long> positions) {}
