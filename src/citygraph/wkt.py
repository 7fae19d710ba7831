"""WKT points: the one reader of `POINT(lon lat)` (GeoSPARQL) and `Point(lon lat)` (Wikidata).

Every module that reads a coordinate goes through `read_point`, so the graph, the link to
Wikidata, the exports, the pages and the pictures agree on what a point is.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# An optional CRS IRI first (GeoSPARQL; Wikidata writes the globe there for points off Earth).
_POINT = re.compile(rf"^\s*(?:<([^>]*)>\s*)?POINT\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)\s*$", re.IGNORECASE)


class WktPoint(NamedTuple):
    lon: str   # the numbers as written, so exports copy them without rounding
    lat: str
    crs: str | None  # the CRS IRI written before the point, None for the default (WGS 84 lon/lat)

    @property
    def lonlat(self) -> tuple[float, float]:
        return float(self.lon), float(self.lat)

    @property
    def on_globe(self) -> bool:
        lon, lat = self.lonlat
        return -180 <= lon <= 180 and -90 <= lat <= 90


def read_point(wkt: str | None) -> WktPoint | None:
    """The point a WKT literal's text holds, None if it is not a single point."""
    m = _POINT.match(wkt or "")
    return WktPoint(m.group(2), m.group(3), m.group(1)) if m else None


def parse_point(wkt: str | None) -> tuple[float, float] | None:
    """(lon, lat) of a WKT point, None if the text is not one."""
    point = read_point(wkt)
    return point.lonlat if point else None


def wkt_literal_text(lon: object, lat: object) -> str:
    """The text of a GeoSPARQL point literal, as the graph writes it."""
    return f"POINT({lon} {lat})"


__all__ = ["WktPoint", "read_point", "parse_point", "wkt_literal_text"]
