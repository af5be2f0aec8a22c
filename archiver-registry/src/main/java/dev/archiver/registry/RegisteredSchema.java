package dev.archiver.registry;

import static java.util.Objects.requireNonNull;

/**
 * A schema as a registry holds it under a global id.
 *
 * @param id the id that the wire format's header carries
 * @param type the kind of schema
 * @param text the schema's text as the registry returns it (Avro JSON, a {@code .proto} file, a
 *     JSON Schema document)
 * @since 0.3
 */
public record RegisteredSchema(int id, SchemaType type, String text) {
    public RegisteredSchema {
        requireNonNull(type, "type is null");
        requireNonNull(text, "text is null");
    }

    @Override
    public String toString() {
        return type + " schema " + id + " (" + text.length() + " characters)";
    }
}
