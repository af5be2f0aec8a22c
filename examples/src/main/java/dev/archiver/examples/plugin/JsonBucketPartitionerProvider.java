package dev.archiver.examples.plugin;

import dev.archiver.config.Settings;
import dev.archiver.partition.Partitioner;
import dev.archiver.partition.PartitionerProvider;

/**
 * Provides {@link JsonBucketPartitioner} as {@code json-bucket}. Listed in {@code
 * META-INF/services/dev.archiver.partition.PartitionerProvider}; select it with {@code
 * partitioner=json-bucket}.
 */
public final class JsonBucketPartitionerProvider implements PartitionerProvider {
    @Override
    public String name() {
        return "json-bucket";
    }

    @Override
    public Partitioner create(Settings settings) {
        return JsonBucketPartitioner.from(settings);
    }
}
