package dev.archiver.partition;

import dev.archiver.config.Settings;

/** Provides the {@code none} partitioner: every record goes to {@link PartitionPath#empty()}. */
public final class NonePartitionerProvider implements PartitionerProvider {
    private static final Partitioner NONE = record -> PartitionPath.empty();

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Partitioner create(Settings settings) {
        return NONE;
    }
}
