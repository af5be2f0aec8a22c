package dev.archiver.format.parquet;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Run in a child JVM by {@link ParquetHeapTest}: opens {@code partitions × outputs} parquet writers
 * the way the engine does (one output stream per staging file, scratch files in the staging
 * directory), writes rows round-robin into all of them while they are all open, then seals them one
 * by one and reads every eighth file back. Prints the peak heap; exits non-zero on any failure,
 * including {@link OutOfMemoryError}.
 */
public final class ParquetHeapCheck {
    private ParquetHeapCheck() {}

    public static void main(String[] args) throws IOException {
        Path staging = Path.of(args[0]);
        int partitions = Integer.parseInt(args[1]);
        int outputs = Integer.parseInt(args[2]);
        int rowsPerFile = Integer.parseInt(args[3]);
        FileFormat format =
                new ParquetFormatProvider()
                        .create(
                                Settings.of(
                                                Map.of(
                                                        "format.parquet.value-schema",
                                                        PageView.SCHEMA,
                                                        "format.parquet.compression",
                                                        "zstd"))
                                        .withPrefix("format.parquet."));
        int files = partitions * outputs;
        List<RecordWriter> writers = new ArrayList<>(files);
        List<Path> paths = new ArrayList<>(files);
        for (int p = 0; p < partitions; p++) {
            Path dir = staging.resolve("events-" + p);
            Files.createDirectories(dir);
            for (int o = 0; o < outputs; o++) {
                Path file = dir.resolve("hr=" + o + ".staging");
                paths.add(file);
                // what the engine puts in front of a writer: an 8 KB buffer on the staging file
                writers.add(
                        format.newWriter(
                                new BufferedOutputStream(Files.newOutputStream(file), 8 * 1024),
                                dir));
            }
        }
        Random random = new Random(1);
        long buffered = 0;
        for (int row = 0; row < rowsPerFile; row++) {
            for (int f = 0; f < files; f++) {
                ArchiveRecord r =
                        new ArchiveRecord(
                                "events",
                                f / outputs,
                                (long) row * outputs + f % outputs,
                                1_764_018_000_000L + row,
                                TimestampType.CREATE_TIME,
                                ("key-" + row).getBytes(StandardCharsets.UTF_8),
                                PageView.jsonBytes(row * files + f, random),
                                List.of(
                                        new RecordHeader(
                                                "trace",
                                                ("t-" + row).getBytes(StandardCharsets.UTF_8))));
                writers.get(f).write(ParsedRecord.of(r, Instant.ofEpochMilli(r.timestamp())));
            }
        }
        for (RecordWriter w : writers) {
            buffered += w.bufferedBytes();
        }
        long peakWhileOpen = peakHeap();
        System.gc();
        long liveWhileOpen = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (RecordWriter w : writers) {
            w.close();
        }
        long rows = 0;
        long bytes = 0;
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            bytes += Files.size(p);
            if (i % 8 != 0) {
                continue; // a sample is read back, to keep the test short
            }
            try (InputStream in = Files.newInputStream(p);
                    RecordReader reader = format.newReader(in)) {
                int n = 0;
                while (reader.read() != null) {
                    n++;
                }
                if (n != rowsPerFile) {
                    throw new IllegalStateException(
                            p + " holds " + n + " rows, not " + rowsPerFile);
                }
                rows += n;
            }
        }
        try (var leftovers = Files.walk(staging)) {
            long spools = leftovers.filter(f -> f.toString().endsWith(".spool")).count();
            if (spools != 0) {
                throw new IllegalStateException(spools + " spool files left behind");
            }
        }
        System.out.printf(
                "writers=%d rowsWritten=%d rowsReadBack=%d spooledBytes=%d parquetBytes=%d liveHeapWhileOpenMB=%d peakHeapWhileOpenMB=%d peakHeapMB=%d maxHeapMB=%d%n",
                files,
                (long) files * rowsPerFile,
                rows,
                buffered,
                bytes,
                liveWhileOpen >> 20,
                peakWhileOpen >> 20,
                peakHeap() >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /** The sum of the heap pools' peak usage since the JVM started. */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
