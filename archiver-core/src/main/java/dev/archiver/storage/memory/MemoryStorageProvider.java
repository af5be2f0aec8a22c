package dev.archiver.storage.memory;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageProvider;
import java.util.Set;

/**
 * The {@code memory://name/key} store, for tests and examples: objects live in this JVM's memory
 * and are shared by all storages with the same name. Nothing survives the JVM.
 *
 * @since 0.1
 */
public final class MemoryStorageProvider implements StorageProvider {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public ObjectStorage create(Settings settings) {
        return new MemoryStorage();
    }

    /** Removes every object of the in-memory bucket {@code name}. */
    public static void clear(String name) {
        MemoryStorage.clear(name);
    }
}
