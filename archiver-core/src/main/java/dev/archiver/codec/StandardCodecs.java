package dev.archiver.codec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The built-in codecs, with their default settings: {@code none}, {@code gzip}, {@code zstd} (level
 * 3), {@code snappy} and {@code lz4}.
 *
 * <p>Every stream they return is buffered (16 KB for writing, 64 KB for reading), so callers may
 * write or read small pieces without a system call or a native call each time. The write buffer is
 * small because the engine keeps one compressing stream per open file, up to {@code
 * staging.max-open-files} of them: with 1,000 partitions every kilobyte is a megabyte of heap.
 *
 * @since 0.1
 */
public final class StandardCodecs {
    static final int BUFFER_SIZE = 64 * 1024;

    /** The buffer in front of (and, for gzip, behind) each compressing stream. */
    static final int WRITE_BUFFER_SIZE = 16 * 1024;

    public static final Codec NONE = new NoneCodec();
    public static final Codec GZIP = new GzipCodec();
    public static final Codec ZSTD = new ZstdCodec();
    public static final Codec SNAPPY = new SnappyCodec();
    public static final Codec LZ4 = new Lz4Codec();

    private static final List<Codec> ALL = List.of(NONE, GZIP, ZSTD, SNAPPY, LZ4);

    private StandardCodecs() {}

    /** Every built-in codec, {@link #NONE} first. */
    public static List<Codec> all() {
        return ALL;
    }

    /**
     * The built-in codec with this name (case-insensitive), with its default settings.
     *
     * @throws IllegalArgumentException naming the accepted names when there is none
     */
    public static Codec named(String name) {
        requireNonNull(name, "name is null");
        String normalized = name.trim().toLowerCase(Locale.ROOT);
        for (Codec codec : ALL) {
            if (codec.name().equals(normalized)) {
                return codec;
            }
        }
        throw new IllegalArgumentException(
                "Unknown codec '"
                        + name
                        + "': accepted values are "
                        + ALL.stream().map(Codec::name).collect(Collectors.joining(", ")));
    }

    /**
     * The built-in codec whose extension ends {@code fileName}, e.g. {@link #ZSTD} for {@code
     * events-0-00000000000000000042.jsonl.zst}.
     *
     * <p>A name without a compression suffix (an uncompressed {@code .jsonl} file, or any unknown
     * suffix) gives empty; callers reading archives back use {@code
     * fromExtension(name).orElse(StandardCodecs.NONE)}.
     */
    public static Optional<Codec> fromExtension(String fileName) {
        requireNonNull(fileName, "fileName is null");
        for (Codec codec : ALL) {
            if (!codec.extension().isEmpty() && fileName.endsWith(codec.extension())) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }
}
