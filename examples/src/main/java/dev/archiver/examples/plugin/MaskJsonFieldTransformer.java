package dev.archiver.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.transform.RecordTransformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A sample {@link RecordTransformer}: masks fields of JSON record values before they are archived,
 * either with a fixed text ({@code redact}) or with the SHA-256 of the value ({@code hash}, which
 * keeps values joinable without revealing them).
 *
 * <p>A value that is not a JSON object is an error, so the bad-record policy applies (by default it
 * goes to the dead-letter prefix): a masking step must not let unmasked data through silently.
 * Tombstones pass unchanged.
 *
 * <p>Settings (under {@code transform.mask-json-field.}): {@code fields} (required, comma list of
 * dot paths), {@code mode} ({@code redact}, default, or {@code hash}), {@code replacement} (default
 * {@code ***}).
 */
public final class MaskJsonFieldTransformer implements RecordTransformer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a field is masked. */
    public enum Mode {
        REDACT,
        HASH
    }

    private final List<String[]> paths;
    private final Mode mode;
    private final String replacement;

    public MaskJsonFieldTransformer(List<String> fields, Mode mode, String replacement) {
        this.paths = fields.stream().map(f -> f.split("\\.")).toList();
        this.mode = mode;
        this.replacement = replacement;
    }

    static MaskJsonFieldTransformer from(Settings settings) {
        List<String> fields = settings.getList("fields", List.of());
        if (fields.isEmpty()) {
            throw new ConfigException("Missing required setting " + settings.fullKey("fields"));
        }
        String m = settings.getString("mode", "redact").toLowerCase(Locale.ROOT);
        Mode mode =
                switch (m) {
                    case "redact" -> Mode.REDACT;
                    case "hash" -> Mode.HASH;
                    default ->
                            throw new ConfigException(
                                    "Unknown value '"
                                            + m
                                            + "' for "
                                            + settings.fullKey("mode")
                                            + ": accepted values are redact, hash");
                };
        return new MaskJsonFieldTransformer(fields, mode, settings.getString("replacement", "***"));
    }

    @Override
    public Optional<ParsedRecord> transform(ParsedRecord parsed) {
        ArchiveRecord r = parsed.record();
        if (r.value() == null) {
            return Optional.of(parsed);
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalArgumentException("value is not JSON: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("value is not a JSON object");
        }
        boolean changed = false;
        for (String[] path : paths) {
            changed |= mask(obj, path);
        }
        if (!changed) {
            return Optional.of(parsed);
        }
        byte[] value = obj.toString().getBytes(StandardCharsets.UTF_8);
        return Optional.of(
                parsed.withRecord(
                        new ArchiveRecord(
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                r.timestamp(),
                                r.timestampType(),
                                r.key(),
                                value,
                                r.headers())));
    }

    private boolean mask(ObjectNode root, String[] path) {
        JsonNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            node = node.get(path[i]);
            if (!(node instanceof ObjectNode)) {
                return false;
            }
        }
        ObjectNode parent = (ObjectNode) node;
        JsonNode value = parent.get(path[path.length - 1]);
        if (value == null || value.isNull()) {
            return false;
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        parent.put(path[path.length - 1], mode == Mode.HASH ? sha256(text) : replacement);
        return true;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
