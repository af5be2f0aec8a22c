package dev.archiver.testing;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveFiles;
import dev.archiver.verify.ArchiveVerifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/** Reads archives back, and turns produced records into the records an archive must hold. */
public final class ArchiveContents {
    private static final Comparator<ArchiveRecord> ORDER =
            Comparator.comparing(ArchiveRecord::topic)
                    .thenComparingInt(ArchiveRecord::partition)
                    .thenComparingLong(ArchiveRecord::offset);

    private ArchiveContents() {}

    /**
     * Every record of every object under {@code root} (optionally skipping a sub-prefix), sorted by
     * topic, partition, offset. The archiver's own objects ({@link
     * ArchiveVerifier#RESERVED_PREFIX}) are not archive data and are skipped.
     */
    public static List<ArchiveRecord> readAll(
            ObjectStorage storage, StorageLocation root, String excludePrefix) throws IOException {
        ArchiveFiles files = ArchiveFiles.load();
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> s = storage.list(root)) {
            objects = s.toList();
        }
        List<ArchiveRecord> records = new ArrayList<>();
        for (ObjectInfo o : objects) {
            String key = o.location().relativeTo(root);
            if ((excludePrefix != null && key.startsWith(excludePrefix))
                    || key.startsWith(ArchiveVerifier.RESERVED_PREFIX)) {
                continue;
            }
            try (RecordReader reader = files.open(storage, o.location())) {
                ArchiveRecord r;
                while ((r = reader.read()) != null) {
                    records.add(r);
                }
            }
        }
        records.sort(ORDER);
        return records;
    }

    /**
     * Archive object keys under {@code root}, relative to it, sorted; the archiver's own objects
     * ({@link ArchiveVerifier#RESERVED_PREFIX}) are left out.
     */
    public static List<String> keys(ObjectStorage storage, StorageLocation root)
            throws IOException {
        try (Stream<ObjectInfo> s = storage.list(root)) {
            return s.map(o -> o.location().relativeTo(root))
                    .filter(k -> !k.startsWith(ArchiveVerifier.RESERVED_PREFIX))
                    .toList();
        }
    }

    /** What the archive must contain for records produced with explicit timestamps (CreateTime). */
    public static List<ArchiveRecord> expected(
            List<ProducerRecord<byte[], byte[]>> produced, List<RecordMetadata> metadata) {
        List<ArchiveRecord> expected = new ArrayList<>(produced.size());
        for (int i = 0; i < produced.size(); i++) {
            ProducerRecord<byte[], byte[]> p = produced.get(i);
            RecordMetadata m = metadata.get(i);
            List<RecordHeader> headers = new ArrayList<>();
            for (Header h : p.headers()) {
                headers.add(new RecordHeader(h.key(), h.value()));
            }
            expected.add(
                    new ArchiveRecord(
                            m.topic(),
                            m.partition(),
                            m.offset(),
                            m.timestamp(),
                            TimestampType.CREATE_TIME,
                            p.key(),
                            p.value(),
                            headers));
        }
        expected.sort(ORDER);
        return expected;
    }
}
