package dev.archiver.examples.daemon;

import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveFiles;
import dev.archiver.verify.ArchiveVerifier;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What a tool's URI argument names: one archived object, or every object under a prefix. */
final class ArchiveObjects {
    private ArchiveObjects() {}

    static List<ObjectInfo> resolve(ObjectStorage store, StorageLocation uri, ArchiveFiles files)
            throws IOException {
        if (files.detect(uri.fileName()).isPresent()) {
            Optional<ObjectInfo> single = store.stat(uri);
            if (single.isPresent()) {
                return List.of(single.get());
            }
        }
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> s = store.list(uri)) {
            // the archiver's own objects (intents, probes) are not archive data
            objects =
                    s.filter(
                                    o ->
                                            !("/" + o.location().relativeTo(uri))
                                                    .contains(
                                                            "/" + ArchiveVerifier.RESERVED_PREFIX))
                            .toList();
        }
        if (objects.isEmpty()) {
            throw new CliException("No object at or under " + uri);
        }
        return objects;
    }
}
