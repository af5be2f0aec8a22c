package dev.archiver.registry;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.plugin.Plugins;

/**
 * Provides the {@code schema-registry} parser ({@code parser=schema-registry}); see {@link
 * RegistryParser} and {@link RegistryParserConfig}.
 *
 * @since 0.3
 */
public final class RegistryParserProvider implements RecordParserProvider {
    @Override
    public String name() {
        return "schema-registry";
    }

    @Override
    public RecordParser create(Settings settings) {
        String name =
                settings.getString("schema-source")
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                "Missing "
                                                        + settings.fullKey("schema-source")
                                                        + ": the schema source to decode values"
                                                        + " with, e.g. confluent"));
        SchemaSourceProvider provider =
                Plugins.find(
                        SchemaSourceProvider.class,
                        name,
                        settings.fullKey("schema-source"),
                        Plugins.defaultClassLoader());
        RegistryParserConfig config = RegistryParserConfig.from(settings);
        return new RegistryParser(
                provider.create(settings.withPrefix("schema-source." + provider.name() + ".")),
                config);
    }
}
