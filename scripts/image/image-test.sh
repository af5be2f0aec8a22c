#!/usr/bin/env bash
# Builds the archiver's container image with Jib (no Docker daemon, no registry: the base image is
# the Debian JRE tarball of base-image.sh) and runs it: the image's layers are unpacked into a root
# file system and its entry point, environment, working directory and user are read from the
# image configuration and run under chroot. The image must print its help and run `archiver demo`
# to a verified archive. Needs root (chroot, mount).
#
#   scripts/image/image-test.sh [--skip-build]
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "image-test.sh: needs root to unpack and chroot into the image (or set" \
        "ARCHIVER_SKIP_IMAGE_TEST=true for scripts/test-all.sh)" >&2
    exit 1
fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
image="$repo/examples/target/archiver-image.tar"

if [ "${1:-}" != "--skip-build" ]; then
    base="$(scripts/image/base-image.sh | tail -n 1)"
    echo "== image: building $image on tar://$base"
    mvn -B -q -ntp -pl examples -am package -DskipTests -Dspotless.check.skip=true -Dmaven.javadoc.skip=true -Pjib \
        "-Darchiver.base-image=tar://$base"
fi
[ -s "$image" ] || { echo "image-test.sh: $image was not built" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/archiver-image.XXXXXX")"
rootfs="$work/rootfs"
cleanup() {
    umount "$rootfs/proc" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/image" "$rootfs"
tar -xf "$image" -C "$work/image"
# layers in order, then the command the image runs, from its own configuration
python3 - "$work/image" "$work" <<'PY'
import json, shlex, sys
image, work = sys.argv[1], sys.argv[2]
manifest = json.load(open(f"{image}/manifest.json"))[0]
config = json.load(open(f"{image}/{manifest['Config']}"))["config"]
with open(f"{work}/layers", "w") as f:
    f.write("\n".join(manifest["Layers"]) + "\n")
with open(f"{work}/image.env", "w") as f:
    f.write(f"user={shlex.quote(config.get('User', '0:0'))}\n")
    f.write(f"workdir={shlex.quote(config.get('WorkingDir', '/'))}\n")
    f.write(f"entrypoint=({' '.join(shlex.quote(a) for a in config['Entrypoint'])})\n")
    f.write(f"environment=({' '.join(shlex.quote(e) for e in config.get('Env', []))})\n")
    f.write(f"ports={shlex.quote(' '.join(config.get('ExposedPorts', {})))}\n")
PY
while read -r layer; do
    tar -xzf "$work/image/$layer" -C "$rootfs" 2>/dev/null || tar -xf "$work/image/$layer" -C "$rootfs"
done < "$work/layers"
# shellcheck source=/dev/null
source "$work/image.env"
echo "== image: user $user, working directory $workdir, ports $ports"
echo "== image: entry point ${entrypoint[*]}"
[ "$user" = "1000:1000" ] || { echo "image-test.sh: the image must not run as root (User=$user)" >&2; exit 1; }
[ "$ports" = "9400/tcp" ] || { echo "image-test.sh: expected port 9400/tcp, got '$ports'" >&2; exit 1; }

# what a container runtime provides: /proc, /etc/hosts, a writable /tmp
mount -t proc proc "$rootfs/proc"
cp /etc/hosts "$rootfs/etc/hosts"
chmod 1777 "$rootfs/tmp"

run_in_image() {
    chroot --userspec="$user" "$rootfs" /usr/bin/env -i "${environment[@]}" HOME=/tmp \
        /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${entrypoint[@]}" "$@"
}

out="$work/help.txt"
run_in_image --help > "$out" 2>&1 || { cat "$out"; echo "image-test.sh: --help failed" >&2; exit 1; }
grep -q "Usage: archiver" "$out" || { cat "$out"; echo "image-test.sh: no usage text" >&2; exit 1; }
echo "== image: --help prints the usage"

out="$work/demo.txt"
if ! run_in_image demo --records 2000 --partitions 3 --timeout 5m > "$out" 2>&1; then
    cat "$out"
    echo "image-test.sh: archiver demo failed in the image" >&2
    exit 1
fi
grep "Verified: all" "$out" || { cat "$out"; echo "image-test.sh: the demo's verdict is missing" >&2; exit 1; }
echo "== image: archiver demo ran in the image and verified its archive"
