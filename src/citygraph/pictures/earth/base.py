"""The map's ground: ocean (the projected globe), graticule and Natural Earth countries."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..drawing.style import BORDER, GRATICULE, LAND, OCEAN
from ..drawing.svg import el, fmt
from . import basemap, pathtext, projection
from .frame import Frame


@lru_cache(maxsize=4)
def _graticule_lines(step: int) -> tuple[np.ndarray, ...]:
    lines = [basemap.project([(lon, lat) for lat in range(-90, 91, 2)]) for lon in range(-180 + step, 180, step)]
    lines += [basemap.project([(lon, lat) for lon in range(-180, 181, 2)]) for lat in range(-90 + step, 90, step)]
    return tuple(lines)


@lru_cache(maxsize=4)
def _graticule_rings(step: int) -> pathtext.Rings:
    return pathtext.Rings.of(_graticule_lines(step))


@lru_cache(maxsize=1)
def _country_rings() -> tuple[pathtext.Rings, tuple[int, ...]]:
    """Every country's rings end to end (built once per process), and where each country's rings begin."""
    countries = basemap.projected()
    firsts = np.cumsum([0] + [len(c.rings) for c in countries]).tolist()
    return pathtext.Rings.of([r for c in countries for r in c.rings]), tuple(firsts)


def _country_paths(frame: Frame) -> list[str]:
    """Each country's path data in `frame` (as `basemap.country_path` gives it), written in one pass."""
    rings, firsts = _country_rings()
    texts = pathtext.texts(rings, frame)
    return ["".join(texts[a:b]) for a, b in zip(firsts, firsts[1:], strict=False)]


@lru_cache(maxsize=1)
def _outline() -> np.ndarray:
    return np.array(projection.outline(), dtype=float)


def graticule(frame: Frame, step: int = 30) -> str:
    """Meridians and parallels every `step` degrees, as one path."""
    d = "".join(pathtext.texts(_graticule_rings(step), frame, closed=False))
    return el("path", {"d": d, "fill": "none", "stroke": GRATICULE, "stroke-width": 0.5})


def borders(frame: Frame, ident: str, *, antarctica: bool = True) -> str:
    """Country outlines alone (no fill), to draw over a density layer so the land stays legible."""
    d = "".join(path for c, path in zip(basemap.projected(), _country_paths(frame), strict=True)
                if (antarctica or c.iso != basemap.ANTARCTICA) and basemap.in_view(c, frame))
    return el("path", {"d": d, "fill": "none", "stroke": "#ffffff", "stroke-width": 0.5, "stroke-opacity": 0.6,
                       "clip-path": f"url(#{ident}-globe)", "class": "borders", "aria-hidden": "true"})


def ground(frame: Frame, ident: str, *, antarctica: bool = True) -> tuple[list[str], str]:
    """(defs and ground elements, the clip-path reference) for a map in `frame`."""
    clip_id, globe_id = f"{ident}-clip", f"{ident}-globe"
    outline = basemap.path_data(_outline(), frame)
    defs = el("defs", None, [
        el("clipPath", {"id": clip_id}, [
            el("rect", {"x": 0, "y": fmt(frame.top), "width": fmt(frame.width), "height": fmt(frame.height)})]),
        el("clipPath", {"id": globe_id}, [el("path", {"d": outline})])])
    lands = []
    for c, d in zip(basemap.projected(), _country_paths(frame), strict=True):
        if (c.iso == basemap.ANTARCTICA and not antarctica) or not basemap.in_view(c, frame):
            continue
        if d:
            lands.append(el("path", {"d": d, "data-iso": c.iso or None, "data-name": c.name}))
    body = el("g", {"clip-path": f"url(#{clip_id})", "class": "ground", "aria-hidden": "true"}, [
        el("path", {"d": outline, "fill": OCEAN, "stroke": "#b8c6d1", "stroke-width": 0.8}),
        graticule(frame),
        el("g", {"fill": LAND, "stroke": BORDER, "stroke-width": 0.5, "stroke-linejoin": "round", "class": "countries",
                 "clip-path": f"url(#{globe_id})"}, lands),
    ])
    return [defs, body], f"url(#{clip_id})"
