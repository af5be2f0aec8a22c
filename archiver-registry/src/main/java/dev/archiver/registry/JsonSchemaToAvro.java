package dev.archiver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The Avro record schema that typed columns of values described by a JSON Schema get. The subset
 * understood:
 *
 * <ul>
 *   <li>the root is an {@code object} with {@code properties}; it becomes a record named by its
 *       {@code title} (else {@code Value}); a property not in {@code required} is optional;
 *   <li>{@code string} → string ({@code format: date-time} → {@code timestamp-millis}, {@code
 *       format: date} → {@code date}), {@code enum} of strings → string, {@code integer} → long,
 *       {@code number} → double, {@code boolean}, {@code array} with {@code items} → array, {@code
 *       object} with {@code properties} → a nested record, {@code object} with only {@code
 *       additionalProperties} → map; {@code "type": [T, "null"]} → optional T;
 *   <li>{@code $ref} to {@code #/definitions/...} or {@code #/$defs/...} of the same document (not
 *       recursive ones).
 * </ul>
 *
 * <p>Anything else ({@code oneOf}, {@code anyOf}, {@code allOf}, {@code not}, property names that
 * are not valid column names, remote references) is refused with an {@link
 * IllegalArgumentException} that says what and where.
 *
 * @since 0.3
 */
public final class JsonSchemaToAvro {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final JsonNode root;
    private final Set<String> recordNames = new HashSet<>();
    private final Set<String> resolving = new HashSet<>();

    private JsonSchemaToAvro(JsonNode root) {
        this.root = root;
    }

    /**
     * Converts a JSON Schema document.
     *
     * @throws IllegalArgumentException when the text is not JSON or uses what is not understood
     */
    public static Schema convert(String jsonSchema) {
        JsonNode root;
        try {
            root = MAPPER.readTree(jsonSchema);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON Schema object");
        }
        JsonSchemaToAvro c = new JsonSchemaToAvro(root);
        String title = root.path("title").asText("Value");
        Schema s = c.type(root, NAME.matcher(title).matches() ? title : "Value", "$");
        if (s.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("the root of the JSON Schema must be an object");
        }
        return s;
    }

    private Schema type(JsonNode node, String nameHint, String path) {
        if (node.has("$ref")) {
            return ref(node.get("$ref").asText(), nameHint, path);
        }
        for (String unsupported : List.of("oneOf", "anyOf", "allOf", "not")) {
            if (node.has(unsupported)) {
                throw new IllegalArgumentException(unsupported + " is not supported at " + path);
            }
        }
        JsonNode type = node.get("type");
        if (type != null && type.isArray()) {
            List<String> types = new ArrayList<>();
            type.forEach(t -> types.add(t.asText()));
            boolean nullable = types.remove("null");
            if (types.size() != 1) {
                throw new IllegalArgumentException(
                        "a type of several kinds " + types + " is not supported at " + path);
            }
            Schema inner = simple(types.get(0), node, nameHint, path);
            return nullable ? optional(inner) : inner;
        }
        if (type == null) {
            if (node.has("properties")) {
                return simple("object", node, nameHint, path);
            }
            if (node.has("enum")) {
                return Schema.create(Schema.Type.STRING);
            }
            throw new IllegalArgumentException("no type at " + path);
        }
        return simple(type.asText(), node, nameHint, path);
    }

    private Schema simple(String type, JsonNode node, String nameHint, String path) {
        switch (type) {
            case "string" -> {
                String format = node.path("format").asText("");
                if (format.equals("date-time")) {
                    return LogicalTypes.timestampMillis()
                            .addToSchema(Schema.create(Schema.Type.LONG));
                }
                if (format.equals("date")) {
                    return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                }
                return Schema.create(Schema.Type.STRING);
            }
            case "integer" -> {
                return Schema.create(Schema.Type.LONG);
            }
            case "number" -> {
                return Schema.create(Schema.Type.DOUBLE);
            }
            case "boolean" -> {
                return Schema.create(Schema.Type.BOOLEAN);
            }
            case "array" -> {
                if (!node.has("items") || !node.get("items").isObject()) {
                    throw new IllegalArgumentException(
                            "an array without one items schema at " + path);
                }
                return Schema.createArray(type(node.get("items"), nameHint + "Item", path + "[]"));
            }
            case "object" -> {
                if (node.has("properties")) {
                    return record(node, nameHint, path);
                }
                JsonNode additional = node.get("additionalProperties");
                if (additional != null && additional.isObject()) {
                    return Schema.createMap(type(additional, nameHint + "Value", path + ".*"));
                }
                throw new IllegalArgumentException(
                        "an object without properties or additionalProperties at " + path);
            }
            default ->
                    throw new IllegalArgumentException(
                            "type '" + type + "' is not supported at " + path);
        }
    }

    private Schema record(JsonNode node, String nameHint, String path) {
        Set<String> required = new HashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        String name = nameHint;
        for (int i = 2; !recordNames.add(name); i++) {
            name = nameHint + i;
        }
        List<Schema.Field> fields = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.get("properties").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            String fieldPath = path + "." + field;
            if (!NAME.matcher(field).matches()) {
                throw new IllegalArgumentException(
                        "property name at " + fieldPath + " is not a valid column name");
            }
            Schema type = type(e.getValue(), capitalize(field), fieldPath);
            if (required.contains(field)) {
                fields.add(new Schema.Field(field, type));
            } else {
                fields.add(
                        new Schema.Field(field, optional(type), null, JsonProperties.NULL_VALUE));
            }
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an object without properties at " + path);
        }
        return Schema.createRecord(
                name, node.path("description").asText(null), null, false, fields);
    }

    private Schema ref(String ref, String nameHint, String path) {
        String pointer;
        if (ref.startsWith("#/definitions/") || ref.startsWith("#/$defs/")) {
            pointer = ref.substring(1);
        } else {
            throw new IllegalArgumentException("$ref '" + ref + "' is not supported at " + path);
        }
        JsonNode target = root.at(pointer);
        if (target.isMissingNode()) {
            throw new IllegalArgumentException("$ref '" + ref + "' not found at " + path);
        }
        if (!resolving.add(ref)) {
            throw new IllegalArgumentException("recursive $ref '" + ref + "' at " + path);
        }
        try {
            String last = pointer.substring(pointer.lastIndexOf('/') + 1);
            return type(target, NAME.matcher(last).matches() ? capitalize(last) : nameHint, path);
        } finally {
            resolving.remove(ref);
        }
    }

    private static Schema optional(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            return s;
        }
        return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
