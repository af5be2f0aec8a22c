package dev.archiver.examples.daemon;

import dev.archiver.config.Settings;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.StorageProviders;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every tool that opens a store shares: backend settings as {@code key=value}. */
final class StorageOptions {
    @Option(
            names = {"-S", "--storage-setting"},
            paramLabel = "KEY=VALUE",
            description =
                    "A backend setting such as storage.s3.endpoint=http://localhost:9000 (repeatable);"
                            + " $${ENV} and $${file:/path} are substituted.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** Parses a URI; a plain path is taken as a local directory. */
    static StorageLocation location(String uri) {
        if (!uri.contains("://") && !uri.startsWith("file:")) {
            return StorageLocation.of("file://" + Path.of(uri).toAbsolutePath().normalize());
        }
        try {
            return StorageLocation.of(uri);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    ObjectStorage open(StorageLocation location) {
        Map<String, String> resolved = new LinkedHashMap<>();
        settings.forEach(
                (k, v) -> resolved.put(k, Substitution.resolve(k, v, System::getenv).value()));
        return StorageProviders.load().create(location, Settings.of(resolved));
    }
}
