package dev.archiver.bench.jmh;

import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.record.ArchiveRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing ~1 KB JSON event values: {@code kafka-timestamp} (the default, reads no payload) and
 * {@code json} (the whole value into fields, event time from the {@code id} field as epoch ms).
 * Score: records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBenchmark {
    @Param({"kafka-timestamp", "json"})
    public String parser;

    private RecordParser recordParser;
    private ArchiveRecord[] records;

    @Setup
    public void setUp() {
        Map<String, String> settings =
                parser.equals("json") ? Map.of("parser.json.timestamp-field", "id") : Map.of();
        recordParser = HotPath.plugin(RecordParserProvider.class, "parser", parser, settings);
        records = HotPath.records();
    }

    @Benchmark
    @OperationsPerInvocation(HotPath.BATCH)
    public void parse(Blackhole bh) {
        for (ArchiveRecord r : records) {
            ParsedRecord p = recordParser.parse(r);
            bh.consume(p);
        }
    }
}
