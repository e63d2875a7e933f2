"""SHA-256 digests beside exported files, checked on import (``sha256sum -c`` reads them too).

A Bundle ``out.json`` gets ``out.json.sha256``; an NDJSON directory gets ``SHA256SUMS`` listing each
file. ``remit fhir import`` checks whatever digest sits beside what it reads before it reads a
record, so a file changed or cut short on its way between systems is refused whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST = "SHA256SUMS"
CHUNK = 1024 * 1024


class DigestMismatch(ValueError):
    """A file does not match the digest written beside it."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_beside(path: Path) -> Path:
    """Write the digest of a file, or of every ``.ndjson`` file of a directory; return where."""
    if path.is_dir():
        manifest = path / MANIFEST
        lines = [f"{sha256_of(f)}  {f.name}\n" for f in sorted(path.glob("*.ndjson"))]
        manifest.write_text("".join(lines), encoding="utf-8")
        return manifest
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.write_text(f"{sha256_of(path)}  {path.name}\n", encoding="utf-8")
    return sidecar


def _listed(manifest: Path) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise DigestMismatch(f"{manifest.name} line {number} is not '<sha256>  <file name>'.")
        listed[name.strip()] = digest.lower()
    return listed


def check_beside(path: Path, *, required: bool = False) -> list[str]:
    """Check the digests written beside ``path``; return the files checked.

    Raises DigestMismatch naming the file whose content differs, or (with ``required``) when there
    is no digest to check.
    """
    if path.is_dir():
        manifest = path / MANIFEST
        targets = {f.name: f for f in path.glob("*.ndjson")}
    else:
        manifest = path.with_name(path.name + ".sha256")
        targets = {path.name: path}
    if not manifest.exists():
        if required:
            raise DigestMismatch(f"There is no {manifest.name} beside {path.name} to check it against.")
        return []
    listed = _listed(manifest)
    for name, target in targets.items():
        if name not in listed:
            raise DigestMismatch(f"{name} is not listed in {manifest.name}; it was added after the export.")
        if sha256_of(target) != listed[name]:
            raise DigestMismatch(
                f"{name} does not match its SHA-256 in {manifest.name}: it was changed or cut short "
                "after it was written. Nothing was imported."
            )
    missing = sorted(set(listed) - set(targets))
    if missing:
        raise DigestMismatch(f"{', '.join(missing)} listed in {manifest.name} is missing.")
    return sorted(targets)
