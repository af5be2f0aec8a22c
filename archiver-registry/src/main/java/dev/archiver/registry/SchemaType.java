package dev.archiver.registry;

import java.util.Locale;

/**
 * The kinds of schema a registry holds, named as the Confluent REST API names them in {@code
 * schemaType} (absent means {@link #AVRO}).
 *
 * @since 0.3
 */
public enum SchemaType {
    AVRO,
    PROTOBUF,
    JSON;

    /**
     * The type named {@code name} by a registry ({@code null} or empty means {@link #AVRO}).
     *
     * @throws IllegalArgumentException for a name that is none of these
     */
    public static SchemaType fromRegistry(String name) {
        if (name == null || name.isEmpty()) {
            return AVRO;
        }
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
