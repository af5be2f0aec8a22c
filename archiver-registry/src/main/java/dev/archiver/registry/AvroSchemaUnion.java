package dev.archiver.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * The reader schema that reads data written with either of two versions of a record schema: the
 * union of their fields, by name. A field in both keeps its type (or the wider of two numeric types
 * that Avro's schema resolution promotes: int → long → float → double); a field in only one becomes
 * optional (a union with {@code null} first, default {@code null}). Nested records merge the same
 * way. Two versions are incompatible when a field in both has types that no schema reads both of
 * (e.g. {@code string} and {@code long}), or when two records differ in their full names (another
 * type, not another version).
 *
 * @since 0.3
 */
public final class AvroSchemaUnion {
    private AvroSchemaUnion() {}

    /**
     * The union of two record schemas, named as {@code current}; {@code current} itself when it
     * already reads everything {@code next} writes in the same shape.
     *
     * @return the merged schema, or empty when the two are incompatible
     */
    public static Optional<Schema> merge(Schema current, Schema next) {
        if (current.equals(next)) {
            return Optional.of(current);
        }
        try {
            return Optional.of(mergeType(current, next, new HashMap<>()));
        } catch (Incompatible e) {
            return Optional.empty();
        }
    }

    private static Schema mergeType(Schema a, Schema b, Map<String, Schema> merged) {
        if (a.equals(b)) {
            return a;
        }
        boolean aNullable = isNullableUnion(a);
        boolean bNullable = isNullableUnion(b);
        if (aNullable || bNullable) {
            Schema inner = mergeType(nonNull(a), nonNull(b), merged);
            return nullable(inner);
        }
        if (a.getType() == Schema.Type.UNION || b.getType() == Schema.Type.UNION) {
            throw new Incompatible();
        }
        if (a.getType() == Schema.Type.RECORD && b.getType() == Schema.Type.RECORD) {
            return mergeRecords(a, b, merged);
        }
        if (a.getLogicalType() != null || b.getLogicalType() != null) {
            throw new Incompatible();
        }
        Schema.Type wider = widerNumeric(a.getType(), b.getType());
        if (wider != null) {
            return Schema.create(wider);
        }
        throw new Incompatible();
    }

    private static Schema mergeRecords(Schema a, Schema b, Map<String, Schema> merged) {
        if (!a.getFullName().equals(b.getFullName())) {
            throw new Incompatible(); // another type (e.g. several record types in one topic)
        }
        Schema done = merged.get(a.getFullName());
        if (done != null) {
            return done;
        }
        Map<String, Schema.Field> bFields = new LinkedHashMap<>();
        for (Schema.Field f : b.getFields()) {
            bFields.put(f.name(), f);
        }
        List<Schema.Field> fields = new ArrayList<>();
        boolean changed = false;
        for (Schema.Field fa : a.getFields()) {
            Schema.Field fb = bFields.remove(fa.name());
            if (fb == null) {
                Schema.Field optional = optional(fa);
                changed |= !optional.schema().equals(fa.schema());
                fields.add(optional);
            } else {
                Schema type = mergeType(fa.schema(), fb.schema(), merged);
                changed |= !type.equals(fa.schema());
                fields.add(copy(fa, type, fa.hasDefaultValue() ? fa.defaultVal() : null));
            }
        }
        for (Schema.Field fb : bFields.values()) {
            changed = true;
            fields.add(optional(fb));
        }
        if (!changed) {
            merged.put(a.getFullName(), a);
            return a;
        }
        Schema record = Schema.createRecord(a.getName(), a.getDoc(), a.getNamespace(), false);
        merged.put(a.getFullName(), record);
        record.setFields(fields);
        return record;
    }

    private static Schema.Field optional(Schema.Field f) {
        Schema type = nullable(nonNull(f.schema()));
        return copy(f, type, JsonProperties.NULL_VALUE);
    }

    private static Schema.Field copy(Schema.Field f, Schema type, Object defaultValue) {
        Object def = defaultValue;
        if (def != null
                && type.getType() == Schema.Type.UNION
                && !(def instanceof JsonProperties.Null)) {
            // a union's default must be of its first branch, which is null here
            def = JsonProperties.NULL_VALUE;
        }
        Schema.Field copy = new Schema.Field(f.name(), type, f.doc(), def, f.order());
        f.aliases().forEach(copy::addAlias);
        return copy;
    }

    private static boolean isNullableUnion(Schema s) {
        return s.getType() == Schema.Type.UNION
                && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
    }

    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        List<Schema> rest =
                s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (rest.size() != 1) {
            throw new Incompatible();
        }
        return rest.get(0);
    }

    private static Schema nullable(Schema s) {
        if (s.getType() == Schema.Type.NULL) {
            return s;
        }
        return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
    }

    private static Schema.Type widerNumeric(Schema.Type a, Schema.Type b) {
        List<Schema.Type> order =
                List.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT, Schema.Type.DOUBLE);
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        if (ia < 0 || ib < 0) {
            return null;
        }
        return order.get(Math.max(ia, ib));
    }

    private static final class Incompatible extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Incompatible() {
            super(null, null, false, false);
        }
    }
}
