"""Writing files and folders atomically: readers see the old version or the new one, never half.

A file is written to a temporary file beside it and renamed over it; a folder is built as a
staging sibling and swapped in. On any error the temporary is removed and the target is as
it was. This is the one implementation; every writer of user-visible output uses it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BadInput


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes, *, option: str = "--out", make_parents: bool = False) -> Path:
    """Replace the file at `path` with `data` atomically; `option` names the path in errors."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{option} {path}: is a folder; give a file name")
    parent = path.absolute().parent
    if make_parents:
        parent.mkdir(parents=True, exist_ok=True)
    elif not parent.is_dir():
        raise BadInput(f"{option} {path}: folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; a written file is as open as a plain one
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str, *, option: str = "--out", make_parents: bool = False) -> Path:
    """write_bytes for UTF-8 text."""
    return write_bytes(path, text.encode("utf-8"), option=option, make_parents=make_parents)
