package dev.archiver.examples.daemon;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code archiver restore URI}: replays archived records of one topic into Kafka, in offset order
 * per partition, with their keys, values, headers, timestamps and (by default) partitions.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Replays the archived records of one topic (lossless formats only) into Kafka, in offset"
                    + " order per partition, preserving keys, values, headers, timestamps and"
                    + " partitions, with an idempotent producer.",
            "--from is inclusive and --to exclusive; each is an offset (a number) or a time"
                    + " (2026-11-24T21:00:00Z, or a date 2026-11-24 meaning its UTC midnight).",
            "Exit code 0 when every selected record was acknowledged, 1 otherwise, 2 on usage"
                    + " errors."
        })
final class RestoreCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "URI", description = "The archive root, or a prefix below it.")
    String uri;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            required = true,
            description = "The Kafka cluster to write to.")
    String bootstrapServers;

    @Option(
            names = {"-t", "--topic"},
            required = true,
            description = "The archived topic to restore.")
    String topic;

    @Option(names = "--to-topic", description = "Write into this topic (default: --topic).")
    String toTopic;

    @Option(names = "--from", description = "First offset or time to restore (inclusive).")
    String from;

    @Option(names = "--to", description = "Offset or time to stop at (exclusive).")
    String to;

    @Option(
            names = "--partitioning",
            defaultValue = "same",
            description =
                    "same: each record goes to the partition it came from; key: the producer's"
                            + " partitioner decides (default: ${DEFAULT-VALUE}).")
    String partitioning;

    @Option(
            names = "--create-topic",
            description =
                    "Create the target topic when it does not exist, with as many partitions as the"
                            + " archive has.")
    boolean createTopic;

    @Option(
            names = "--dry-run",
            description = "Read and count what would be restored; write nothing.")
    boolean dryRun;

    @Option(
            names = {"-P", "--producer-property"},
            paramLabel = "KEY=VALUE",
            description = "A producer property (security settings; repeatable).")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(
            names = "--progress",
            description = "Draw the progress bar even when stderr is not a terminal.")
    boolean forceProgress;

    @Mixin StorageOptions storageOptions;

    /** An archived object of the topic and the offsets it holds. */
    private record Slice(ObjectInfo object, int partition, long first, long last, long records) {}

    /** Per source partition: what was (or would be) restored. */
    private static final class Tally {
        long records;
        long first = -1;
        long last = -1;
        int target = -1;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!partitioning.equals("same") && !partitioning.equals("key")) {
            throw new CliException(
                    "Invalid value '"
                            + partitioning
                            + "' for --partitioning: accepted values are same, key");
        }
        Bound lower = Bound.parse("--from", from);
        Bound upper = Bound.parse("--to", to);
        String target = toTopic == null ? topic : toTopic;
        StorageLocation root = StorageOptions.location(uri);
        ArchiveFiles files = ArchiveFiles.load();
        try (ObjectStorage store = storageOptions.open(root)) {
            List<Slice> slices = index(store, root, files);
            if (slices.isEmpty()) {
                throw new CliException("No archived records of topic " + topic + " under " + root);
            }
            int partitions = slices.stream().mapToInt(Slice::partition).max().orElse(0) + 1;
            long total = slices.stream().mapToLong(Slice::records).sum();
            out.printf(
                    "%s %,d archived records of %s (%d partitions, %d objects) %s %s%n",
                    dryRun ? "Would restore from" : "Restoring from",
                    total,
                    topic,
                    partitions,
                    slices.size(),
                    dryRun ? "into" : "into",
                    target);
            out.flush();
            Map<Integer, Tally> tallies = new TreeMap<>();
            ProgressBar bar =
                    new ProgressBar(spec.commandLine().getErr(), forceProgress, "records");
            long sent;
            if (dryRun) {
                sent =
                        replay(
                                store, files, slices, lower, upper, tallies, null, bar, total,
                                target);
            } else {
                boolean created = checkTarget(target, partitions);
                try (KafkaProducer<byte[], byte[]> producer = producer(created)) {
                    sent =
                            replay(
                                    store, files, slices, lower, upper, tallies, producer, bar,
                                    total, target);
                }
            }
            bar.finish();
            out.printf(
                    "%-30s %-12s %12s %14s %14s%n",
                    "source partition", "target", "records", "first offset", "last offset");
            tallies.forEach(
                    (p, t) ->
                            out.printf(
                                    "%-30s %-12s %12d %14d %14d%n",
                                    topic + "-" + p,
                                    t.target < 0 ? "(by key)" : target + "-" + t.target,
                                    t.records,
                                    t.first,
                                    t.last));
            out.printf(
                    "%s: %,d records %s %s%n",
                    dryRun ? "DRY RUN" : "OK",
                    sent,
                    dryRun ? "would be written to" : "written to",
                    target);
            out.flush();
            return 0;
        }
    }

    /** Every object holding records of the topic, with its offset range (one read each). */
    private List<Slice> index(ObjectStorage store, StorageLocation root, ArchiveFiles files)
            throws IOException {
        List<Slice> slices = new ArrayList<>();
        for (ObjectInfo o : ArchiveObjects.resolve(store, root, files)) {
            var type = files.detect(o.location().fileName());
            if (type.isEmpty()) {
                continue;
            }
            if (!type.get().format().lossless()) {
                throw new CliException(
                        o.location()
                                + " is in format "
                                + type.get().format().name()
                                + ", which does not keep keys, headers and timestamps: only lossless"
                                + " archives can be restored");
            }
            int partition = -1;
            long first = Long.MAX_VALUE;
            long last = -1;
            long n = 0;
            try (RecordReader r = files.open(store, o.location())) {
                ArchiveRecord rec;
                while ((rec = r.read()) != null) {
                    if (!rec.topic().equals(topic)) {
                        continue;
                    }
                    partition = rec.partition();
                    first = Math.min(first, rec.offset());
                    last = Math.max(last, rec.offset());
                    n++;
                }
            }
            if (n > 0) {
                slices.add(new Slice(o, partition, first, last, n));
            }
        }
        slices.sort(Comparator.comparingInt(Slice::partition).thenComparingLong(Slice::first));
        return slices;
    }

    /**
     * Sends the records in offset order per partition. Objects of one sealed batch overlap in
     * offsets (a batch spans several output partitions), so overlapping objects are read together
     * and sorted; consecutive batches never overlap.
     */
    private long replay(
            ObjectStorage store,
            ArchiveFiles files,
            List<Slice> slices,
            Bound lower,
            Bound upper,
            Map<Integer, Tally> tallies,
            KafkaProducer<byte[], byte[]> producer,
            ProgressBar bar,
            long total,
            String target)
            throws Exception {
        AtomicReference<Exception> failed = new AtomicReference<>();
        long read = 0;
        long sent = 0;
        int i = 0;
        while (i < slices.size()) {
            int j = i + 1;
            long groupLast = slices.get(i).last();
            while (j < slices.size()
                    && slices.get(j).partition() == slices.get(i).partition()
                    && slices.get(j).first() <= groupLast) {
                groupLast = Math.max(groupLast, slices.get(j).last());
                j++;
            }
            List<ArchiveRecord> group = new ArrayList<>();
            for (Slice s : slices.subList(i, j)) {
                try (RecordReader r = files.open(store, s.object().location())) {
                    ArchiveRecord rec;
                    while ((rec = r.read()) != null) {
                        if (rec.topic().equals(topic)) {
                            group.add(rec);
                        }
                    }
                }
            }
            group.sort(Comparator.comparingLong(ArchiveRecord::offset));
            for (ArchiveRecord rec : group) {
                read++;
                if (!lower.admitsFrom(rec) || !upper.admitsTo(rec)) {
                    continue;
                }
                Tally t = tallies.computeIfAbsent(rec.partition(), p -> new Tally());
                t.records++;
                t.first = t.first < 0 ? rec.offset() : t.first;
                t.last = rec.offset();
                t.target = partitioning.equals("same") ? rec.partition() : -1;
                if (producer != null) {
                    producer.send(
                            toProducerRecord(rec, target),
                            (md, e) -> {
                                if (e != null) {
                                    failed.compareAndSet(null, e);
                                }
                            });
                }
                sent++;
                bar.update(read, total, "");
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            i = j;
        }
        if (producer != null) {
            producer.flush(); // returns when every send has completed, its callback included
            if (failed.get() != null) {
                throw failed.get();
            }
        }
        bar.update(total, total, "");
        return sent;
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(ArchiveRecord r, String target) {
        RecordHeaders headers = new RecordHeaders();
        for (RecordHeader h : r.headers()) {
            headers.add(h.key(), h.value());
        }
        return new ProducerRecord<>(
                target,
                partitioning.equals("same") ? r.partition() : null,
                r.timestamp() < 0 ? null : r.timestamp(),
                r.key(),
                r.value(),
                headers);
    }

    /** Checks (or creates) the target topic; returns whether it was created. */
    private boolean checkTarget(String target, int partitions) {
        Map<String, Object> props = new LinkedHashMap<>(producerProperties);
        props.put("bootstrap.servers", bootstrapServers);
        boolean created = false;
        try (KafkaAdmin admin = KafkaAdmin.create(props)) {
            int existing;
            try {
                existing = admin.partitions(target).size();
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                if (!createTopic) {
                    throw new CliException(
                            "Topic "
                                    + target
                                    + " does not exist; create it or pass --create-topic");
                }
                KafkaAdmin.get(
                        admin.admin()
                                .createTopics(
                                        List.of(
                                                new NewTopic(
                                                        target,
                                                        java.util.Optional.of(partitions),
                                                        java.util.Optional.empty())))
                                .all());
                awaitLeaders(admin, target, partitions);
                existing = partitions;
                created = true;
            }
            if (partitioning.equals("same") && existing < partitions) {
                throw new CliException(
                        "Topic "
                                + target
                                + " has "
                                + existing
                                + " partitions but the archive has "
                                + partitions
                                + "; add partitions or use --partitioning key");
            }
        }
        return created;
    }

    /** Waits until every partition of a topic just created has a leader (60 s at most). */
    private static void awaitLeaders(KafkaAdmin admin, String topic, int partitions) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                var d =
                        admin.admin()
                                .describeTopics(java.util.Set.of(topic))
                                .allTopicNames()
                                .get(30, java.util.concurrent.TimeUnit.SECONDS)
                                .get(topic);
                if (d.partitions().size() >= partitions
                        && d.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                // the new topic's metadata is not known everywhere yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer(boolean newTopic) {
        Map<String, Object> p = new LinkedHashMap<>(producerProperties);
        if (newTopic) {
            // on a topic created a moment ago the first batch can be refused (not leader yet) and
            // overtaken by the next ones; the idempotent producer then retries it forever with an
            // out-of-order sequence. One request in flight keeps the batches in order.
            p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(p);
    }

    /** A --from or --to bound: an offset or a time; absent means unbounded. */
    private record Bound(Long offset, Instant time) {
        static Bound parse(String option, String s) {
            if (s == null) {
                return new Bound(null, null);
            }
            if (s.matches("\\d+")) {
                return new Bound(Long.parseLong(s), null);
            }
            try {
                return new Bound(null, Instant.parse(s));
            } catch (DateTimeParseException e) {
                try {
                    return new Bound(
                            null, LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
                } catch (DateTimeParseException e2) {
                    throw new CliException(
                            "Invalid value '"
                                    + s
                                    + "' for "
                                    + option
                                    + ": expected an offset, a time such as 2026-11-24T21:00:00Z or a"
                                    + " date such as 2026-11-24");
                }
            }
        }

        boolean admitsFrom(ArchiveRecord r) {
            return offset != null
                    ? r.offset() >= offset
                    : time == null || r.timestamp() >= time.toEpochMilli();
        }

        boolean admitsTo(ArchiveRecord r) {
            return offset != null
                    ? r.offset() < offset
                    : time == null || r.timestamp() < time.toEpochMilli();
        }
    }
}
