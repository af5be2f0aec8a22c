package dev.archiver.partition;

import dev.archiver.config.Settings;

/** Provides {@link OffsetRangePartitioner} as {@code offset-range}. */
public final class OffsetRangePartitionerProvider implements PartitionerProvider {
    @Override
    public String name() {
        return "offset-range";
    }

    @Override
    public Partitioner create(Settings settings) {
        return new OffsetRangePartitioner(OffsetRangePartitioner.Config.from(settings));
    }
}
