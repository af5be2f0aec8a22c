package dev.archiver.partition;

import dev.archiver.config.Settings;

/** Provides {@link TimePartitioner} as {@code time}; settings in {@link TimePartitionerConfig}. */
public final class TimePartitionerProvider implements PartitionerProvider {
    @Override
    public String name() {
        return "time";
    }

    @Override
    public Partitioner create(Settings settings) {
        return new TimePartitioner(TimePartitionerConfig.from(settings));
    }
}
