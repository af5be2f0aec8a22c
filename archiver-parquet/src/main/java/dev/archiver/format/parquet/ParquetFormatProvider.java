package dev.archiver.format.parquet;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.avro.ValueSchema;
import dev.archiver.plugin.Plugins;
import dev.archiver.registry.SchemaSource;
import dev.archiver.registry.SchemaSourceProvider;
import java.util.Optional;

/**
 * Provides the {@code parquet} format. Settings, under {@code format.parquet.}:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code value-schema}, {@code value-schema-file}</td><td>none</td><td>an Avro record
 *       schema (inline JSON, or a file) to write values as typed columns</td></tr>
 *   <tr><td>{@code value-encoding}</td><td>{@code json}</td><td>{@code json} or {@code
 *       avro-binary}: how values are encoded in Kafka</td></tr>
 *   <tr><td>{@code schema-source}</td><td>none</td><td>values are in the schema registry wire
 *       format: the name of the {@code SchemaSource} that holds their schemas (e.g. {@code
 *       confluent}), configured under {@code schema-source.NAME.}; not with {@code
 *       value-schema}</td></tr>
 *   <tr><td>{@code typed-keys}</td><td>{@code false}</td><td>with a schema source: keys are in
 *       the wire format too, and become a {@code typed_key} column ({@code key} keeps their
 *       bytes)</td></tr>
 *   <tr><td>{@code value-columns}</td><td>{@code typed-and-raw} with a schema or schema source,
 *       else {@code raw}</td><td>{@code raw}, {@code typed}, {@code typed-and-raw}</td></tr>
 *   <tr><td>{@code compression}</td><td>{@code snappy}</td><td>page codec: {@code snappy}, {@code
 *       zstd}, {@code gzip}, {@code none}</td></tr>
 *   <tr><td>{@code row-group-size}</td><td>{@code 32MB}</td><td>the row group size</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code 1MB}</td><td>the page size</td></tr>
 * </table>
 */
public final class ParquetFormatProvider implements FileFormatProvider {
    static final long DEFAULT_ROW_GROUP_SIZE = 32L * 1024 * 1024;
    static final int DEFAULT_PAGE_SIZE = 1024 * 1024;

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    public FileFormat create(Settings settings) {
        Optional<String> sourceName = settings.getString("schema-source");
        if (sourceName.isPresent()) {
            for (String key :
                    new String[] {"value-schema", "value-schema-file", "value-encoding"}) {
                if (settings.contains(key)) {
                    throw new ConfigException(
                            "Set "
                                    + settings.fullKey("schema-source")
                                    + " or "
                                    + settings.fullKey(key)
                                    + ", not both: with a schema source, each value is read with"
                                    + " the schema its wire-format header names");
                }
            }
        }
        Optional<ValueSchema> schema = ValueSchema.from(settings);
        boolean typedPossible = schema.isPresent() || sourceName.isPresent();
        ParquetFormat.ValueColumns columns =
                settings.getEnum(
                        "value-columns",
                        ParquetFormat.ValueColumns.class,
                        typedPossible
                                ? ParquetFormat.ValueColumns.TYPED_AND_RAW
                                : ParquetFormat.ValueColumns.RAW);
        if (sourceName.isPresent() && columns == ParquetFormat.ValueColumns.RAW) {
            throw new ConfigException(
                    settings.fullKey("value-columns")
                            + "=raw does not use "
                            + settings.fullKey("schema-source")
                            + ": accepted values with a schema source are typed, typed-and-raw");
        }
        if (columns != ParquetFormat.ValueColumns.RAW && !typedPossible) {
            throw new ConfigException(
                    settings.fullKey("value-columns")
                            + "="
                            + columns.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                            + " needs a value schema: set "
                            + settings.fullKey("value-schema")
                            + " or "
                            + settings.fullKey("value-schema-file"));
        }
        long rowGroupSize = settings.getDataSize("row-group-size", DEFAULT_ROW_GROUP_SIZE);
        long pageSize = settings.getDataSize("page-size", DEFAULT_PAGE_SIZE);
        if (rowGroupSize < 1024) {
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey("row-group-size") + ": at least 1KB");
        }
        if (pageSize < 1024 || pageSize > Integer.MAX_VALUE || pageSize > rowGroupSize) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("page-size")
                            + ": between 1KB and "
                            + settings.fullKey("row-group-size"));
        }
        ParquetFormat.Builder b =
                ParquetFormat.builder()
                        .valueColumns(columns)
                        .compression(
                                settings.getEnum(
                                        "compression",
                                        ParquetFormat.Compression.class,
                                        ParquetFormat.Compression.SNAPPY))
                        .rowGroupSize(rowGroupSize)
                        .pageSize((int) pageSize);
        schema.ifPresent(b::valueSchema);
        boolean typedKeys = settings.getBoolean("typed-keys", false);
        if (typedKeys && sourceName.isEmpty()) {
            throw new ConfigException(
                    settings.fullKey("typed-keys")
                            + "=true needs "
                            + settings.fullKey("schema-source"));
        }
        b.typedKeys(typedKeys);
        if (sourceName.isPresent()) {
            SchemaSourceProvider provider =
                    Plugins.find(
                            SchemaSourceProvider.class,
                            sourceName.get(),
                            settings.fullKey("schema-source"),
                            Plugins.defaultClassLoader());
            SchemaSource source =
                    provider.create(settings.withPrefix("schema-source." + provider.name() + "."));
            b.schemaSource(source);
        }
        return b.build();
    }
}
