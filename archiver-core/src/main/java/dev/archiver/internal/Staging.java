package dev.archiver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Local staging directories. */
final class Staging {
    private Staging() {}

    /** Deletes a directory tree, best effort: staging is cleaned again on the next assignment. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort
                                }
                            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
