package dev.archiver.examples.daemon;

import dev.archiver.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}}, {@code ${NAME:-default}} (environment variables) and {@code
 * ${file:/path}} (a file's content, without its trailing newline) in configuration values; {@code
 * $${} is a literal {@code ${}.
 */
final class Substitution {
    /**
     * A substituted value.
     *
     * @param value the value after substitution
     * @param fromFile whether a {@code ${file:...}} reference was used (such values are secrets)
     */
    record Result(String value, boolean fromFile) {}

    private Substitution() {}

    static Result resolve(String key, String raw, Function<String, String> env) {
        StringBuilder out = new StringBuilder();
        boolean fromFile = false;
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (!raw.startsWith("${", i)) {
                out.append(raw.charAt(i++));
                continue;
            }
            int end = raw.indexOf('}', i + 2);
            if (end < 0) {
                throw new ConfigException(
                        "Invalid value for " + key + ": unterminated ${ in a substitution");
            }
            String ref = raw.substring(i + 2, end);
            if (ref.startsWith("file:")) {
                out.append(readFile(key, ref.substring(5)));
                fromFile = true;
            } else {
                int dflt = ref.indexOf(":-");
                String name = dflt < 0 ? ref : ref.substring(0, dflt);
                String value = env.apply(name);
                if (value == null) {
                    if (dflt < 0) {
                        throw new ConfigException(
                                "Environment variable "
                                        + name
                                        + " referenced by "
                                        + key
                                        + " is not set (use ${"
                                        + name
                                        + ":-default} for a default)");
                    }
                    value = ref.substring(dflt + 2);
                }
                out.append(value);
            }
            i = end + 1;
        }
        return new Result(out.toString(), fromFile);
    }

    private static String readFile(String key, String path) {
        try {
            String s = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            return s.endsWith("\r\n")
                    ? s.substring(0, s.length() - 2)
                    : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read file " + path + " referenced by " + key + ": " + e);
        }
    }
}
