package dev.archiver.parse;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * How a timestamp value found inside a record (a JSON field, a regex group) is turned into an
 * {@link Instant}. Shared by the {@code json} and {@code regex} parsers.
 *
 * <p>Accepted specs:
 *
 * <ul>
 *   <li>{@code epoch-seconds}, {@code epoch-millis}, {@code epoch-micros}, {@code epoch-nanos}: a
 *       number, or a string holding a number; a fractional part is kept down to the nanosecond
 *       ({@code 1.5} epoch-seconds is 1500 ms after the epoch);
 *   <li>{@code iso-8601}: {@code 2026-11-24T21:05:00Z}, with an offset ({@code +01:00}) or a zone
 *       ({@code [Europe/Paris]}), or without either, in which case the configured zone applies;
 *   <li>anything else is a {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd HH:mm:ss};
 *       text without an offset is read in the configured zone, a pattern without a time of day
 *       gives the start of that day. In a DST overlap the earlier offset is used.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class TimestampFormat {
    /** The spec names that are not patterns, for error messages. */
    public static final String ACCEPTED =
            "epoch-seconds, epoch-millis, epoch-micros, epoch-nanos, iso-8601 or a DateTimeFormatter pattern";

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private enum Kind {
        EPOCH_SECONDS(1_000_000_000L),
        EPOCH_MILLIS(1_000_000L),
        EPOCH_MICROS(1_000L),
        EPOCH_NANOS(1L),
        ISO_8601(0),
        PATTERN(0);

        final long nanosPerUnit;

        Kind(long nanosPerUnit) {
            this.nanosPerUnit = nanosPerUnit;
        }
    }

    private final Kind kind;
    private final String spec;
    private final ZoneId zone;
    private final DateTimeFormatter formatter;

    private TimestampFormat(Kind kind, String spec, ZoneId zone, DateTimeFormatter formatter) {
        this.kind = kind;
        this.spec = spec;
        this.zone = zone;
        this.formatter = formatter;
    }

    public static TimestampFormat epochMillis() {
        return of("epoch-millis", ZoneId.of("UTC"));
    }

    /**
     * @param spec one of the names above or a {@link DateTimeFormatter} pattern
     * @param zone the zone for text that carries no offset
     * @throws IllegalArgumentException when {@code spec} is blank or not a valid pattern
     */
    public static TimestampFormat of(String spec, ZoneId zone) {
        requireNonNull(spec, "spec is null");
        requireNonNull(zone, "zone is null");
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty timestamp format");
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "epoch-seconds" ->
                    new TimestampFormat(Kind.EPOCH_SECONDS, "epoch-seconds", zone, null);
            case "epoch-millis" ->
                    new TimestampFormat(Kind.EPOCH_MILLIS, "epoch-millis", zone, null);
            case "epoch-micros" ->
                    new TimestampFormat(Kind.EPOCH_MICROS, "epoch-micros", zone, null);
            case "epoch-nanos" -> new TimestampFormat(Kind.EPOCH_NANOS, "epoch-nanos", zone, null);
            case "iso-8601" ->
                    new TimestampFormat(
                            Kind.ISO_8601, "iso-8601", zone, DateTimeFormatter.ISO_DATE_TIME);
            default ->
                    new TimestampFormat(
                            Kind.PATTERN, s, zone, DateTimeFormatter.ofPattern(s, Locale.ROOT));
        };
    }

    /**
     * Reads {@code formatKey} (default {@code defaultSpec}) and {@code zoneKey} (default UTC).
     *
     * @throws ConfigException naming the key on an invalid format or zone
     */
    public static TimestampFormat from(
            Settings settings, String formatKey, String zoneKey, String defaultSpec) {
        ZoneId zone = zone(settings, zoneKey);
        String spec = settings.getString(formatKey, defaultSpec);
        try {
            return of(spec, zone);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "Invalid value '"
                            + spec
                            + "' for "
                            + settings.fullKey(formatKey)
                            + ": expected "
                            + ACCEPTED
                            + " ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    /** Reads a time-zone id (default UTC); {@link ConfigException} naming the key when unknown. */
    public static ZoneId zone(Settings settings, String key) {
        String id = settings.getString(key, "UTC");
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new ConfigException(
                    "Invalid value '"
                            + id
                            + "' for "
                            + settings.fullKey(key)
                            + ": expected a time-zone id such as UTC, Europe/Paris or +02:00",
                    e);
        }
    }

    /**
     * Converts a value found in a record.
     *
     * @param value a {@link Number} or a {@link CharSequence}; for patterns, any other scalar is
     *     read through its {@code toString()}
     * @throws IllegalArgumentException when the value cannot be read in this format or is out of
     *     the {@link Instant} range
     */
    public Instant toInstant(Object value) {
        requireNonNull(value, "value is null");
        try {
            if (kind == Kind.ISO_8601 || kind == Kind.PATTERN) {
                if (!(value instanceof CharSequence || value instanceof Number)) {
                    throw new IllegalArgumentException("expected a string, got " + typeName(value));
                }
                return fromText(value.toString().trim());
            }
            return fromEpoch(value);
        } catch (DateTimeParseException e) {
            // the JDK's message quotes the text; ours never carries payload
            throw new IllegalArgumentException(
                    "not a valid "
                            + spec
                            + " timestamp (unparsable at index "
                            + e.getErrorIndex()
                            + ")",
                    e);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "not a valid " + spec + " timestamp (out of range or incomplete)", e);
        }
    }

    private Instant fromEpoch(Object value) {
        if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            long n = ((Number) value).longValue();
            long unitsPerSecond = 1_000_000_000L / kind.nanosPerUnit;
            return Instant.ofEpochSecond(
                    Math.floorDiv(n, unitsPerSecond),
                    Math.floorMod(n, unitsPerSecond) * kind.nanosPerUnit);
        }
        BigDecimal decimal;
        if (value instanceof BigDecimal d) {
            decimal = d;
        } else if (value instanceof BigInteger i) {
            decimal = new BigDecimal(i);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("not a finite number");
            }
            decimal = new BigDecimal(value.toString());
        } else if (value instanceof CharSequence text) {
            try {
                decimal = new BigDecimal(text.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
        } else {
            throw new IllegalArgumentException("expected a number, got " + typeName(value));
        }
        BigDecimal totalNanos = decimal.multiply(BigDecimal.valueOf(kind.nanosPerUnit));
        BigDecimal[] secondsAndNanos = totalNanos.divideAndRemainder(NANOS_PER_SECOND);
        BigDecimal seconds = secondsAndNanos[0];
        BigDecimal nanos = secondsAndNanos[1];
        if (nanos.signum() < 0) {
            seconds = seconds.subtract(BigDecimal.ONE);
            nanos = nanos.add(NANOS_PER_SECOND);
        }
        return Instant.ofEpochSecond(seconds.longValueExact(), nanos.longValue());
    }

    private Instant fromText(String text) {
        TemporalAccessor parsed = formatter.parse(text);
        if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(parsed);
        }
        LocalDate date = parsed.query(TemporalQueries.localDate());
        if (date == null) {
            throw new DateTimeException("no date");
        }
        LocalTime time = parsed.query(TemporalQueries.localTime());
        ZoneId z = parsed.query(TemporalQueries.zone());
        ZoneId effective = z != null ? z : zone;
        return time == null
                ? date.atStartOfDay(effective).toInstant()
                : date.atTime(time).atZone(effective).toInstant();
    }

    private static String typeName(Object value) {
        if (value instanceof java.util.Map) {
            return "an object";
        }
        if (value instanceof java.util.List) {
            return "an array";
        }
        return value.getClass().getSimpleName();
    }

    /** The spec, e.g. {@code epoch-millis} or {@code yyyy-MM-dd HH:mm:ss}. */
    public String spec() {
        return spec;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimestampFormat f && spec.equals(f.spec) && zone.equals(f.zone);
    }

    @Override
    public int hashCode() {
        return spec.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return kind == Kind.ISO_8601 || kind == Kind.PATTERN ? spec + " (" + zone + ")" : spec;
    }
}
