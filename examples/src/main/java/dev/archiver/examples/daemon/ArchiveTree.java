package dev.archiver.examples.daemon;

import dev.archiver.format.RecordReader;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveFiles;
import dev.archiver.verify.ArchiveVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Prints the objects under a prefix as a tree, with record counts and sizes. */
final class ArchiveTree {
    /** One archived object and its record count (-1 when unknown). */
    record Entry(ObjectInfo info, String relative, long records) {}

    private static final class Dir {
        final Map<String, Dir> dirs = new TreeMap<>();
        final List<Entry> files = new ArrayList<>();
        long objects;
        long records;
        long bytes;
    }

    private final int maxFilesPerDir;

    ArchiveTree(int maxFilesPerDir) {
        this.maxFilesPerDir = maxFilesPerDir;
    }

    /**
     * Lists every object under {@code root} with its record count: the {@code archiver-records}
     * metadata when the store keeps it, otherwise by reading the object.
     */
    static List<Entry> list(ObjectStorage storage, StorageLocation root) throws IOException {
        ArchiveFiles files = ArchiveFiles.load();
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> s = storage.list(root)) {
            // the archiver's own objects (intents, probes) are not archive data
            objects =
                    s.filter(
                                    o ->
                                            !o.location()
                                                    .relativeTo(root)
                                                    .startsWith(ArchiveVerifier.RESERVED_PREFIX))
                            .toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (ObjectInfo o : objects) {
            entries.add(new Entry(o, o.location().relativeTo(root), records(storage, files, o)));
        }
        return entries;
    }

    private static long records(ObjectStorage storage, ArchiveFiles files, ObjectInfo o) {
        OptionalLong meta = ArchiveMetadata.records(o.metadata());
        if (meta.isPresent()) {
            return meta.getAsLong();
        }
        if (files.detect(o.location().fileName()).isEmpty()) {
            return -1;
        }
        long n = 0;
        try (RecordReader r = files.open(storage, o.location())) {
            while (r.read() != null) {
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    void print(PrintWriter out, String title, List<Entry> entries) {
        Dir root = new Dir();
        for (Entry e : entries) {
            String[] parts = e.relative().split("/");
            Dir d = root;
            add(d, e);
            for (int i = 0; i < parts.length - 1; i++) {
                d = d.dirs.computeIfAbsent(parts[i], k -> new Dir());
                add(d, e);
            }
            d.files.add(e);
        }
        out.println(title + "  " + summary(root));
        print(out, root, "");
    }

    private static void add(Dir d, Entry e) {
        d.objects++;
        d.records += Math.max(0, e.records());
        d.bytes += e.info().size();
    }

    private void print(PrintWriter out, Dir dir, String indent) {
        int shown = Math.min(dir.files.size(), maxFilesPerDir);
        boolean more = dir.files.size() > shown;
        int items = dir.dirs.size() + shown + (more ? 1 : 0);
        int i = 0;
        for (var e : dir.dirs.entrySet()) {
            boolean last = ++i == items;
            out.println(
                    indent + (last ? "└── " : "├── ") + e.getKey() + "/  " + summary(e.getValue()));
            print(out, e.getValue(), indent + (last ? "    " : "│   "));
        }
        for (int f = 0; f < shown; f++) {
            Entry e = dir.files.get(f);
            boolean last = ++i == items;
            String name = e.relative().substring(e.relative().lastIndexOf('/') + 1);
            out.printf(
                    "%s%s%-44s %10s  %9s%n",
                    indent,
                    last ? "└── " : "├── ",
                    name,
                    e.records() < 0 ? "?" : String.format("%,d rec", e.records()),
                    bytes(e.info().size()));
        }
        if (more) {
            long records = 0;
            long bytes = 0;
            for (Entry e : dir.files.subList(shown, dir.files.size())) {
                records += Math.max(0, e.records());
                bytes += e.info().size();
            }
            out.printf(
                    "%s└── ... %d more objects, %,d records, %s%n",
                    indent, dir.files.size() - shown, records, bytes(bytes));
        }
    }

    private static String summary(Dir d) {
        return String.format(
                "(%,d object%s, %,d records, %s)",
                d.objects, d.objects == 1 ? "" : "s", d.records, bytes(d.bytes));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
