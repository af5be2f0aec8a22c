# shellcheck shell=bash
# Installs moto's standalone server (an S3 implementation in Python, independent of S3Proxy and
# MinIO, that the archiver-s3 tests start as a child process) into a virtual environment under
# $ARCHIVER_CACHE, once per pinned version, and exports MOTO_SERVER=<path to moto_server>.
# Sourced by scripts/test-all.sh: no `exit` here.
MOTO_VERSION=5.2.5
_moto_dir="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/moto-${MOTO_VERSION}"
if [ ! -x "$_moto_dir/bin/moto_server" ]; then
    if ! command -v python3 >/dev/null 2>&1; then
        echo "moto: 'python3' is not on PATH; cannot install the moto server" >&2
        return 1
    fi
    echo "moto: installing ${MOTO_VERSION} into $_moto_dir (pip)"
    rm -rf "$_moto_dir"
    if ! python3 -m venv "$_moto_dir" \
        || ! "$_moto_dir/bin/pip" install --quiet --disable-pip-version-check \
            "moto[server]==${MOTO_VERSION}"; then
        echo "moto: pip install failed" >&2
        rm -rf "$_moto_dir"
        return 1
    fi
fi
export MOTO_SERVER="$_moto_dir/bin/moto_server"
unset _moto_dir
