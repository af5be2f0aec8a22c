package dev.archiver.examples.daemon;

/**
 * A user error a command reports as one line, without a stack trace: exit code 2 (bad usage or
 * configuration) unless another is given.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(String message) {
        this(message, 2);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 2;
    }

    int exitCode() {
        return exitCode;
    }
}
