"""The base map: Natural Earth's countries at 1:110m, shipped with the package.

basemap/countries-110m.json is the file of the npm package world-atlas 2.0.2 unchanged (TopoJSON
of Natural Earth 4.1.0 "Admin 0 – Countries", public domain; see basemap/SOURCES.md). It is read
once per process: TopoJSON arcs are delta-encoded integers; a ring is a list of arc indices,
~i meaning arc i reversed. Nothing is fetched at run time: no tiles, no CDN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

from . import projection
from .frame import Frame

BASEMAP_FILE = "countries-110m.json"
ANTARCTICA = "010"  # ISO 3166-1 numeric; no city has ties there, so city maps leave it out

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Country:
    iso: str  # ISO 3166-1 numeric code as world-atlas gives it ("" for Kosovo and N. Cyprus)
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring, then holes; (lon, lat)


def _decode_arcs(topo: dict) -> list[Ring]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _ring(indices: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of the base map, in the file's order."""
    topo = json.loads(files(__package__).joinpath("basemap", BASEMAP_FILE).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    out = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"] if geom["type"] == "MultiPolygon" else []
        out.append(Country(
            iso=str(geom.get("id", "")),
            name=geom.get("properties", {}).get("name", ""),
            polygons=tuple(tuple(_ring(r, arcs) for r in poly) for poly in polys),
        ))
    return tuple(out)


def _unwrap(ring: Ring) -> list[Ring]:
    """A ring ready to project: rings across ±180° unwrapped (and drawn twice), polar rings closed along the pole.

    Natural Earth keeps Fiji and Chukotka whole across the antimeridian. Unwrapped, such a ring
    runs past 180°; drawn once as it is and once shifted by 360° and clipped to the globe's
    outline, each half lands on its own edge. A ring around a pole (Antarctica) jumps an odd
    number of times: it is closed along the pole line instead.
    """
    jumps = sum(1 for a, b in zip(ring, ring[1:], strict=False) if abs(a[0] - b[0]) > 180)
    if not jumps:
        return [ring]
    if jumps % 2:
        pole = -90.0 if sum(lat for _lon, lat in ring) < 0 else 90.0
        out: Ring = [ring[0]]
        for (lon0, _lat0), (lon1, lat1) in zip(ring, ring[1:], strict=False):
            if abs(lon1 - lon0) > 180:
                out += [(lon0, pole), (lon1, pole)]
            out.append((lon1, lat1))
        return [out]
    unwrapped: Ring = [ring[0]]
    shift = 0.0
    for (lon0, _lat0), (lon1, lat1) in zip(ring, ring[1:], strict=False):
        if lon1 - lon0 > 180:
            shift -= 360.0
        elif lon0 - lon1 > 180:
            shift += 360.0
        unwrapped.append((lon1 + shift, lat1))
    off = -360.0 if max(lon for lon, _ in unwrapped) > 180 else 360.0
    return [unwrapped, [(lon + off, lat) for lon, lat in unwrapped]]


@dataclass(frozen=True)
class Projected:
    """A country's rings projected once (Equal Earth, unit sphere), with their bounding box."""

    iso: str
    name: str
    rings: tuple[np.ndarray, ...]  # each (n, 2): x, y
    bbox: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


@lru_cache(maxsize=1)
def projected() -> tuple[Projected, ...]:
    """Every country, projected once per process: a map only scales and shifts these."""
    out = []
    for c in countries():
        rings = []
        for poly in c.polygons:
            for ring in poly:
                for r in _unwrap(ring):
                    lon, lat = np.array(r, dtype=float).T
                    x, y = projection.forward_many(lon, lat)
                    rings.append(np.stack([x, y], axis=1))
        pts = np.concatenate(rings) if rings else np.zeros((0, 2))
        bbox = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())) if len(pts) else (0, 0, 0, 0)
        out.append(Projected(c.iso, c.name, tuple(rings), bbox))
    return tuple(out)


def path_data(xy: np.ndarray, frame: Frame, *, closed: bool = True) -> str:
    """SVG path data of projected points (n, 2) in `frame`'s pixels, one decimal, repeats dropped."""
    px = np.round((xy[:, 0] - frame.x0) * frame.scale, 1)
    py = np.round(frame.top + (frame.y1 - xy[:, 1]) * frame.scale, 1)
    keep = np.concatenate(([True], (np.diff(px) != 0) | (np.diff(py) != 0)))
    if int(keep.sum()) < (3 if closed else 2):
        return ""
    pts = [f"{x:.1f} {y:.1f}" for x, y in zip(px[keep].tolist(), py[keep].tolist(), strict=True)]
    return "M" + "L".join(pts) + ("Z" if closed else "")


def project(points: list[tuple[float, float]]) -> np.ndarray:
    """(lon, lat) points as projected (n, 2) coordinates."""
    lon, lat = np.array(points, dtype=float).reshape(-1, 2).T
    x, y = projection.forward_many(lon, lat)
    return np.stack([x, y], axis=1)


def country_path(country: Projected, frame: Frame) -> str:
    """SVG path data of one country in `frame`'s pixels (to be clipped to the globe's outline)."""
    return "".join(path_data(r, frame) for r in country.rings)


def in_view(country: Projected, frame: Frame) -> bool:
    """Whether the country's bounding box meets the frame."""
    x0, y0, x1, y1 = country.bbox
    left, top = frame.px(x0, y1)
    right, bottom = frame.px(x1, y0)
    return right >= 0 and left <= frame.width and bottom >= frame.top and top <= frame.top + frame.height
