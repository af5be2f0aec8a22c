package dev.archiver.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An immutable view over flat, dot-namespaced string settings ({@code upload.max-file-size=64MB}),
 * with typed getters.
 *
 * <p>A view made with {@link #withPrefix(String)} sees only the keys under the prefix, with the
 * prefix removed, but reports errors with the full key. Every view records which keys were read,
 * shared with its root, so that {@link #unusedKeys()} can name keys nobody asked for (typos).
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class Settings {
    private static final Pattern DURATION =
            Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATA_SIZE =
            Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib|k|m|g)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;
    private final String prefix;
    private final Set<String> used;

    private Settings(Map<String, String> values, String prefix, Set<String> used) {
        this.values = values;
        this.prefix = prefix;
        this.used = used;
    }

    public static Settings of(Map<String, String> values) {
        requireNonNull(values, "values is null");
        return new Settings(
                Collections.unmodifiableMap(new TreeMap<>(values)),
                "",
                ConcurrentHashMap.newKeySet());
    }

    public static Settings empty() {
        return of(Map.of());
    }

    /** A view of the keys that start with {@code prefix} (which should end with a dot). */
    public Settings withPrefix(String prefix) {
        return new Settings(values, this.prefix + requireNonNull(prefix, "prefix is null"), used);
    }

    /** The full key name of {@code key} in this view, as it appears in the configuration. */
    public String fullKey(String key) {
        return prefix + key;
    }

    /** Whether {@code key} is set in this view. Does not mark the key as used. */
    public boolean contains(String key) {
        return values.containsKey(prefix + key);
    }

    /** The keys of this view (prefix removed), sorted. Does not mark them as used. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(prefix)) {
                keys.add(k.substring(prefix.length()));
            }
        }
        return keys;
    }

    /** The keys of this view with their raw values (prefix removed); marks them all as used. */
    public Map<String, String> asMap() {
        Map<String, String> map = new TreeMap<>();
        for (String k : keys()) {
            map.put(k, getString(k).orElseThrow());
        }
        return map;
    }

    public Optional<String> getString(String key) {
        String full = prefix + key;
        used.add(full);
        String v = values.get(full);
        return v == null ? Optional.empty() : Optional.of(v.trim());
    }

    public String getString(String key, String defaultValue) {
        return getString(key).orElse(defaultValue);
    }

    public String requireString(String key) {
        return getString(key)
                .filter(v -> !v.isEmpty())
                .orElseThrow(() -> new ConfigException("Missing required setting " + fullKey(key)));
    }

    public Optional<Secret> getSecret(String key) {
        return getString(key).map(Secret::of);
    }

    public int getInt(String key, int defaultValue) {
        return getString(key)
                .map(v -> parseLong(key, v, "an integer"))
                .map(Math::toIntExact)
                .orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return getString(key).map(v -> parseLong(key, v, "an integer")).orElse(defaultValue);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return getString(key)
                .map(
                        v -> {
                            if (v.equalsIgnoreCase("true")) {
                                return true;
                            }
                            if (v.equalsIgnoreCase("false")) {
                                return false;
                            }
                            throw new ConfigException(
                                    "Invalid value '"
                                            + v
                                            + "' for "
                                            + fullKey(key)
                                            + ": expected true or false");
                        })
                .orElse(defaultValue);
    }

    /**
     * A duration such as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or an
     * ISO-8601 {@code PT5M}.
     */
    public Optional<Duration> getDuration(String key) {
        return getString(key).map(v -> parseDuration(fullKey(key), v));
    }

    public Duration getDuration(String key, Duration defaultValue) {
        return getDuration(key).orElse(defaultValue);
    }

    /**
     * A size in bytes such as {@code 512}, {@code 64KB}, {@code 128MB}, {@code 1GB} (binary
     * multiples).
     */
    public Optional<Long> getDataSize(String key) {
        return getString(key).map(v -> parseDataSize(fullKey(key), v));
    }

    public long getDataSize(String key, long defaultValue) {
        return getDataSize(key).orElse(defaultValue);
    }

    public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
        return getString(key)
                .map(
                        v -> {
                            String normalized = v.toUpperCase(Locale.ROOT).replace('-', '_');
                            for (E e : type.getEnumConstants()) {
                                if (e.name().equals(normalized)) {
                                    return e;
                                }
                            }
                            throw new ConfigException(
                                    "Invalid value '"
                                            + v
                                            + "' for "
                                            + fullKey(key)
                                            + ": accepted values are "
                                            + Arrays.stream(type.getEnumConstants())
                                                    .map(
                                                            e ->
                                                                    e.name()
                                                                            .toLowerCase(
                                                                                    Locale.ROOT)
                                                                            .replace('_', '-'))
                                                    .collect(Collectors.joining(", ")));
                        })
                .orElse(defaultValue);
    }

    /** A comma-separated list; blank entries are dropped. */
    public List<String> getList(String key, List<String> defaultValue) {
        return getString(key)
                .map(
                        v -> {
                            List<String> list = new ArrayList<>();
                            for (String s : v.split(",")) {
                                if (!s.isBlank()) {
                                    list.add(s.trim());
                                }
                            }
                            return List.copyOf(list);
                        })
                .orElse(defaultValue);
    }

    /** Keys of the whole configuration that no component has read, sorted: usually typos. */
    public Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>(values.keySet());
        unused.removeAll(used);
        return unused;
    }

    private long parseLong(String key, String v, String what) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    "Invalid value '" + v + "' for " + fullKey(key) + ": expected " + what);
        }
    }

    /** Parses a duration; {@code key} is only used in the error message. */
    public static Duration parseDuration(String key, String v) {
        String s = v.trim();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return checkNotNegative(key, v, Duration.parse(s));
            } catch (RuntimeException e) {
                throw badDuration(key, v);
            }
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw badDuration(key, v);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw badDuration(key, v);
        };
    }

    /**
     * A duration the way users write it in configuration, in the largest unit that keeps it exact:
     * {@code 30s}, {@code 5m}, {@code 1500ms}, {@code 2h}, {@code 1d}; what {@link
     * #parseDuration(String, String)} reads back to the same value (below a millisecond: {@code
     * 0.25ms}, which it does not read).
     *
     * @since 0.1
     */
    public static String formatDuration(Duration d) {
        if (d.isNegative()) {
            return "-" + formatDuration(d.negated());
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanosPart() % 1_000_000 != 0) {
            return java.math.BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString()
                    + "ms";
        }
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static Duration checkNotNegative(String key, String v, Duration d) {
        if (d.isNegative()) {
            throw badDuration(key, v);
        }
        return d;
    }

    private static ConfigException badDuration(String key, String v) {
        return new ConfigException(
                "Invalid duration '"
                        + v
                        + "' for "
                        + key
                        + ": expected a non-negative number with a unit ms, s, m, h or d (e.g. 30s, 10m)");
    }

    /** Parses a data size; {@code key} is only used in the error message. */
    public static long parseDataSize(String key, String v) {
        Matcher m = DATA_SIZE.matcher(v.trim());
        if (!m.matches()) {
            throw new ConfigException(
                    "Invalid size '"
                            + v
                            + "' for "
                            + key
                            + ": expected a non-negative number with an optional unit B, KB, MB or GB (e.g. 128MB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long mul =
                switch (unit) {
                    case "k", "kb", "kib" -> 1L << 10;
                    case "m", "mb", "mib" -> 1L << 20;
                    case "g", "gb", "gib" -> 1L << 30;
                    default -> 1L;
                };
        return Math.multiplyExact(n, mul);
    }

    @Override
    public String toString() {
        return "Settings[prefix=" + prefix + ", keys=" + keys() + "]";
    }
}
