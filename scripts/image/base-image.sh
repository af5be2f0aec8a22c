#!/usr/bin/env bash
# Builds a Java 17 runtime base image (Debian 12 minbase + openjdk-17-jre-headless) as a
# `docker save` tarball, from Debian's package archive alone: no registry, no Docker daemon.
# Jib uses it with -Darchiver.base-image=tar://PATH. Idempotent: reuses the tarball when present.
# Prints the tarball's path on its last line.
#
#   ARCHIVER_CACHE  where the tarball is kept (default: ~/.cache/kafka-archiver)
#   DEBIAN_MIRROR   the package archive (default: http://deb.debian.org/debian)
#
# Needs mmdebstrap (installed with apt-get when missing) and root, or a user namespace for
# mmdebstrap's unshare mode.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/base-image"
suite=bookworm
image="$cache/debian12-jre17.tar"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ ! -s "$image" ]; then
    mkdir -p "$cache"
    if ! command -v mmdebstrap >/dev/null 2>&1; then
        echo "Installing mmdebstrap" >&2
        if [ "$(id -u)" = 0 ]; then apt-get install -y -q mmdebstrap >&2; else sudo apt-get install -y -q mmdebstrap >&2; fi
    fi
    mode=root
    [ "$(id -u)" = 0 ] || mode=unshare
    rootfs="$cache/rootfs-partial.tar"
    rm -rf "$rootfs" "$cache/rootfs.tar.partial"
    echo "Building the base image's root file system (Debian $suite + openjdk-17-jre-headless)" >&2
    # update-alternatives writes java's man page link: the man directory must exist
    mmdebstrap --mode="$mode" --variant=minbase \
        --include=openjdk-17-jre-headless,ca-certificates \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='mkdir -p "$1"/usr/share/man/man1' \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
        "$suite" "$rootfs" \
        "deb $mirror $suite main" "deb ${mirror%/debian}/debian-security $suite-security main" >&2
    python3 "$here/docker-archive.py" "$rootfs" "$image.partial.tar" "kafka-archiver-base:debian12-jre17" \
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" \
        "LANG=C.UTF-8"
    rm -f "$rootfs"
    mv "$image.partial.tar" "$image"
fi
echo "$image"
