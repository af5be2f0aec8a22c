# Builds the container base image tarball (Debian 12 + OpenJDK 17 JRE, from Debian's package
# archive) that the image test gives Jib, since no container registry may be reachable (sourced by
# scripts/test-all.sh). Idempotent: reuses $ARCHIVER_CACHE/base-image/debian12-jre17.tar.
# Exports ARCHIVER_BASE_IMAGE.

ARCHIVER_BASE_IMAGE="$("$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/image/base-image.sh" | tail -n 1)"
export ARCHIVER_BASE_IMAGE
