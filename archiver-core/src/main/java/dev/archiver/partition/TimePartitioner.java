package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import dev.archiver.parse.ParsedRecord;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code time} partitioner: formats the event time, truncated in the configured zone, with the
 * configured pattern; see {@link TimePartitionerConfig}. A function of the event time alone. An
 * event time whose local year is outside 1 to 9999 cannot be laid out and is a bad record ({@link
 * IllegalArgumentException}; the bad-record policy applies, by default the dead-letter prefix).
 *
 * <p>The path of the last time bucket seen is cached (one immutable entry behind a volatile field,
 * no lock), so records of the same bucket cost a comparison instead of a format. The cached entry
 * covers only instants with the same zone offset, which keeps DST transitions exact.
 *
 * @since 0.1
 */
public final class TimePartitioner implements Partitioner {
    private static final int MIN_YEAR = 1;
    private static final int MAX_YEAR = 9999;

    private final TimePartitionerConfig config;
    private final DateTimeFormatter formatter;
    private final ZoneRules rules;
    private final long unitSeconds;
    private volatile Bucket cached;

    /** Instants with epoch seconds in [start, end) map to {@code path}. */
    private record Bucket(long start, long end, PartitionPath path) {}

    public TimePartitioner(TimePartitionerConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.formatter = DateTimeFormatter.ofPattern(config.pattern(), Locale.ROOT);
        this.rules = config.zone().getRules();
        this.unitSeconds = config.unit().toSeconds();
    }

    @Override
    public PartitionPath partition(ParsedRecord record) {
        long second = record.eventTime().getEpochSecond();
        Bucket b = cached;
        if (b != null && second >= b.start && second < b.end) {
            return b.path;
        }
        b = bucket(record.eventTime());
        cached = b;
        return b.path;
    }

    private Bucket bucket(Instant t) {
        long second = t.getEpochSecond();
        ZoneOffset offset = rules.getOffset(t);
        LocalDateTime local = LocalDateTime.ofEpochSecond(second, 0, offset);
        if (local.getYear() < MIN_YEAR || local.getYear() > MAX_YEAR) {
            // a pattern's 'yyyy' prints the year of era: year -5 would land in "0006", and a year
            // beyond 9999 prints as "+10000"; neither is a path anyone looks for
            throw new IllegalArgumentException(
                    "event time "
                            + t
                            + " is outside the years "
                            + MIN_YEAR
                            + " to "
                            + MAX_YEAR
                            + " that the time partitioner lays out");
        }
        long secondOfDay = local.toLocalTime().toSecondOfDay();
        LocalDateTime localStart =
                local.toLocalDate()
                        .atStartOfDay()
                        .plusSeconds(secondOfDay - secondOfDay % unitSeconds);
        ZonedDateTime start = ZonedDateTime.ofLocal(localStart, config.zone(), offset);
        PartitionPath path =
                new PartitionPath(Arrays.asList(formatter.format(start).split("/", -1)));

        // every instant in [lo, hi) has t's offset and the same truncated local time
        long lo = localStart.toEpochSecond(offset);
        long hi = lo + unitSeconds;
        ZoneOffsetTransition previous = rules.previousTransition(t.plusNanos(1));
        if (previous != null) {
            lo = Math.max(lo, previous.getInstant().getEpochSecond());
        }
        ZoneOffsetTransition next = rules.nextTransition(t);
        if (next != null) {
            hi = Math.min(hi, next.getInstant().getEpochSecond());
        }
        return new Bucket(lo, hi, path);
    }

    public TimePartitionerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "time(pattern="
                + config.pattern()
                + ", zone="
                + config.zone()
                + ", unit="
                + config.unit()
                + ")";
    }
}
