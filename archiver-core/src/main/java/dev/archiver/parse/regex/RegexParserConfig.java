package dev.archiver.parse.regex;

import static java.util.Objects.requireNonNull;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.TimestampFallback;
import dev.archiver.parse.TimestampFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the {@code regex} parser (under {@code parser.regex.}).
 *
 * <ul>
 *   <li>{@code pattern} (required): a Java regular expression searched for ({@link Matcher#find()})
 *       in the value decoded as UTF-8; anchor it with {@code ^...$} to require a whole-value match.
 *       Each named group ({@code (?<name>...)}) that took part in the match becomes a string field;
 *   <li>{@code timestamp-group}: the named group holding the event time; absent (default): the
 *       Kafka timestamp;
 *   <li>{@code timestamp-format}, {@code timestamp-zone}: see {@link TimestampFormat}; defaults
 *       {@code epoch-millis} and {@code UTC};
 *   <li>{@code on-no-match}: {@code fail} (default) or {@code kafka-timestamp} (no fields, Kafka
 *       timestamp);
 *   <li>{@code on-missing-timestamp}: {@code kafka-timestamp} (default) or {@code fail}, when the
 *       timestamp group did not take part in the match.
 * </ul>
 *
 * @since 0.1
 */
public record RegexParserConfig(
        Pattern pattern,
        List<String> groupNames,
        Optional<String> timestampGroup,
        TimestampFormat timestampFormat,
        TimestampFallback onNoMatch,
        TimestampFallback onMissingTimestamp) {

    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    public RegexParserConfig {
        requireNonNull(pattern, "pattern is null");
        groupNames = List.copyOf(requireNonNull(groupNames, "groupNames is null"));
        requireNonNull(timestampGroup, "timestampGroup is null");
        requireNonNull(timestampFormat, "timestampFormat is null");
        requireNonNull(onNoMatch, "onNoMatch is null");
        requireNonNull(onMissingTimestamp, "onMissingTimestamp is null");
        if (timestampGroup.isPresent() && !groupNames.contains(timestampGroup.get())) {
            throw new IllegalArgumentException(
                    "no group named '" + timestampGroup.get() + "' in the pattern");
        }
    }

    /** A config with the defaults above; the group names are read from {@code pattern}. */
    public static RegexParserConfig of(
            Pattern pattern, String timestampGroup, TimestampFormat format) {
        return new RegexParserConfig(
                pattern,
                namedGroups(pattern),
                Optional.ofNullable(timestampGroup),
                format,
                TimestampFallback.FAIL,
                TimestampFallback.KAFKA_TIMESTAMP);
    }

    public static RegexParserConfig from(Settings settings) {
        String regex = settings.requireString("pattern");
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey("pattern")
                            + ": not a Java regular expression ("
                            + e.getDescription()
                            + " at index "
                            + e.getIndex()
                            + ")",
                    e);
        }
        List<String> names = namedGroups(pattern);
        Optional<String> tsGroup = settings.getString("timestamp-group").filter(s -> !s.isEmpty());
        if (tsGroup.isPresent() && !names.contains(tsGroup.get())) {
            throw new ConfigException(
                    "Invalid value '"
                            + tsGroup.get()
                            + "' for "
                            + settings.fullKey("timestamp-group")
                            + ": the pattern has no such named group; its named groups are "
                            + names);
        }
        TimestampFormat format =
                TimestampFormat.from(
                        settings, "timestamp-format", "timestamp-zone", "epoch-millis");
        TimestampFallback onNoMatch =
                settings.getEnum("on-no-match", TimestampFallback.class, TimestampFallback.FAIL);
        TimestampFallback onMissing =
                settings.getEnum(
                        "on-missing-timestamp",
                        TimestampFallback.class,
                        TimestampFallback.KAFKA_TIMESTAMP);
        return new RegexParserConfig(pattern, names, tsGroup, format, onNoMatch, onMissing);
    }

    /** The named groups of {@code pattern} in order of appearance (Java 17 has no API for it). */
    static List<String> namedGroups(Pattern pattern) {
        String regex = pattern.pattern();
        List<String> names = new ArrayList<>();
        Matcher m = NAMED_GROUP.matcher(regex);
        while (m.find()) {
            int backslashes = 0;
            for (int i = m.start() - 1; i >= 0 && regex.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 0 && !names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        // drop anything that is not really a group (e.g. inside \Q...\E or a character class):
        // a pattern that always matches the empty string lets group(name) check the name
        Matcher probe;
        try {
            probe = Pattern.compile("(?:" + regex + ")|", pattern.flags()).matcher("");
        } catch (PatternSyntaxException e) {
            return List.copyOf(names);
        }
        if (probe.find()) {
            names.removeIf(
                    n -> {
                        try {
                            probe.group(n);
                            return false;
                        } catch (IllegalArgumentException e) {
                            return true;
                        }
                    });
        }
        return List.copyOf(names);
    }
}
