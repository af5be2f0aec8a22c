package dev.archiver.bench.jmh;

import dev.archiver.parse.ParsedRecord;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;
import dev.archiver.partition.Partitioner;
import dev.archiver.partition.PartitionerProvider;
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
 * Partitioning parsed records: {@code time} (default pattern {@code dt=yyyy-MM-dd/hr=HH}, records
 * one second apart, so the bucket cache hits almost always), {@code time-hourly-miss} (each record
 * in another hour: a format per record, the worst case) and {@code field} (the {@code event} field
 * of the json parser's output). Score: records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PartitionBenchmark {
    @Param({"time", "time-hourly-miss", "field"})
    public String partitioner;

    private Partitioner recordPartitioner;
    private ParsedRecord[] records;

    @Setup
    public void setUp() {
        ArchiveRecord[] raw = HotPath.records();
        records = new ParsedRecord[raw.length];
        RecordParser parser;
        switch (partitioner) {
            case "field" -> {
                recordPartitioner =
                        HotPath.plugin(
                                PartitionerProvider.class,
                                "partitioner",
                                "field",
                                Map.of("partitioner.field.fields", "event"));
                parser =
                        HotPath.plugin(
                                RecordParserProvider.class,
                                "parser",
                                "json",
                                Map.of("parser.json.timestamp-field", "id"));
            }
            default -> {
                recordPartitioner =
                        HotPath.plugin(PartitionerProvider.class, "partitioner", "time", Map.of());
                parser =
                        HotPath.plugin(
                                RecordParserProvider.class, "parser", "kafka-timestamp", Map.of());
            }
        }
        for (int i = 0; i < raw.length; i++) {
            ArchiveRecord r = raw[i];
            if (partitioner.equals("time-hourly-miss")) {
                r =
                        new ArchiveRecord(
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                r.timestamp() + i * 3_600_000L,
                                r.timestampType(),
                                r.key(),
                                r.value(),
                                r.headers());
            }
            records[i] = parser.parse(r);
        }
    }

    @Benchmark
    @OperationsPerInvocation(HotPath.BATCH)
    public void partition(Blackhole bh) {
        for (ParsedRecord r : records) {
            bh.consume(recordPartitioner.partition(r));
        }
    }
}
