#!/usr/bin/env bash
# Runs every test of every module, against real servers that the test harness starts on loopback.
# Installs what the tests need first (idempotent): each scripts/setup/*.sh installs one server or
# tool into the cache directory and exports where it is. Nothing is installed into the repository.
#
#   ARCHIVER_CACHE   where installed tools live (default: ~/.cache/kafka-archiver)
#   MAVEN_ARGS_EXTRA extra Maven arguments (e.g. -pl archiver-s3 -am)
set -euo pipefail
cd "$(dirname "$0")/.."

export ARCHIVER_CACHE="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}"
mkdir -p "$ARCHIVER_CACHE"
# Backend suites must fail, never skip, when their server cannot be started.
export ARCHIVER_REQUIRE_SERVERS=true

for setup in scripts/setup/*.sh; do
    [ -e "$setup" ] || continue
    echo "== setup: $setup"
    # shellcheck source=/dev/null
    source "$setup"
done

echo "== mvn verify"
exec mvn -B -ntp ${MAVEN_ARGS_EXTRA:-} verify
