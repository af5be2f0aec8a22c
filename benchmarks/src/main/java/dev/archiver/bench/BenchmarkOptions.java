package dev.archiver.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's options, parsed from {@code --name value} pairs.
 *
 * @param records records produced per partition count
 * @param recordSize approximate size of each JSON record value in bytes
 * @param partitions topic partition counts to run, one topic each
 * @param cells the archiver's format and codec pairs to run, in order: {@code --cells} when given,
 *     else every {@code --formats} × {@code --codecs} pair
 * @param stores archive stores to run: {@code file} (a local directory) and/or {@code s3} (S3Proxy
 *     in a child JVM, through archiver-s3)
 * @param out output directory for the table, CSV and PNG
 * @param maxFileSize the archiver's {@code upload.max-file-size}
 * @param maxFileAge the archiver's {@code upload.max-file-age}
 * @param verify whether to prove exactly-once with the ArchiveVerifier after each archiver run
 *     (outside the timed window; default true)
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
        List<Cell> cells,
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
                             [--formats jsonl,avro,text,parquet,parquet-raw]
                             [--codecs none,gzip,zstd,snappy]
                             [--cells jsonl/none,parquet/zstd]  (instead of formats × codecs)
                             [--out DIR] [--max-file-size 64MB] [--max-file-age 3s]
                             [--verify true|false]
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
        cells = List.copyOf(cells);
        if (partitions.isEmpty() || partitions.stream().anyMatch(p -> p <= 0)) {
            throw new IllegalArgumentException("--partitions must be positive: " + partitions);
        }
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("--formats, --codecs and --cells must not be empty");
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
        List<String> cells = List.of();
        boolean verify = true;
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
                case "--cells" -> cells = list(v);
                case "--out" -> out = Path.of(v);
                case "--max-file-size" -> maxFileSize = v;
                case "--max-file-age" -> maxFileAge = v;
                case "--verify" -> verify = bool(name, v);
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
                cells.isEmpty()
                        ? product(formats, codecs)
                        : cells.stream().map(Cell::parse).toList(),
                out,
                maxFileSize,
                maxFileAge,
                verify,
                brokerHeap,
                stores,
                warmUpRecords,
                s3proxyHeap);
    }

    private static List<Cell> product(List<String> formats, List<String> codecs) {
        List<Cell> cells = new ArrayList<>();
        for (String format : formats) {
            for (String codec : codecs) {
                cells.add(new Cell(format, codec));
            }
        }
        return cells;
    }

    private static boolean bool(String name, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                    throw new IllegalArgumentException(
                            name + " must be true or false, not '" + v + "'");
        };
    }

    private static List<String> list(String v) {
        List<String> result = new ArrayList<>();
        Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(result::add);
        return result;
    }

    /**
     * One archiver configuration of the matrix: a format and a codec.
     *
     * <p>Formats are the archiver's ({@code jsonl}, {@code avro}, {@code text}) plus two parquet
     * modes: {@code parquet} writes the value as typed columns from {@link DataSet#AVRO_SCHEMA} and
     * keeps its raw bytes ({@code value-columns=typed-and-raw}, lossless), {@code parquet-raw}
     * keeps only the raw bytes. Parquet compresses its pages itself: with parquet the codec is the
     * page codec ({@code format.parquet.compression}: {@code none}, {@code snappy}, {@code zstd},
     * {@code gzip}, no level) and the archiver's outer {@code codec} is {@code none}. Other formats
     * take any archiver codec; {@code name:level} sets {@code codec.NAME.level}.
     *
     * @param format the format as named above
     * @param codec the codec, or for parquet the page codec
     */
    public record Cell(String format, String codec) {
        static final List<String> PARQUET_FORMATS = List.of("parquet", "parquet-raw");
        static final List<String> PAGE_CODECS = List.of("none", "snappy", "zstd", "gzip");

        public Cell {
            requireNonNull(format, "format is null");
            requireNonNull(codec, "codec is null");
            if (format.isEmpty() || codec.isEmpty()) {
                throw new IllegalArgumentException("a cell needs a format and a codec");
            }
            if (format.startsWith("parquet") && !PARQUET_FORMATS.contains(format)) {
                throw new IllegalArgumentException(
                        "unknown parquet mode '" + format + "': use one of " + PARQUET_FORMATS);
            }
            // the fields are assigned after this block: test the parameter, not parquet()
            if (PARQUET_FORMATS.contains(format) && !PAGE_CODECS.contains(codec)) {
                throw new IllegalArgumentException(
                        "with "
                                + format
                                + " the codec is parquet's page codec"
                                + " (format.parquet.compression), one of "
                                + PAGE_CODECS
                                + " without a level, not '"
                                + codec
                                + "'");
            }
        }

        /** Parses {@code format/codec}. */
        static Cell parse(String cell) {
            String[] parts = cell.split("/", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException(
                        "--cells takes format/codec pairs (e.g. parquet/zstd), not '" + cell + "'");
            }
            return new Cell(parts[0].trim(), parts[1].trim());
        }

        public boolean parquet() {
            return PARQUET_FORMATS.contains(format);
        }

        /** The archiver's {@code format} setting. */
        public String formatName() {
            return parquet() ? "parquet" : format;
        }

        /** How the format holds the value: {@code typed+raw} or {@code raw} for parquet, else -. */
        public String mode() {
            return switch (format) {
                case "parquet" -> "typed+raw";
                case "parquet-raw" -> "raw";
                default -> "-";
            };
        }

        @Override
        public String toString() {
            return format + "/" + codec;
        }
    }
}
