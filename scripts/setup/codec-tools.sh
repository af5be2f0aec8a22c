# Sourced by scripts/test-all.sh: installs the reference command-line decompressors (gzip, zstd,
# lz4) from Debian's packages, so that archiver-core's tests can check that files our codecs write
# are read by tools we did not write. Idempotent: skips when already installed.
codec_tools_missing=""
for codec_tools_p in gzip zstd lz4; do
    command -v "$codec_tools_p" >/dev/null 2>&1 || codec_tools_missing="$codec_tools_missing $codec_tools_p"
done
if [ -n "$codec_tools_missing" ]; then
    echo "codec tools setup: installing$codec_tools_missing"
    codec_tools_sudo=""
    [ "$(id -u)" -eq 0 ] || codec_tools_sudo="sudo -n"
    $codec_tools_sudo apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive $codec_tools_sudo apt-get install -y -qq --no-install-recommends \
            $codec_tools_missing >/dev/null \
        || { echo "codec tools setup: apt-get install failed" >&2; return 1 2>/dev/null || exit 1; }
else
    echo "codec tools setup: gzip, zstd and lz4 already installed"
fi
unset codec_tools_missing codec_tools_p codec_tools_sudo
