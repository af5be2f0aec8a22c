package dev.archiver.bench.jmh;

import dev.archiver.codec.Codec;
import dev.archiver.codec.CodecProvider;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing ~1 KB records through a format and a codec into a stream that drops the bytes: the
 * per-record cost of the staging file's writer without the disk. One invocation writes a batch of
 * {@value HotPath#BATCH} records into a writer that stays open, as the engine's open files do; a
 * fresh writer is opened per iteration. Score: records per second. {@code codec} accepts {@code
 * name} or {@code name:level}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WriteBenchmark {
    @Param({"jsonl", "jsonl-base64", "jsonl-utf8", "avro", "text"})
    public String format;

    @Param({"none", "gzip", "gzip:1", "zstd", "zstd:1"})
    public String codec;

    private FileFormat fileFormat;
    private Codec fileCodec;
    private ParsedRecord[] records;
    private HotPath.NullOutputStream out;
    private RecordWriter writer;
    private int next;

    @Setup
    public void setUp() {
        Map<String, String> formatSettings = new HashMap<>();
        String formatName = format;
        if (format.equals("jsonl-utf8")) {
            formatName = "jsonl";
            formatSettings.put("format.jsonl.payload-encoding", "utf8-or-base64");
        } else if (format.equals("jsonl-base64")) {
            formatName = "jsonl";
            formatSettings.put("format.jsonl.payload-encoding", "base64");
        }
        fileFormat = HotPath.plugin(FileFormatProvider.class, "format", formatName, formatSettings);
        String[] c = codec.split(":");
        fileCodec =
                HotPath.plugin(
                        CodecProvider.class,
                        "codec",
                        c[0],
                        c.length > 1 ? Map.of("codec." + c[0] + ".level", c[1]) : Map.of());
        if (fileFormat.compressesInternally()) {
            // as the engine does: avro compresses its blocks with the codec, nothing around them
            fileFormat = fileFormat.withCodec(fileCodec);
            fileCodec = HotPath.plugin(CodecProvider.class, "codec", "none", Map.of());
        }
        var parser =
                HotPath.plugin(RecordParserProvider.class, "parser", "kafka-timestamp", Map.of());
        ArchiveRecord[] raw = HotPath.records(HotPath.DISTINCT);
        records = new ParsedRecord[raw.length];
        for (int i = 0; i < raw.length; i++) {
            records[i] = parser.parse(raw[i]);
        }
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        out = new HotPath.NullOutputStream();
        writer = fileFormat.newWriter(fileCodec.compress(out));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        writer.close();
    }

    @Benchmark
    @OperationsPerInvocation(HotPath.BATCH)
    public void write() throws IOException {
        int from = next;
        for (int i = from; i < from + HotPath.BATCH; i++) {
            writer.write(records[i]);
        }
        next = (from + HotPath.BATCH) % records.length;
    }
}
