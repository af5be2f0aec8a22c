#!/usr/bin/env bash
# Runs every test of every module, against real servers that the test harness starts on loopback.
# Installs what the tests need first (idempotent): each scripts/setup/*.sh installs one server or
# tool into the cache directory and exports where it is. Nothing is installed into the repository.
#
#   ARCHIVER_CACHE   where installed tools live (default: ~/.cache/kafka-archiver)
#   MAVEN_ARGS_EXTRA extra Maven arguments (e.g. -pl archiver-s3 -am)
#   ARCHIVER_SKIP_IMAGE_TEST=true  skips running the container image (it needs root for chroot)
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

# Two modules at a time: once core and the testkit are built, the backend suites (each with its own
# broker and server) run side by side, which roughly halves the wall time on a 2-core machine.
# -Pjib also builds the container image (examples/target/archiver-image.tar) on the local base image.
echo "== mvn verify"
marker="$(mktemp)"
mvn -B -ntp -T 2 -Pjib "-Darchiver.base-image=tar://$ARCHIVER_BASE_IMAGE" ${MAVEN_ARGS_EXTRA:-} verify

# The image must run: help, and `archiver demo` to a verified archive, inside the image's own root.
echo "== container image"
if [ "${ARCHIVER_SKIP_IMAGE_TEST:-false}" = true ]; then
    echo "skipped: ARCHIVER_SKIP_IMAGE_TEST=true"
elif [ -n "${MAVEN_ARGS_EXTRA:-}" ] && [ ! examples/target/archiver-image.tar -nt "$marker" ]; then
    echo "skipped: this partial build (MAVEN_ARGS_EXTRA) did not build the examples module"
else
    scripts/image/image-test.sh --skip-build
fi
rm -f "$marker"
