#!/usr/bin/env bash
# Builds the archiver's runnable jar (if needed) and runs `archiver demo`: an in-process Kafka broker,
# a stream of page-view events, the archive in ./archive-demo, and the verifier's verdict.
#   scripts/demo.sh [--records N] [--format avro] [--codec zstd] [--keep-running] [--storage URI] ...
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/examples/target/archiver.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$repo/archiver-core/src" "$repo/examples/src" "$repo/examples/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "Building examples/target/archiver.jar ..."
    (cd "$repo" && mvn -B -q -ntp -pl examples -am package -DskipTests -Dmaven.javadoc.skip=true)
fi
exec java -jar "$jar" demo "$@"
