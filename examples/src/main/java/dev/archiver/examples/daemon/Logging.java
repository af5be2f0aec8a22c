package dev.archiver.examples.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.FilterReply;
import dev.archiver.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * The daemon's logging on Logback: one line per event on standard error, either plain text (the
 * default, as in {@code logback.xml}) or a JSON object per line for log pipelines; levels per
 * logger name (a package or a class, or {@code root}).
 *
 * <p>Secrets never reach a log line through here: the JSON form carries the same formatted message
 * as the plain one (never the raw arguments, the MDC or the context properties), and the daemon
 * logs its configuration redacted.
 */
final class Logging {
    /** Environment variable choosing the format: {@code plain} or {@code json}. */
    static final String FORMAT_ENV = "ARCHIVER_LOG_FORMAT";

    /**
     * Environment variable with levels: {@code LEVEL} for the root logger and/or {@code
     * LOGGER=LEVEL} entries, comma-separated, e.g. {@code info,dev.archiver=debug}.
     */
    static final String LEVEL_ENV = "ARCHIVER_LOG_LEVEL";

    static final String PLAIN_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";
    private static final String APPENDER = "STDERR";
    private static final List<String> LEVELS =
            List.of("trace", "debug", "info", "warn", "error", "off");

    enum Format {
        PLAIN,
        JSON;

        static Format parse(String value, String source) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "plain", "text" -> PLAIN;
                case "json" -> JSON;
                default ->
                        throw new ConfigException(
                                "Invalid value '"
                                        + value
                                        + "' for "
                                        + source
                                        + ": expected plain or json");
            };
        }
    }

    private static final Set<String> HELD_BACK_TOPICS = ConcurrentHashMap.newKeySet();
    private static final String METADATA_WARNING =
            "The metadata response from the cluster reported a recoverable issue";

    /**
     * Drops the Kafka client's metadata warnings that only say "UNKNOWN_TOPIC_OR_PARTITION" for
     * topics the daemon has already reported as missing: the client repeats them on every metadata
     * refresh, hundreds an hour, and they would drown everything else.
     */
    private static final class UnknownTopicFilter extends TurboFilter {
        @Override
        public FilterReply decide(
                Marker marker,
                ch.qos.logback.classic.Logger logger,
                Level level,
                String format,
                Object[] params,
                Throwable t) {
            if (format == null || !format.contains(METADATA_WARNING)) {
                return FilterReply.NEUTRAL;
            }
            // Kafka's loggers format the message themselves, so the errors arrive as text
            // ("... : {topic-a=UNKNOWN_TOPIC_OR_PARTITION}"); a plain SLF4J call would pass the map
            String errors =
                    params != null && params.length > 0
                            ? String.valueOf(params[params.length - 1])
                            : format;
            int open = errors.lastIndexOf('{');
            int close = errors.lastIndexOf('}');
            if (open < 0 || close < open + 2) {
                return FilterReply.NEUTRAL;
            }
            for (String entry : errors.substring(open + 1, close).split(",")) {
                String[] kv = entry.trim().split("=", 2);
                if (kv.length != 2
                        || !HELD_BACK_TOPICS.contains(kv[0])
                        || !kv[1].equals("UNKNOWN_TOPIC_OR_PARTITION")) {
                    return FilterReply.NEUTRAL;
                }
            }
            return FilterReply.DENY;
        }
    }

    private Logging() {}

    /** Holds back the client's "unknown topic" warnings about {@code topic} from now on. */
    static void holdBackUnknownTopicWarnings(String topic) {
        LoggerContext ctx = context();
        synchronized (Logging.class) {
            if (ctx.getTurboFilterList().stream().noneMatch(f -> f instanceof UnknownTopicFilter)) {
                UnknownTopicFilter filter = new UnknownTopicFilter();
                filter.setContext(ctx);
                filter.start();
                ctx.addTurboFilter(filter);
            }
        }
        HELD_BACK_TOPICS.add(topic);
    }

    /** Lets the client's warnings about {@code topic} through again (it exists now). */
    static void releaseUnknownTopicWarnings(String topic) {
        HELD_BACK_TOPICS.remove(topic);
    }

    /** Switches every log line from now on to {@code format}. */
    static void format(Format format) {
        LoggerContext ctx = context();
        Encoder<ILoggingEvent> encoder;
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setWithFormattedMessage(true);
            // the formatted message says it all; the raw pattern and arguments would only repeat
            // it, and the context properties and sequence numbers mean nothing to a reader
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            encoder = json;
        } else {
            PatternLayoutEncoder plain = new PatternLayoutEncoder();
            plain.setPattern(PLAIN_PATTERN);
            encoder = plain;
        }
        encoder.setContext(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        var old = root.getAppender(APPENDER);
        root.detachAppender(APPENDER);
        root.addAppender(appender);
        if (old != null) {
            old.stop();
        }
    }

    /** Sets the level of each logger ({@code root} is the root logger). */
    static void levels(Map<String, String> levels) {
        LoggerContext ctx = context();
        levels.forEach(
                (name, level) ->
                        ctx.getLogger(
                                        name.equalsIgnoreCase("root")
                                                ? Logger.ROOT_LOGGER_NAME
                                                : name)
                                .setLevel(Level.toLevel(level)));
    }

    /**
     * The format: {@code option} if given, else the environment variable, else the config file's
     * {@code logging.format}, else plain.
     */
    static Format chooseFormat(String option, String env, String configured) {
        if (option != null) {
            return Format.parse(option, "--log-format");
        }
        if (env != null && !env.isBlank()) {
            return Format.parse(env, FORMAT_ENV);
        }
        if (configured != null) {
            return Format.parse(configured, "logging.format");
        }
        return Format.PLAIN;
    }

    /**
     * Levels from the config file's {@code logging.level.LOGGER} keys, then the environment
     * variable's entries, which win.
     */
    static Map<String, String> chooseLevels(Map<String, String> configured, String env) {
        Map<String, String> levels = new LinkedHashMap<>();
        configured.forEach((logger, level) -> levels.put(logger, level(level, logger, null)));
        if (env != null && !env.isBlank()) {
            for (String entry : env.split(",")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                int eq = e.indexOf('=');
                String logger = eq < 0 ? "root" : e.substring(0, eq).trim();
                String level = eq < 0 ? e : e.substring(eq + 1);
                if (logger.isEmpty()) {
                    throw new ConfigException(
                            "Invalid entry '"
                                    + e
                                    + "' in "
                                    + LEVEL_ENV
                                    + ": expected LEVEL or LOGGER=LEVEL");
                }
                levels.put(logger, level(level, logger, LEVEL_ENV));
            }
        }
        return levels;
    }

    private static String level(String value, String logger, String env) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(v)) {
            throw new ConfigException(
                    "Invalid level '"
                            + value
                            + "' for "
                            + (env == null ? "logging.level." + logger : logger + " in " + env)
                            + ": expected one of "
                            + String.join(", ", LEVELS));
        }
        return v;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
