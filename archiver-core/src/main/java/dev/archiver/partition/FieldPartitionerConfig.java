package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@code field} partitioner (under {@code partitioner.field.}).
 *
 * <ul>
 *   <li>{@code fields} (required): comma-separated dot paths into the parsed fields ({@code
 *       country,user.tier}); each becomes one segment {@code name=value}, in order;
 *   <li>{@code field-names}: optional comma-separated segment names, one per field; default: the
 *       last element of each path ({@code tier} for {@code user.tier}). Names may use letters,
 *       digits, {@code _}, {@code -} and {@code .};
 *   <li>{@code on-missing}: {@code default} (the default) writes {@code default-value} when a field
 *       is absent, {@code null}, empty, or an object or array; {@code fail} throws instead, so the
 *       bad-record policy applies;
 *   <li>{@code default-value}: default {@value #DEFAULT_VALUE}.
 * </ul>
 *
 * <p>Values are escaped the way Hive escapes partition values, so Hive, Spark and Trino partition
 * discovery read them back: {@code "}, {@code #}, {@code %}, {@code '}, {@code *}, {@code /},
 * {@code :}, {@code =}, {@code ?}, {@code \}, {@code ^}, <code>&#123;</code>, {@code [}, {@code ]},
 * DEL and control characters become {@code %XX} (upper-case hex); other characters, including
 * non-ASCII, are kept.
 *
 * @param fields the dot paths
 * @param names one segment name per path
 * @param onMissing what to do when a value is missing
 * @param defaultValue the value written for a missing field (escaped like any value)
 * @since 0.1
 */
public record FieldPartitionerConfig(
        List<String> fields, List<String> names, OnMissing onMissing, String defaultValue) {
    public static final String DEFAULT_VALUE = "unknown";

    /** What to do when a field is missing. */
    public enum OnMissing {
        DEFAULT,
        FAIL
    }

    public FieldPartitionerConfig {
        fields = List.copyOf(requireNonNull(fields, "fields is null"));
        names = List.copyOf(requireNonNull(names, "names is null"));
        requireNonNull(onMissing, "onMissing is null");
        requireNonNull(defaultValue, "defaultValue is null");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("at least one field is required");
        }
        if (names.size() != fields.size()) {
            throw new IllegalArgumentException(
                    "expected " + fields.size() + " names (one per field), got " + names.size());
        }
        for (String f : fields) {
            if (f.isBlank() || f.startsWith(".") || f.endsWith(".") || f.contains("..")) {
                throw new IllegalArgumentException("'" + f + "' is not a dot-separated field path");
            }
        }
        for (String n : names) {
            if (!n.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException(
                        "'"
                                + n
                                + "' is not a valid segment name (letters, digits, _, - and . only)");
            }
        }
        if (defaultValue.isEmpty()) {
            throw new IllegalArgumentException("the default value is empty");
        }
    }

    /** Fields named after the last element of their path, {@code on-missing=default}. */
    public static FieldPartitionerConfig of(String... fields) {
        List<String> list = List.of(fields);
        return new FieldPartitionerConfig(
                list, defaultNames(list), OnMissing.DEFAULT, DEFAULT_VALUE);
    }

    public static FieldPartitionerConfig from(Settings settings) {
        List<String> fields = settings.getList("fields", List.of());
        if (fields.isEmpty()) {
            throw new ConfigException(
                    "Missing required setting "
                            + settings.fullKey("fields")
                            + " (comma-separated field paths such as country,user.tier)");
        }
        List<String> names = settings.getList("field-names", defaultNames(fields));
        OnMissing onMissing = settings.getEnum("on-missing", OnMissing.class, OnMissing.DEFAULT);
        String defaultValue = settings.getString("default-value", DEFAULT_VALUE);
        try {
            return new FieldPartitionerConfig(fields, names, onMissing, defaultValue);
        } catch (IllegalArgumentException e) {
            String key;
            if (e.getMessage().contains("field path")) {
                key = "fields";
            } else if (e.getMessage().contains("default value")) {
                key = "default-value";
            } else {
                key = "field-names";
            }
            throw new ConfigException(
                    "Invalid value for " + settings.fullKey(key) + ": " + e.getMessage(), e);
        }
    }

    private static List<String> defaultNames(List<String> fields) {
        List<String> names = new ArrayList<>();
        for (String f : fields) {
            names.add(f.substring(f.lastIndexOf('.') + 1));
        }
        return names;
    }
}
