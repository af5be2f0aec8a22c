package dev.archiver.verify;

import static java.util.Objects.requireNonNull;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an archive back and proves the exactly-once invariant: per topic-partition, every offset is
 * present once, with no duplicate and no gap; optionally, every record Kafka still holds is in the
 * archive with the same key, value, headers and timestamp.
 *
 * <pre>{@code
 * VerificationReport report = ArchiveVerifier.builder(storage, StorageLocation.of("s3://bucket/archive"))
 *         .compareWithKafka("localhost:9092")
 *         .build()
 *         .verify();
 * if (!report.ok()) System.err.println(report.summary());
 * }</pre>
 *
 * <p>Objects in formats that are not lossless cannot be checked record by record and are reported
 * as unreadable. Compared with Kafka, an offset missing from the archive is lost when Kafka still
 * holds it. Without Kafka, objects tell the consumed range of their batch ({@link
 * ArchiveMetadata#range}): an offset no object holds inside the range of a batch whose objects are
 * all found is a Kafka gap (transaction marker, aborted or compacted-away record, or a record the
 * job filtered or skipped), anywhere else it is lost. Archives written before ranges were recorded
 * count every offset missing between the first and the last archived one as lost, as before.
 *
 * @since 0.1
 */
public final class ArchiveVerifier {
    /**
     * Objects under this prefix of an archive's root are the archiver's own (the batches' intents,
     * and the daemon's startup probe, which a crash can leave behind), not archive data: the
     * verifier skips them.
     */
    public static final String RESERVED_PREFIX = "_archiver/";

    private final ObjectStorage storage;
    private final StorageLocation root;
    private final Set<String> topics;
    private final String bootstrapServers;
    private final Map<String, Object> kafkaProperties;
    private final int parallelism;
    private final Consumer<Progress> progress;
    private final ArchiveFiles files;

    /** Progress of a verification: objects read out of the total listed. */
    public record Progress(long objectsRead, long objectsTotal, long recordsRead) {}

    private ArchiveVerifier(Builder b) {
        this.storage = b.storage;
        this.root = b.root;
        this.topics = Set.copyOf(b.topics);
        this.bootstrapServers = b.bootstrapServers;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.parallelism = b.parallelism;
        this.progress = b.progress;
        this.files = ArchiveFiles.load(b.classLoader);
    }

    public static Builder builder(ObjectStorage storage, StorageLocation root) {
        return new Builder(storage, root);
    }

    /** Offsets (and content hashes) of one partition, appended from several threads. */
    private static final class Collected {
        long[] offsets = new long[1024];
        long[] hashes = new long[1024];
        int size;
        long objects;

        synchronized void add(long offset, long hash) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            offsets[size] = offset;
            hashes[size] = hash;
            size++;
        }
    }

    /**
     * Whether {@code location} is the root or lies under it as a directory: a listing matches a
     * plain string prefix, so an archive at {@code /tmp/x} would also list {@code /tmp/x.log}.
     */
    private boolean underRoot(StorageLocation location) {
        String prefix = root.key();
        String key = location.key();
        return prefix.isEmpty()
                || prefix.endsWith("/")
                || key.equals(prefix)
                || key.startsWith(prefix + "/");
    }

    /**
     * Lists and reads the whole archive (and Kafka, when asked).
     *
     * @throws IOException when the archive cannot be listed
     */
    public VerificationReport verify() throws IOException, InterruptedException {
        List<ObjectInfo> objects;
        try (Stream<ObjectInfo> s = storage.list(root)) {
            objects =
                    s.filter(o -> underRoot(o.location()))
                            .filter(o -> !o.location().relativeTo(root).startsWith(RESERVED_PREFIX))
                            .toList();
        }
        Map<TopicPartitionId, Collected> byPartition = Collections.synchronizedMap(new TreeMap<>());
        ConsumedRanges ranges = new ConsumedRanges();
        List<String> unreadable = Collections.synchronizedList(new ArrayList<>());
        AtomicLong read = new AtomicLong();
        AtomicLong records = new AtomicLong();
        AtomicLong deadLetters = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ObjectInfo o : objects) {
                futures.add(
                        pool.submit(
                                () -> {
                                    readObject(
                                            o,
                                            byPartition,
                                            ranges,
                                            unreadable,
                                            records,
                                            deadLetters);
                                    long n = read.incrementAndGet();
                                    progress.accept(new Progress(n, objects.size(), records.get()));
                                    return null;
                                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("Verification failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Map<TopicPartitionId, KafkaPartition> kafka =
                bootstrapServers == null ? null : readKafka(byPartition.keySet());
        Set<TopicPartitionId> all = new TreeSet<>(byPartition.keySet());
        if (kafka != null) {
            all.addAll(kafka.keySet());
        }
        List<PartitionReport> reports = new ArrayList<>();
        for (TopicPartitionId tp : all) {
            reports.add(
                    report(
                            tp,
                            byPartition.get(tp),
                            kafka == null ? null : kafka.get(tp),
                            kafka == null ? ranges : null));
        }
        return new VerificationReport(
                reports,
                objects.size(),
                records.get(),
                deadLetters.get(),
                unreadable,
                kafka != null);
    }

    private void readObject(
            ObjectInfo o,
            Map<TopicPartitionId, Collected> byPartition,
            ConsumedRanges ranges,
            List<String> unreadable,
            AtomicLong records,
            AtomicLong deadLetters) {
        String relative = o.location().relativeTo(root);
        boolean deadLetter = relative.startsWith("_dead-letter/");
        var type = files.detect(o.location().fileName());
        if (type.isEmpty()) {
            unreadable.add(o.location() + ": unknown file type");
            return;
        }
        if (!type.get().format().lossless()) {
            unreadable.add(
                    o.location() + ": format " + type.get().format().name() + " is not lossless");
            return;
        }
        Set<TopicPartitionId> seen = new java.util.HashSet<>();
        try (RecordReader reader = files.open(storage, o.location())) {
            ArchiveRecord r;
            while ((r = reader.read()) != null) {
                TopicPartitionId tp = r.topicPartition();
                if (!topics.isEmpty() && !topics.contains(tp.topic())) {
                    continue;
                }
                byPartition.computeIfAbsent(tp, k -> new Collected()).add(r.offset(), hash(r));
                seen.add(tp);
                records.incrementAndGet();
                if (deadLetter) {
                    deadLetters.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            unreadable.add(o.location() + ": " + e.getMessage());
        }
        for (TopicPartitionId tp : seen) {
            Collected c = byPartition.get(tp);
            synchronized (c) {
                c.objects++;
            }
        }
        if (bootstrapServers == null && !seen.isEmpty()) {
            Map<String, String> metadata = metadata(o);
            ArchiveMetadata.range(metadata)
                    .ifPresent(
                            range -> {
                                String writer =
                                        ArchiveMetadata.owner(metadata)
                                                .map(Object::toString)
                                                .orElse("");
                                seen.forEach(tp -> ranges.add(tp, range, writer));
                            });
        }
    }

    /** The object's metadata: from the listing, or read when the listing carries none. */
    private Map<String, String> metadata(ObjectInfo o) {
        if (!o.metadata().isEmpty()) {
            return o.metadata();
        }
        try {
            return storage.stat(o.location()).map(ObjectInfo::metadata).orElse(Map.of());
        } catch (IOException e) {
            // without its range the object covers nothing: a false alarm at worst
            return Map.of();
        }
    }

    private record KafkaPartition(long logStart, long end, long[] offsets, long[] hashes) {}

    private Map<TopicPartitionId, KafkaPartition> readKafka(Set<TopicPartitionId> archived) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        props.putIfAbsent("isolation.level", "read_committed");
        Map<TopicPartitionId, KafkaPartition> result = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            Set<String> names = new TreeSet<>(topics);
            archived.forEach(tp -> names.add(tp.topic()));
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : names) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos != null) {
                    infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Map<TopicPartition, Collected> got = new HashMap<>();
            tps.forEach(tp -> got.put(tp, new Collected()));
            Set<TopicPartition> open = new java.util.HashSet<>();
            for (TopicPartition tp : tps) {
                if (end.get(tp) > begin.get(tp)) {
                    open.add(tp);
                }
            }
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        got.get(tp).add(r.offset(), hash(toArchiveRecord(r)));
                    }
                }
                open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
            for (TopicPartition tp : tps) {
                Collected c = got.get(tp);
                result.put(
                        new TopicPartitionId(tp.topic(), tp.partition()),
                        new KafkaPartition(
                                begin.get(tp),
                                end.get(tp),
                                Arrays.copyOf(c.offsets, c.size),
                                Arrays.copyOf(c.hashes, c.size)));
            }
        }
        return result;
    }

    private static PartitionReport report(
            TopicPartitionId tp, Collected c, KafkaPartition kafka, ConsumedRanges ranges) {
        long[][] sorted =
                sortedPairs(
                        c == null ? new long[0] : Arrays.copyOf(c.offsets, c.size),
                        c == null ? new long[0] : Arrays.copyOf(c.hashes, c.size));
        long[] offsets = sorted[0];
        long[] hashes = sorted[1];
        long duplicateCount = 0;
        List<Long> duplicates = new ArrayList<>();
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] == offsets[i - 1]) {
                duplicateCount++;
                if (duplicates.size() < 100) {
                    duplicates.add(offsets[i]);
                }
            }
        }
        long gapCount = 0;
        List<PartitionReport.OffsetRange> gaps = new ArrayList<>();
        long missing = 0;
        long mismatches = 0;
        ConsumedRanges.Verdict verdict = ranges == null ? null : ranges.classify(tp, offsets);
        if (verdict != null) {
            gapCount = verdict.lost();
            gaps.addAll(verdict.lostRanges());
        } else if (kafka == null) {
            for (int i = 1; i < offsets.length; i++) {
                if (offsets[i] > offsets[i - 1] + 1) {
                    gapCount += offsets[i] - offsets[i - 1] - 1;
                    if (gaps.size() < 100) {
                        gaps.add(
                                new PartitionReport.OffsetRange(
                                        offsets[i - 1] + 1, offsets[i] - 1));
                    }
                }
            }
        } else {
            for (int i = 0; i < kafka.offsets().length; i++) {
                int at = Arrays.binarySearch(offsets, kafka.offsets()[i]);
                if (at < 0) {
                    missing++;
                    if (gaps.size() < 100) {
                        gaps.add(
                                new PartitionReport.OffsetRange(
                                        kafka.offsets()[i], kafka.offsets()[i]));
                    }
                } else if (hashes[at] != kafka.hashes()[i]) {
                    mismatches++;
                }
            }
            gapCount = missing;
        }
        long first = offsets.length == 0 ? -1 : offsets[0];
        long last = offsets.length == 0 ? -1 : offsets[offsets.length - 1];
        return new PartitionReport(
                tp,
                offsets.length,
                c == null ? 0 : c.objects,
                first,
                last,
                duplicateCount,
                duplicates,
                gapCount,
                gaps,
                missing,
                mismatches,
                verdict == null ? 0 : verdict.ranges(),
                verdict == null ? 0 : verdict.incomplete(),
                verdict == null ? 0 : verdict.kafkaGaps());
    }

    private static long[][] sortedPairs(long[] offsets, long[] hashes) {
        Integer[] idx = new Integer[offsets.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(offsets[a], offsets[b]));
        long[] o = new long[offsets.length];
        long[] h = new long[offsets.length];
        for (int i = 0; i < idx.length; i++) {
            o[i] = offsets[idx[i]];
            h[i] = hashes[idx[i]];
        }
        return new long[][] {o, h};
    }

    private static ArchiveRecord toArchiveRecord(ConsumerRecord<byte[], byte[]> r) {
        List<RecordHeader> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        return new ArchiveRecord(
                r.topic(),
                r.partition(),
                r.offset(),
                r.timestamp(),
                dev.archiver.record.TimestampType.NO_TIMESTAMP,
                r.key(),
                r.value(),
                headers);
    }

    /** A content hash over what a record carries (not its timestamp type). */
    static long hash(ArchiveRecord r) {
        long h = 1125899906842597L;
        h = 31 * h + r.timestamp();
        h = 31 * h + (r.key() == null ? -1 : Arrays.hashCode(r.key()));
        h = 31 * h + (r.value() == null ? -2 : Arrays.hashCode(r.value()));
        for (RecordHeader header : r.headers()) {
            h = 31 * h + header.key().hashCode();
            h = 31 * h + (header.value() == null ? -3 : Arrays.hashCode(header.value()));
        }
        return h;
    }

    /** Builds a verifier. */
    public static final class Builder {
        private final ObjectStorage storage;
        private final StorageLocation root;
        private Set<String> topics = Set.of();
        private String bootstrapServers;
        private Map<String, Object> kafkaProperties = Map.of();
        private int parallelism = 4;
        private Consumer<Progress> progress = p -> {};
        private ClassLoader classLoader = dev.archiver.plugin.Plugins.defaultClassLoader();

        private Builder(ObjectStorage storage, StorageLocation root) {
            this.storage = requireNonNull(storage, "storage is null");
            this.root = requireNonNull(root, "root is null");
        }

        /** Only these topics (default: every topic found). */
        public Builder topics(Set<String> topics) {
            this.topics = Set.copyOf(topics);
            return this;
        }

        /**
         * Also read Kafka and check every record it still holds is archived exactly once,
         * unchanged.
         */
        public Builder compareWithKafka(String bootstrapServers) {
            this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
            return this;
        }

        /** Extra consumer properties for the Kafka comparison (security settings). */
        public Builder kafkaProperties(Map<String, Object> properties) {
            this.kafkaProperties = Map.copyOf(properties);
            return this;
        }

        public Builder parallelism(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("parallelism must be positive");
            }
            this.parallelism = n;
            return this;
        }

        public Builder progress(Consumer<Progress> progress) {
            this.progress = requireNonNull(progress, "progress is null");
            return this;
        }

        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = requireNonNull(classLoader, "classLoader is null");
            return this;
        }

        public ArchiveVerifier build() {
            return new ArchiveVerifier(this);
        }
    }
}
