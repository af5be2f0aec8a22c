package dev.archiver.storage.swift;

import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Turns Swift's answers into the SPI's exceptions. Messages name the operation and the location
 * ("Failed uploading swift://c/k: ...") and never a token, key or password.
 */
final class SwiftErrors {
    private SwiftErrors() {}

    /** An unexpected HTTP status of an object or container request. */
    static StorageException forStatus(String operation, Object location, int status) {
        return switch (status) {
            case 401 ->
                    new StorageException(
                            failed(operation, location)
                                    + ": HTTP 401 Unauthorized, the token was refused even after"
                                    + " re-authentication",
                            false);
            case 403 ->
                    new StorageException(
                            failed(operation, location)
                                    + ": HTTP 403 Forbidden (the user lacks access to the container)",
                            false);
            case 404 ->
                    new StorageException(
                            failed(operation, location) + ": HTTP 404 Not Found", false);
            case 412 ->
                    new PreconditionFailedException(
                            failed(operation, location) + ": HTTP 412 Precondition Failed");
            default ->
                    new StorageException(
                            failed(operation, location) + ": HTTP " + status + reason(status),
                            retryable(status));
        };
    }

    static StorageException missingContainer(String operation, Object location, String container) {
        return new StorageException(
                failed(operation, location)
                        + ": container '"
                        + container
                        + "' does not exist (create it first)",
                false);
    }

    static PreconditionFailedException preconditionFailed(
            String operation, Object location, String why) {
        return new PreconditionFailedException(failed(operation, location) + ": " + why);
    }

    static StorageException transport(String operation, Object location, IOException e) {
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof InterruptedIOException) {
            return new StorageException(failed(operation, location) + ": interrupted", false, e);
        }
        return new StorageException(failed(operation, location) + ": " + describe(e), true, e);
    }

    static String failed(String operation, Object location) {
        return "Failed " + operation + " " + location;
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 422 || status == 429 || status == 498;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> " Bad Request";
            case 408 -> " Request Timeout";
            case 409 -> " Conflict";
            case 411 -> " Length Required";
            case 413 -> " Request Entity Too Large";
            case 416 -> " Range Not Satisfiable";
            case 422 -> " Unprocessable Entity (MD5 mismatch)";
            case 429, 498 -> " Rate Limited";
            case 500 -> " Internal Server Error";
            case 502 -> " Bad Gateway";
            case 503 -> " Service Unavailable";
            case 504 -> " Gateway Timeout";
            case 507 -> " Insufficient Storage";
            default -> "";
        };
    }
}
