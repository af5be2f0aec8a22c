package dev.archiver.format.avro;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archiver.format.RecordNotWritableException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts a JSON document into Avro's generic representation of a schema, as Avro's own writers
 * expect it ({@link GenericData} without conversions: {@code long} for timestamps, {@code int} for
 * dates, {@code ByteBuffer} for decimals).
 *
 * <p>The rules, per schema type:
 *
 * <ul>
 *   <li>record: a JSON object; a missing member takes the field's default, else {@code null} if the
 *       field is nullable, else the document does not fit; members the schema does not name are
 *       ignored (the schema is a projection of the value);
 *   <li>union: JSON {@code null} for a union with {@code null}; otherwise the first branch the
 *       value fits;
 *   <li>int, long: integral numbers in range; float, double: numbers; boolean; string; enum: one of
 *       its symbols; bytes and fixed: a string, as its UTF-8 bytes (fixed: of exactly its size);
 *   <li>array: a JSON array; map: a JSON object;
 *   <li>logical types: {@code timestamp-millis}/{@code -micros} and their {@code local-} forms take
 *       epoch numbers or ISO-8601 strings ({@code 2026-11-24T21:05:00Z}, with any offset; local
 *       forms without one); {@code date} takes days since the epoch or {@code 2026-11-24}; {@code
 *       time-millis}/{@code -micros} take numbers or {@code 21:05:00.123}; {@code decimal} takes a
 *       number or numeric string whose scale fits the schema's without rounding and whose precision
 *       does not exceed it.
 * </ul>
 *
 * <p>A document that does not fit throws {@link RecordNotWritableException} whose message gives the
 * path ({@code $.user.tags[2]}), what the schema expects and the JSON type found, never the value
 * itself.
 *
 * @since 0.2
 */
public final class JsonToAvro {
    private static final Set<String> LOGICAL_TYPES =
            Set.of(
                    "timestamp-millis",
                    "timestamp-micros",
                    "timestamp-nanos",
                    "local-timestamp-millis",
                    "local-timestamp-micros",
                    "local-timestamp-nanos",
                    "date",
                    "time-millis",
                    "time-micros",
                    "decimal");

    private JsonToAvro() {}

