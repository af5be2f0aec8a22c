# shellcheck shell=bash
# Installs fake-gcs-server (the GCS JSON-API emulator the archiver-gcs tests start as a child
# process) into $ARCHIVER_CACHE with `go install`, once per pinned version, and exports
# FAKE_GCS_SERVER=<path to the binary>. Sourced by scripts/test-all.sh: no `exit` here.
# A cold build takes several minutes on a loaded 2-core machine; later runs skip it.
FAKE_GCS_SERVER_VERSION=v1.56.1
_fgs_dir="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/fake-gcs-server-${FAKE_GCS_SERVER_VERSION}"
if [ ! -x "$_fgs_dir/bin/fake-gcs-server" ]; then
    if ! command -v go >/dev/null 2>&1; then
        echo "fake-gcs-server: 'go' is not on PATH; cannot install the GCS emulator" >&2
        return 1
    fi
    echo "fake-gcs-server: installing ${FAKE_GCS_SERVER_VERSION} into $_fgs_dir (go install)"
    mkdir -p "$_fgs_dir/bin"
    # CGO off: a static binary that does not depend on a C toolchain being present.
    if ! GOBIN="$_fgs_dir/bin" CGO_ENABLED=0 GOFLAGS=-mod=mod \
        go install "github.com/fsouza/fake-gcs-server@${FAKE_GCS_SERVER_VERSION}"; then
        echo "fake-gcs-server: go install failed" >&2
        return 1
    fi
fi
export FAKE_GCS_SERVER="$_fgs_dir/bin/fake-gcs-server"
unset _fgs_dir
