"""Atomic folder replacement and advisory locks, shared by the dumps (publish/) and the cache.

`exchange(a, b)` swaps two existing paths in one rename(2)-like step (Linux `renameat2` with
RENAME_EXCHANGE, on ext4, xfs, btrfs, tmpfs and most others): at every instant `b` is either
the old folder or the new one, never absent. Where the kernel or file system lacks it,
`exchange` raises `ExchangeUnsupported` and callers fall back to two renames, which leave a
moment with `b` absent, which the caller repairs on its next run (publish/dump.py: recover).

`FolderLock` is a `flock(2)` on a small file beside the thing it protects; the kernel drops it
when the process dies however it dies (SIGKILL included), so a lock is never stale. The file
holds the holder's pid and start time, for the message a second process shows.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class ExchangeUnsupported(OSError):
    """The kernel or the file system cannot swap two paths atomically."""


_LIBC: list = []  # the C library, looked up on first use (ctypes costs start-up time)


def _libc():
    if not _LIBC:
        import ctypes  # lazy: only builds and cache writes swap folders

        try:
            lib = ctypes.CDLL(None, use_errno=True)
            _LIBC.append((lib if hasattr(lib, "renameat2") else None, ctypes.get_errno))
        except OSError:
            _LIBC.append((None, ctypes.get_errno))
    return _LIBC[0]


def exchange(a: Path, b: Path) -> None:
    """Atomically swap the paths `a` and `b` (both must exist)."""
    lib, get_errno = _libc()
    if lib is None:
        raise ExchangeUnsupported(errno.ENOSYS, "renameat2 is not available")
    rc = lib.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        err = get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise ExchangeUnsupported(err, os.strerror(err))
        raise OSError(err, os.strerror(err), str(b))


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Busy(Exception):
    """Another process holds the lock; `holder` says who, as far as the lock file tells."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


class FolderLock:
    """An exclusive flock on `path` (created if missing). Use as a context manager.

    wait=False raises Busy at once when another process holds it; wait=True blocks, calling
    `on_wait(holder)` once first. remove=True deletes the lock file on release, so nothing is
    left beside the folder; a process that locked the file just before it was deleted notices
    (the path no longer names the file it locked) and locks the new one instead.
    """

    def __init__(self, path: Path, *, wait: bool = False, on_wait=None, remove: bool = False):
        self.path = Path(path)
        self.wait, self.on_wait, self.remove = wait, on_wait, remove
        self.fd: int | None = None

    def holder(self) -> str:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        return text or "a process that has just started"

    def _acquire_once(self, waited: list[bool]) -> int | None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not self.wait:
                    raise Busy(self.holder()) from None
                if self.on_wait is not None and not waited:
                    self.on_wait(self.holder())
                waited.append(True)
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if not same:  # the holder removed the file as we waited: lock the current one
            os.close(fd)
            return None
        return fd

    def __enter__(self) -> FolderLock:
        waited: list[bool] = []
        fd = None
        while fd is None:
            fd = self._acquire_once(waited)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime())}\n".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        if self.remove:
            with contextlib.suppress(OSError):
                os.unlink(self.path)  # while still locked, so no one locks a file about to vanish
        else:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
        os.close(self.fd)  # closing drops the flock
        self.fd = None


__all__ = ["exchange", "ExchangeUnsupported", "FolderLock", "Busy", "fsync_dir"]
