package dev.archiver.partition;

import static java.util.Objects.requireNonNull;

import dev.archiver.parse.ParsedRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code field} partitioner: one {@code name=value} segment per configured field; see {@link
 * FieldPartitionerConfig} for names, missing values and escaping.
 *
 * @since 0.1
 */
public final class FieldPartitioner implements Partitioner {
    private static final String HEX = "0123456789ABCDEF";
    private static final String ESCAPED = "\"#%'*/:=?\\^{[]";

    private final FieldPartitionerConfig config;
    private final String escapedDefault;

    public FieldPartitioner(FieldPartitionerConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.escapedDefault = escape(config.defaultValue());
    }

    @Override
    public PartitionPath partition(ParsedRecord record) {
        List<String> segments = new ArrayList<>(config.fields().size());
        for (int i = 0; i < config.fields().size(); i++) {
            String path = config.fields().get(i);
            String value = scalar(record.field(path).orElse(null));
            String escaped;
            if (value == null || value.isEmpty()) {
                if (config.onMissing() == FieldPartitionerConfig.OnMissing.FAIL) {
                    throw new IllegalArgumentException(
                            "Cannot partition "
                                    + record.record().topic()
                                    + "-"
                                    + record.record().partition()
                                    + "@"
                                    + record.record().offset()
                                    + ": field '"
                                    + path
                                    + "' is missing, empty or not a scalar");
                }
                escaped = escapedDefault;
            } else {
                escaped = escape(value);
            }
            segments.add(config.names().get(i) + "=" + escaped);
        }
        return new PartitionPath(segments);
    }

    private static String scalar(Object value) {
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }

    /** Hive-style escaping of a partition value; see {@link FieldPartitionerConfig}. */
    public static String escape(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean escape = c < 0x20 || c == 0x7f || ESCAPED.indexOf(c) >= 0;
            if (escape && sb == null) {
                sb = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (sb != null) {
                if (escape) {
                    sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? value : sb.toString();
    }

    @Override
    public String toString() {
        return "field(" + String.join(",", config.fields()) + ")";
    }
}
