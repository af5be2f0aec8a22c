package dev.archiver.verify;

import static java.util.Objects.requireNonNull;

import dev.archiver.codec.Codec;
import dev.archiver.codec.CodecProvider;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.RecordReader;
import dev.archiver.plugin.Plugins;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Recognises archived objects by their file name ({@code <name><format extension><codec
 * extension>}) and opens them with the matching reader. Used by the verifier and the daemon's
 * {@code cat} and {@code restore} tools.
 *
 * @since 0.1
 */
public final class ArchiveFiles {
    /** A recognised layout. */
    public record FileType(FileFormat format, Codec codec) {}

    private final List<FileType> types;

    private ArchiveFiles(List<FileType> types) {
        this.types = types;
    }

    /** Every format and codec found through ServiceLoader, with default settings. */
    public static ArchiveFiles load(ClassLoader classLoader) {
        List<FileType> types = new ArrayList<>();
        for (FileFormatProvider f : Plugins.all(FileFormatProvider.class, classLoader).values()) {
            FileFormat format = f.create(Settings.empty());
            for (CodecProvider c : Plugins.all(CodecProvider.class, classLoader).values()) {
                types.add(new FileType(format, c.create(Settings.empty())));
            }
        }
        // the longest suffix wins, so ".jsonl.gz" is not taken for an unknown ".gz" layout
        types.sort(
                Comparator.comparingInt(
                        (FileType t) ->
                                -(t.format().extension() + t.codec().extension()).length()));
        return new ArchiveFiles(List.copyOf(types));
    }

    public static ArchiveFiles load() {
        return load(Plugins.defaultClassLoader());
    }

    /** The layout of a file name, or empty when no known format and codec match its suffix. */
    public Optional<FileType> detect(String fileName) {
        requireNonNull(fileName, "fileName is null");
        for (FileType t : types) {
            if (fileName.endsWith(t.format().extension() + t.codec().extension())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Opens an archived object for reading.
     *
     * @throws IOException when the object cannot be opened or its name matches no known layout
     */
    public RecordReader open(ObjectStorage storage, StorageLocation location) throws IOException {
        FileType type =
                detect(location.fileName())
                        .orElseThrow(
                                () ->
                                        new IOException(
                                                "Unknown file type of "
                                                        + location
                                                        + ": no format and codec match its name"));
        InputStream in = storage.open(location);
        try {
            return type.format().newReader(type.codec().decompress(in));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
