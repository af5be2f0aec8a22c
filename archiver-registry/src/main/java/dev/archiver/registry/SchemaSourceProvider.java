package dev.archiver.registry;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link SchemaSource}s; registered in {@code
 * META-INF/services/dev.archiver.registry.SchemaSourceProvider}. A component that reads the wire
 * format selects one by name with a setting of its own (the parquet format: {@code
 * format.parquet.schema-source=NAME}) and hands it the settings under that key ({@code
 * format.parquet.schema-source.NAME.}).
 *
 * @since 0.3
 */
public interface SchemaSourceProvider extends PluginProvider<SchemaSource> {}
