package dev.archiver.examples.daemon;

/** A user error a command reports as one line, without a stack trace (exit code 2). */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
