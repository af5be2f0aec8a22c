#!/usr/bin/env bash
# Builds the benchmarks module and runs the end-to-end benchmark (see BENCHMARKS.md).
# Defaults: 200,000 records of 1 KB (about 200 MB) over 16 partitions, formats jsonl/avro/text,
# codecs none/gzip/zstd, file:// store, every cell verified, results in target/bench. Any option is
# passed through, e.g.
#   scripts/bench.sh --records 2000000 --partitions 16,1000 --stores file,s3
#   scripts/bench.sh --cells jsonl/none,parquet/snappy,parquet/zstd   # instead of formats x codecs;
#                                                    # with parquet the codec is its page codec
# With --jmh as the first argument it runs the JMH micro-benchmarks instead; the rest of the
# arguments go to JMH, e.g.
#   scripts/bench.sh --jmh WriteBenchmark -p format=jsonl -p codec=none,zstd
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${BENCH_SKIP_BUILD:-false}" != true ]]; then
    mvn -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
fi

cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
if [[ "${1:-}" == --jmh ]]; then
    shift
    exec java ${BENCH_JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main "$@"
fi
exec java -Djava.awt.headless=true ${BENCH_JAVA_OPTS:--Xmx1g} -cp "$cp" dev.archiver.bench.Benchmark \
    --records 200000 --record-size 1024 --partitions 16 \
    --formats jsonl,avro,text --codecs none,gzip,zstd \
    --out target/bench "$@"
