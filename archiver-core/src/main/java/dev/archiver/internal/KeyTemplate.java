package dev.archiver.internal;

import dev.archiver.config.ConfigException;
import dev.archiver.partition.PartitionPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated object-key template over {@code {topic}}, {@code {partition_path}}, {@code
 * {kafka_partition}}, {@code {first_offset}} (zero-padded to 20 digits), {@code {generation}} and
 * {@code {extension}}. It must contain the Kafka partition and the first offset, which is what
 * makes keys deterministic (docs/design.md, invariant 1). An empty partition path leaves no empty
 * segment behind.
 */
public final class KeyTemplate {
    static final Set<String> TOKENS =
            Set.of(
                    "topic",
                    "partition_path",
                    "kafka_partition",
                    "first_offset",
                    "generation",
                    "extension");

    private final String template;
    private final List<Object> parts; // String literal or Token
    private final int generation;

    private enum Token {
        TOPIC,
        PARTITION_PATH,
        KAFKA_PARTITION,
        FIRST_OFFSET,
        GENERATION,
        EXTENSION
    }

    private KeyTemplate(String template, List<Object> parts, int generation) {
        this.template = template;
        this.parts = parts;
        this.generation = generation;
    }

    /**
     * @param key the configuration key, for error messages
     * @throws ConfigException when a token is unknown or unclosed, or a required token is missing
     */
    public static KeyTemplate parse(String key, String template, int generation) {
        if (template == null || template.isBlank()) {
            throw new ConfigException("Missing value for " + key);
        }
        if (generation < 0) {
            throw new ConfigException(
                    "Invalid value " + generation + " for key.generation: must not be negative");
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new ConfigException(
                            "Invalid value '"
                                    + template
                                    + "' for "
                                    + key
                                    + ": unclosed '{' at position "
                                    + i);
                }
                String name = template.substring(i + 1, end);
                if (!TOKENS.contains(name)) {
                    throw new ConfigException(
                            "Invalid value '"
                                    + template
                                    + "' for "
                                    + key
                                    + ": unknown token {"
                                    + name
                                    + "}; accepted tokens are {topic}, {partition_path}, {kafka_partition}, {first_offset}, {generation}, {extension}");
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(Token.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        for (Token required : List.of(Token.KAFKA_PARTITION, Token.FIRST_OFFSET)) {
            if (!parts.contains(required)) {
                throw new ConfigException(
                        "Invalid value '"
                                + template
                                + "' for "
                                + key
                                + ": the template must contain {"
                                + required.name().toLowerCase(java.util.Locale.ROOT)
                                + "} so that object keys are deterministic "
                                + "(required tokens: {kafka_partition}, {first_offset})");
            }
        }
        if (template.startsWith("/")) {
            throw new ConfigException(
                    "Invalid value '" + template + "' for " + key + ": must not start with '/'");
        }
        return new KeyTemplate(template, List.copyOf(parts), generation);
    }

    /** Whether keys contain the topic, so that several topics' keys cannot collide. */
    public boolean containsTopic() {
        return parts.contains(Token.TOPIC);
    }

    public int generation() {
        return generation;
    }

    /** The key of a file; never starts with {@code /} and has no empty segments. */
    public String render(
            String topic,
            PartitionPath path,
            int kafkaPartition,
            long firstOffset,
            String extension) {
        StringBuilder sb = new StringBuilder(96);
        for (Object part : parts) {
            if (part instanceof String s) {
                sb.append(s);
            } else {
                switch ((Token) part) {
                    case TOPIC -> sb.append(topic);
                    case PARTITION_PATH -> sb.append(path.path());
                    case KAFKA_PARTITION -> sb.append(kafkaPartition);
                    case FIRST_OFFSET -> {
                        String digits = Long.toString(firstOffset);
                        sb.append("0".repeat(Math.max(0, 20 - digits.length()))).append(digits);
                    }
                    case GENERATION -> sb.append(generation);
                    case EXTENSION -> sb.append(extension);
                }
            }
        }
        String key = sb.toString();
        while (key.contains("//")) {
            key = key.replace("//", "/");
        }
        return key.startsWith("/") ? key.substring(1) : key;
    }

    @Override
    public String toString() {
        return template;
    }
}
