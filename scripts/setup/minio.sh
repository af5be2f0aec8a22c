# shellcheck shell=bash
# Installs MinIO (the S3-compatible server the archiver-s3 tests start as a child process, over
# plain HTTP and over HTTPS) into $ARCHIVER_CACHE with `go install`, once per pinned version, and
# exports MINIO_SERVER=<path to the binary>. Sourced by scripts/test-all.sh: no `exit` here.
# MinIO tags its releases RELEASE.<date>, not semver, so the module proxy serves it as a pseudo
# version; this one is the proxy's @latest when it was pinned. A cold build takes about ten minutes
# on a loaded 2-core machine; later runs skip it. MinIO is AGPL-licensed: it is only run by the
# tests as a separate program, never linked into or shipped with the archiver.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
_minio_dir="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/minio-${MINIO_VERSION}"
if [ ! -x "$_minio_dir/bin/minio" ]; then
    if ! command -v go >/dev/null 2>&1; then
        echo "minio: 'go' is not on PATH; cannot install the MinIO server" >&2
        return 1
    fi
    echo "minio: installing ${MINIO_VERSION} into $_minio_dir (go install, several minutes)"
    mkdir -p "$_minio_dir/bin"
    # CGO off: a static binary that does not depend on a C toolchain being present.
    if ! GOBIN="$_minio_dir/bin" CGO_ENABLED=0 GOFLAGS=-mod=mod \
        go install "github.com/minio/minio@${MINIO_VERSION}"; then
        echo "minio: go install failed" >&2
        return 1
    fi
fi
export MINIO_SERVER="$_minio_dir/bin/minio"
unset _minio_dir
