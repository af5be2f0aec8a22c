package dev.archiver.verify;

import java.util.List;

/**
 * The verifier's verdict over an archive.
 *
 * @param partitions one report per topic-partition, sorted
 * @param objects objects read
 * @param records records read
 * @param deadLetters records read from the dead-letter prefix
 * @param unreadable objects that could not be read or are in a format that is not lossless, with
 *     the reason
 * @param comparedWithKafka whether the archive was compared with what Kafka still holds
 * @since 0.1
 */
public record VerificationReport(
        List<PartitionReport> partitions,
        long objects,
        long records,
        long deadLetters,
        List<String> unreadable,
        boolean comparedWithKafka) {

    public VerificationReport {
        partitions = List.copyOf(partitions);
        unreadable = List.copyOf(unreadable);
    }

    /** Every record exactly once: no partition problem and no unreadable object. */
    public boolean ok() {
        return unreadable.isEmpty() && partitions.stream().allMatch(PartitionReport::ok);
    }

    public long duplicates() {
        return partitions.stream().mapToLong(PartitionReport::duplicateCount).sum();
    }

    public long gaps() {
        return partitions.stream().mapToLong(PartitionReport::gapCount).sum();
    }

    /** Consumed ranges found complete (archive-only verification). */
    public long ranges() {
        return partitions.stream().mapToLong(PartitionReport::ranges).sum();
    }

    /** Batches with a recorded range of which some object is missing. */
    public long incompleteRanges() {
        return partitions.stream().mapToLong(PartitionReport::incompleteRanges).sum();
    }

    /** Offsets inside consumed ranges that no object holds: Kafka's own gaps, not a failure. */
    public long kafkaGaps() {
        return partitions.stream().mapToLong(PartitionReport::kafkaGaps).sum();
    }

    public long missingFromArchive() {
        return partitions.stream().mapToLong(PartitionReport::missingFromArchive).sum();
    }

    /** A human-readable summary: one line per partition and a verdict. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        "%-40s %12s %8s %14s %14s %10s %10s %10s%n",
                        "partition",
                        "records",
                        "objects",
                        "first",
                        "last",
                        "duplicates",
                        "gaps",
                        "missing"));
        for (PartitionReport p : partitions) {
            sb.append(
                    String.format(
                            "%-40s %12d %8d %14d %14d %10d %10d %10d%n",
                            p.partition(),
                            p.records(),
                            p.objects(),
                            p.firstOffset(),
                            p.lastOffset(),
                            p.duplicateCount(),
                            p.gapCount(),
                            p.missingFromArchive()));
            if (p.ranges() + p.incompleteRanges() > 0) {
                sb.append(
                        String.format(
                                "  consumed ranges: %d (%d incomplete), Kafka gaps inside them: %d%n",
                                p.ranges(), p.incompleteRanges(), p.kafkaGaps()));
            }
            if (!p.duplicates().isEmpty()) {
                sb.append("  duplicated offsets: ").append(p.duplicates()).append('\n');
            }
            if (!p.gaps().isEmpty()) {
                sb.append("  missing offsets: ").append(p.gaps()).append('\n');
            }
        }
        for (String u : unreadable) {
            sb.append("  unreadable: ").append(u).append('\n');
        }
        sb.append(ok() ? "OK" : "FAILED")
                .append(": ")
                .append(records)
                .append(" records in ")
                .append(objects)
                .append(" objects");
        if (deadLetters > 0) {
            sb.append(" (").append(deadLetters).append(" dead letters)");
        }
        sb.append(", ")
                .append(duplicates())
                .append(" duplicated, ")
                .append(gaps())
                .append(" missing offsets");
        if (comparedWithKafka) {
            sb.append(", ")
                    .append(missingFromArchive())
                    .append(" Kafka records missing from the archive");
        } else if (ranges() + incompleteRanges() > 0) {
            sb.append(" (lost); ")
                    .append(ranges())
                    .append(" consumed ranges, ")
                    .append(incompleteRanges())
                    .append(" incomplete, ")
                    .append(kafkaGaps())
                    .append(" Kafka gaps inside them (transaction markers, aborted, compacted or")
                    .append(" filtered records)");
        } else if (!partitions.isEmpty()) {
            sb.append(" (no consumed ranges recorded: every missing offset counts)");
        }
        return sb.toString();
    }
}
