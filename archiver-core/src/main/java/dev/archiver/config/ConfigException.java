package dev.archiver.config;

/**
 * Bad configuration. The message always names the full key and, where there is a closed set, the
 * accepted values. It never contains the value of a secret.
 *
 * @since 0.1
 */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