    /**
     * Converts {@code json} to a {@link GenericRecord} of {@code schema}, which must be a record.
     *
     * @throws RecordNotWritableException when the document does not fit the schema
     */
    public static GenericRecord toRecord(JsonNode json, Schema schema) {
        requireNonNull(json, "json is null");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("not a record schema: " + schema.getFullName());
        }
        return (GenericRecord) convert(json, schema, "$");
    }

    /**
     * Converts {@code json} to the generic representation of any {@code schema}.
     *
     * @throws RecordNotWritableException when the document does not fit the schema
     */
    public static Object convert(JsonNode json, Schema schema, String path) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null && !json.isNull() && LOGICAL_TYPES.contains(logical.getName())) {
            return convertLogical(json, schema, logical, path);
        }
        switch (schema.getType()) {
            case RECORD -> {
                return record(json, schema, path);
            }
            case UNION -> {
                return union(json, schema, path);
            }
            case NULL -> {
                if (!json.isNull()) {
                    throw mismatch(path, "null", json);
                }
                return null;
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, "boolean", json);
                }
                return json.booleanValue();
            }
            case INT -> {
                if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                    throw mismatch(path, "int", json);
                }
                return json.intValue();
            }
            case LONG -> {
                if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                    throw mismatch(path, "long", json);
                }
                return json.longValue();
            }
            case FLOAT -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "float", json);
                }
                return json.floatValue();
            }
            case DOUBLE -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "double", json);
                }
                return json.doubleValue();
            }
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "string", json);
                }
                return json.textValue();
            }
            case ENUM -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "enum " + schema.getFullName(), json);
                }
                if (!schema.hasEnumSymbol(json.textValue())) {
                    throw new RecordNotWritableException(
                            path
                                    + ": the string is not one of the symbols of enum "
                                    + schema.getFullName()
                                    + " "
                                    + schema.getEnumSymbols());
                }
                return new GenericData.EnumSymbol(schema, json.textValue());
            }
            case BYTES -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "bytes (a string)", json);
                }
                return ByteBuffer.wrap(json.textValue().getBytes(StandardCharsets.UTF_8));
            }
            case FIXED -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "fixed (a string)", json);
                }
                byte[] bytes = json.textValue().getBytes(StandardCharsets.UTF_8);
                if (bytes.length != schema.getFixedSize()) {
                    throw new RecordNotWritableException(
                            path
                                    + ": expected "
                                    + schema.getFixedSize()
                                    + " bytes for fixed "
                                    + schema.getFullName()
                                    + ", found "
                                    + bytes.length);
                }
                return new GenericData.Fixed(schema, bytes);
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw mismatch(path, "array", json);
                }
                List<Object> items = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    items.add(convert(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw mismatch(path, "map (an object)", json);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(
                            e.getKey(),
                            convert(e.getValue(), schema.getValueType(), child(path, e.getKey())));
                }
                return map;
            }
        }
        throw new IllegalStateException("unknown Avro type " + schema.getType());
    }

    private static GenericRecord record(JsonNode json, Schema schema, String path) {
        if (!json.isObject()) {
            throw mismatch(path, "record " + schema.getFullName() + " (an object)", json);
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode member = json.get(field.name());
            String fieldPath = child(path, field.name());
            if (member == null || member.isMissingNode()) {
                if (field.hasDefaultValue()) {
                    record.put(field.pos(), GenericData.get().getDefaultValue(field));
                } else if (nullable(field.schema())) {
                    record.put(field.pos(), null);
                } else {
                    throw new RecordNotWritableException(
                            fieldPath + ": missing, and the field has no default and is not null");
                }
            } else {
                record.put(field.pos(), convert(member, field.schema(), fieldPath));
            }
        }
        return record;
    }

    private static Object union(JsonNode json, Schema schema, String path) {
        if (json.isNull()) {
            if (!nullable(schema)) {
                throw mismatch(path, schema.toString(), json);
            }
            return null;
        }
        List<Schema> branches = schema.getTypes();
        RecordNotWritableException first = null;
        int candidates = 0;
        for (Schema branch : branches) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            candidates++;
            try {
                return convert(json, branch, path);
            } catch (RecordNotWritableException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (candidates == 1) {
            throw first;
        }
        throw new RecordNotWritableException(
                path + ": fits no branch of the union " + names(branches), first);
    }

    private static Object convertLogical(
            JsonNode json, Schema schema, LogicalType logical, String path) {
        String name = logical.getName();
        try {
            switch (name) {
                case "timestamp-millis", "timestamp-micros", "timestamp-nanos" -> {
                    if (json.isTextual()) {
                        Instant instant = parseInstant(json.textValue());
                        return epoch(instant, name);
                    }
                    return integral(json, schema, path, name);
                }
                case "local-timestamp-millis",
                        "local-timestamp-micros",
                        "local-timestamp-nanos" -> {
                    if (json.isTextual()) {
                        Instant instant =
                                LocalDateTime.parse(json.textValue()).toInstant(ZoneOffset.UTC);
                        return epoch(instant, name);
                    }
                    return integral(json, schema, path, name);
                }
                case "date" -> {
                    if (json.isTextual()) {
                        return Math.toIntExact(LocalDate.parse(json.textValue()).toEpochDay());
                    }
                    return integral(json, schema, path, name);
                }
                case "time-millis" -> {
                    if (json.isTextual()) {
                        return (int) (LocalTime.parse(json.textValue()).toNanoOfDay() / 1_000_000);
                    }
                    return integral(json, schema, path, name);
                }
                case "time-micros" -> {
                    if (json.isTextual()) {
                        return LocalTime.parse(json.textValue()).toNanoOfDay() / 1_000;
                    }
                    return integral(json, schema, path, name);
                }
                case "decimal" -> {
                    return decimal(json, schema, (LogicalTypes.Decimal) logical, path);
                }
                default -> throw new IllegalStateException("unhandled logical type " + name);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new RecordNotWritableException(
                    path + ": the string is not a valid " + name + " (" + e.getMessage() + ")");
        }
    }

    private static Object integral(JsonNode json, Schema schema, String path, String logical) {
        boolean isInt = schema.getType() == Schema.Type.INT;
        if (!json.isIntegralNumber()
                || (isInt ? !json.canConvertToInt() : !json.canConvertToLong())) {
            throw mismatch(path, logical + " (a number or an ISO-8601 string)", json);
        }
        return isInt ? (Object) json.intValue() : (Object) json.longValue();
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    private static long epoch(Instant instant, String logical) {
        if (logical.endsWith("millis")) {
            return instant.toEpochMilli();
        }
        long seconds = instant.getEpochSecond();
        if (logical.endsWith("micros")) {
            return Math.addExact(
                    Math.multiplyExact(seconds, 1_000_000L), instant.getNano() / 1_000L);
        }
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), instant.getNano());
    }

    private static Object decimal(
            JsonNode json, Schema schema, LogicalTypes.Decimal decimal, String path) {
        BigDecimal value;
        if (json.isNumber()) {
            value = json.decimalValue();
        } else if (json.isTextual()) {
            try {
                value = new BigDecimal(json.textValue().trim());
            } catch (NumberFormatException e) {
                throw new RecordNotWritableException(path + ": the string is not a decimal number");
            }
        } else {
            throw mismatch(path, "decimal (a number or a numeric string)", json);
        }
        BigDecimal scaled;
        try {
            scaled = value.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new RecordNotWritableException(
                    path
                            + ": the number has more than the "
                            + decimal.getScale()
                            + " fraction digits of "
                            + decimalName(decimal));
        }
        if (scaled.precision() > decimal.getPrecision()) {
            throw new RecordNotWritableException(
                    path + ": the number has more digits than " + decimalName(decimal) + " holds");
        }
        byte[] unscaled = scaled.unscaledValue().toByteArray();
        if (schema.getType() == Schema.Type.BYTES) {
            return ByteBuffer.wrap(unscaled);
        }
        int size = schema.getFixedSize();
        if (unscaled.length > size) {
            throw new RecordNotWritableException(
                    path
                            + ": the number does not fit the "
                            + size
                            + " bytes of "
                            + decimalName(decimal));
        }
        byte[] fixed = new byte[size];
        byte pad = scaled.signum() < 0 ? (byte) 0xff : 0;
        for (int i = 0; i < size - unscaled.length; i++) {
            fixed[i] = pad;
        }
        System.arraycopy(unscaled, 0, fixed, size - unscaled.length, unscaled.length);
        return new GenericData.Fixed(schema, fixed);
    }

    private static String decimalName(LogicalTypes.Decimal d) {
        return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }

    /** Whether {@code schema} is {@code null} or a union with a {@code null} branch. */
    static boolean nullable(Schema schema) {
        if (schema.getType() == Schema.Type.NULL) {
            return true;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema s : schema.getTypes()) {
                if (s.getType() == Schema.Type.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String names(List<Schema> branches) {
        List<String> names = new ArrayList<>();
        for (Schema s : branches) {
            names.add(s.getLogicalType() != null ? s.getLogicalType().getName() : s.getFullName());
        }
        return names.toString();
    }

    private static String child(String path, String name) {
        return path + "." + name;
    }

    private static RecordNotWritableException mismatch(
            String path, String expected, JsonNode found) {
        return new RecordNotWritableException(
                path + ": expected " + expected + ", found " + jsonType(found));
    }

    private static String jsonType(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary";
            case NUMBER -> node.isIntegralNumber() ? outOfRange(node) : "a fractional number";
        };
    }

    private static String outOfRange(JsonNode node) {
        return node.canConvertToLong() ? "an integer" : "an integer beyond 64 bits";
    }
}
