package dev.archiver.storage.local;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.Set;

/**
 * The {@code file://} store: objects are files under an absolute path. Settings under {@code
 * storage.file.}: {@code fsync} (default {@code true}) forces each object to disk before it is
 * published, and the directories holding its new entry after. Object metadata lives in {@code
 * user.*} extended attributes; on a file system without them the engine refuses to start (see
 * {@link dev.archiver.storage.ObjectStorage#fencingGap}).
 *
 * @since 0.1
 */
public final class LocalStorageProvider implements StorageProvider {
    @Override
    public String name() {
        return "file";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public ObjectStorage create(Settings settings) {
        return new LocalStorage(settings.getBoolean("fsync", true));
    }
}
