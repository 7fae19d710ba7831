"""The SHA-256 of a file, read in blocks: SHA256SUMS, the DCAT checksums and download ETags."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """The file's SHA-256 as lower-case hex, without reading it into memory at once."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


__all__ = ["sha256_file"]
