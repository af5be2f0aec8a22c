package dev.archiver.config;

import static java.util.Objects.requireNonNull;

/**
 * A sensitive value (a password, a key, a token). {@link #toString()} redacts it, so a secret that
 * ends up in a log line, a metric tag or an exception message shows as {@code ******}.
 *
 * @since 0.1
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = requireNonNull(value, "value is null");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value; call it only where the value is handed to the client that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && value.equals(s.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
