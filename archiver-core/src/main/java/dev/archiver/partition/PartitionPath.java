package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where a record goes below its topic: an ordered list of path segments such as {@code
 * dt=2026-11-24} and {@code hr=21}. The empty path means "no output partitioning".
 *
 * <p>Segments are non-empty and contain no {@code /}, no control characters and are not {@code .}
 * or {@code ..}.
 *
 * @since 0.1
 */
public record PartitionPath(List<String> segments) {
    private static final PartitionPath EMPTY = new PartitionPath(List.of());

    public PartitionPath {
        segments = List.copyOf(requireNonNull(segments, "segments is null"));
        for (String s : segments) {
            if (s.isEmpty()
                    || s.equals(".")
                    || s.equals("..")
                    || s.indexOf('/') >= 0
                    || s.chars().anyMatch(c -> c < 0x20)) {
                throw new IllegalArgumentException("Invalid partition path segment: '" + s + "'");
            }
        }
    }

    public static PartitionPath empty() {
        return EMPTY;
    }

    public static PartitionPath of(String... segments) {
        return new PartitionPath(List.of(segments));
    }

    /** The segments joined by {@code /}; empty for the empty path. */
    public String path() {
        return String.join("/", segments);
    }

    @Override
    public String toString() {
        return path();
    }
}
