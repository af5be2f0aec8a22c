package dev.archiver.partition;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link Partitioner}s; registered in {@code
 * META-INF/services/dev.archiver.partition.PartitionerProvider}, selected with {@code
 * partitioner=NAME}; receives the settings under {@code partitioner.NAME.}.
 *
 * @since 0.1
 */
public interface PartitionerProvider extends PluginProvider<Partitioner> {}
