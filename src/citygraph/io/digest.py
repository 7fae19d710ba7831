"""The SHA-256 of a file, read in blocks: SHA256SUMS, the DCAT checksums and download ETags."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """The file's SHA-256 as lower-case hex, without reading it into memory at once."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FolderDigests:
    """SHA-256 of the files of one folder being written, each file hashed once.

    The dumps' checksums go into void.ttl and again into SHA256SUMS: both ask this, so a file is
    read and hashed once. A file whose bytes are still in memory when written is handed to `add`
    and hashed in a worker thread (hashlib releases the GIL on large inputs) while the next one
    is made. A name must not be written again after it was hashed. Use as a context manager.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
        self._known: dict[str, Future[str]] = {}

    def add(self, name: str, data: bytes) -> None:
        """`data` is what the file `name` (relative to the folder) holds: hash it in the background."""
        self._known[name] = self._pool.submit(_sha256_hex, data)

    def __call__(self, name: str) -> str:
        """The SHA-256 (hex) of the file `name` relative to the folder."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = Future()
            known.set_result(sha256_file(self.folder / name))
        return known.result()

    def __enter__(self) -> FolderDigests:
        return self

    def __exit__(self, *_exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["FolderDigests", "sha256_file"]
