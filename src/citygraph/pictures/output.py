"""Writing pictures to files: the format from the file's extension, written atomically.

Also the build's hook: `write_build_pictures(built, folder)` adds folder/pictures/ with the
world map and the world growth chart (SVG), for `publish.dump.write_dumps(writers=...)`.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import BadInput
from ..io import atomic
from .render import render

EXTENSIONS = {".svg": "svg", ".png": "png", ".html": "html", ".htm": "html"}
BUILD_FOLDER = "pictures"
BUILD_PICTURES = (("world-map.svg", "map"), ("growth.svg", "growth"))


def format_for(path: Path) -> str:
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise BadInput(f"--out {path}: the file name must end in .svg, .png or .html (it chooses the format)")
    return fmt


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary sibling file, so no half-written picture is ever left."""
    atomic.write_bytes(Path(path), data)


def write_build_pictures(built, folder: Path) -> None:
    """The build's pictures: <folder>/pictures/world-map.svg and growth.svg (seconds in built.timings)."""
    started = time.perf_counter()
    out = Path(folder) / BUILD_FOLDER
    out.mkdir(exist_ok=True)
    for name, kind in BUILD_PICTURES:
        (out / name).write_bytes(render(kind, built.store))
    built.timings["pictures"] = time.perf_counter() - started
