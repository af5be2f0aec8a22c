package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's options, parsed from {@code --name value} pairs.
 *
 * @param records records produced per partition count
 * @param recordSize approximate size of each JSON record value in bytes
 * @param partitions topic partition counts to run, one topic each
 * @param formats archiver formats to run
 * @param codecs archiver codecs to run; {@code name:level} sets {@code codec.NAME.level} (e.g.
 *     {@code gzip:1})
 * @param stores archive stores to run: {@code file} (a local directory) and/or {@code s3} (S3Proxy
 *     in a child JVM, through archiver-s3)
 * @param out output directory for the table, CSV and PNG
 * @param maxFileSize the archiver's {@code upload.max-file-size}
 * @param maxFileAge the archiver's {@code upload.max-file-age}
 * @param verify whether to prove exactly-once with the ArchiveVerifier after each archiver run
 * @param brokerHeap the broker JVM's {@code -Xmx}
 * @param warmUpRecords records of a separate warm-up topic that every archiver configuration drains
 *     once, untimed, before the measured runs (the JIT warm-up the plain consumer gets from its
 *     first drain); 0 skips it
 * @param s3proxyHeap the S3Proxy JVM's {@code -Xmx}; it keeps the objects of one run in memory
 */
public record BenchmarkOptions(
        long records,
        int recordSize,
        List<Integer> partitions,
        List<String> formats,
        List<String> codecs,
        Path out,
        String maxFileSize,
        String maxFileAge,
        boolean verify,
        String brokerHeap,
        List<String> stores,
        long warmUpRecords,
        String s3proxyHeap) {

    static final String USAGE =
            """
            Usage: Benchmark [--records N] [--record-size BYTES] [--partitions 16,1000]
                             [--formats jsonl,avro,text] [--codecs none,gzip,zstd] [--out DIR]
                             [--max-file-size 64MB] [--max-file-age 3s] [--verify true|false]
                             [--broker-heap 1g] [--stores file,s3] [--warm-up-records 20000]
                             [--s3proxy-heap 2g]
            """;

    public BenchmarkOptions {
        if (records <= 0) {
            throw new IllegalArgumentException("--records must be positive: " + records);
        }
        if (recordSize < 64) {
            throw new IllegalArgumentException("--record-size must be at least 64: " + recordSize);
        }
        partitions = List.copyOf(partitions);
        formats = List.copyOf(formats);
        codecs = List.copyOf(codecs);
        if (partitions.isEmpty() || partitions.stream().anyMatch(p -> p <= 0)) {
            throw new IllegalArgumentException("--partitions must be positive: " + partitions);
        }
        if (formats.isEmpty() || codecs.isEmpty()) {
            throw new IllegalArgumentException("--formats and --codecs must not be empty");
        }
        requireNonNull(out, "out is null");
        requireNonNull(maxFileSize, "maxFileSize is null");
        requireNonNull(maxFileAge, "maxFileAge is null");
        requireNonNull(brokerHeap, "brokerHeap is null");
        requireNonNull(s3proxyHeap, "s3proxyHeap is null");
        stores = List.copyOf(stores);
        if (stores.isEmpty() || !List.of("file", "s3").containsAll(stores)) {
            throw new IllegalArgumentException("--stores must list file and/or s3: " + stores);
        }
        if (warmUpRecords < 0) {
            throw new IllegalArgumentException("--warm-up-records must be >= 0: " + warmUpRecords);
        }
    }

    static BenchmarkOptions parse(String... args) {
        long records = 200_000;
        int recordSize = 1024;
        List<Integer> partitions = List.of(16);
        List<String> formats = List.of("jsonl", "avro", "text");
        List<String> codecs = List.of("none", "gzip", "zstd");
        Path out = Path.of("target", "bench");
        String maxFileSize = "64MB";
        String maxFileAge = "3s";
        boolean verify = false;
        String brokerHeap = "1g";
        List<String> stores = List.of("file");
        long warmUpRecords = 20_000;
        String s3proxyHeap = "2g";
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + name + "\n" + USAGE);
            }
            String v = args[++i];
            switch (name) {
                case "--records" -> records = Long.parseLong(v.replace("_", ""));
                case "--record-size" -> recordSize = Integer.parseInt(v);
                case "--partitions" -> partitions = list(v).stream().map(Integer::valueOf).toList();
                case "--formats" -> formats = list(v);
                case "--codecs" -> codecs = list(v);
                case "--out" -> out = Path.of(v);
                case "--max-file-size" -> maxFileSize = v;
                case "--max-file-age" -> maxFileAge = v;
                case "--verify" -> verify = Boolean.parseBoolean(v);
                case "--broker-heap" -> brokerHeap = v;
                case "--stores" -> stores = list(v);
                case "--warm-up-records" -> warmUpRecords = Long.parseLong(v.replace("_", ""));
                case "--s3proxy-heap" -> s3proxyHeap = v;
                default ->
                        throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        return new BenchmarkOptions(
                records,
                recordSize,
                partitions,
                formats,
                codecs,
                out,
                maxFileSize,
                maxFileAge,
                verify,
                brokerHeap,
                stores,
                warmUpRecords,
                s3proxyHeap);
    }

    private static List<String> list(String v) {
        List<String> result = new ArrayList<>();
        Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(result::add);
        return result;
    }
}
