package dev.archiver.registry;

import dev.archiver.config.Settings;

/**
 * Provides the {@code confluent} schema source: a client of the Confluent Schema Registry REST API
 * (Confluent Schema Registry, Apicurio Registry's {@code ccompat} API, Karapace). Settings: see
 * {@link ConfluentSchemaSourceConfig}.
 *
 * @since 0.3
 */
public final class ConfluentSchemaSourceProvider implements SchemaSourceProvider {
    @Override
    public String name() {
        return "confluent";
    }

    @Override
    public SchemaSource create(Settings settings) {
        return new ConfluentSchemaSource(ConfluentSchemaSourceConfig.from(settings));
    }
}
