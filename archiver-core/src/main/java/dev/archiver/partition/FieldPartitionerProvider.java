package dev.archiver.partition;

import dev.archiver.config.Settings;

/**
 * Provides {@link FieldPartitioner} as {@code field}; settings in {@link FieldPartitionerConfig}.
 */
public final class FieldPartitionerProvider implements PartitionerProvider {
    @Override
    public String name() {
        return "field";
    }

    @Override
    public Partitioner create(Settings settings) {
        return new FieldPartitioner(FieldPartitionerConfig.from(settings));
    }
}
