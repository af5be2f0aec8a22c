#!/usr/bin/env python3
"""Wraps a root file system tarball into a one-layer image tarball in `docker save` format.

Jib reads such a tarball as a base image (`tar://PATH`), so the archiver's image can be built with
no registry and no Docker daemon. Usage:

    docker-archive.py ROOTFS_TAR OUTPUT_TAR IMAGE_NAME ENV...

ENV entries are KEY=VALUE strings for the image configuration (e.g. PATH=..., JAVA_HOME=...).
"""
import hashlib
import io
import json
import sys
import tarfile


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def main(rootfs, output, image, env):
    diff_id = "sha256:" + sha256_of(rootfs)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Env": env},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "mmdebstrap"}],
    }
    config_bytes = json.dumps(config, indent=2).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [image], "Layers": ["layer.tar"]}]
    with tarfile.open(output, "w") as tar:
        add_bytes(tar, config_name, config_bytes)
        tar.add(rootfs, arcname="layer.tar")
        add_bytes(tar, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
