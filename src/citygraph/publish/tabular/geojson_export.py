"""ties.geojson: each tie a line between its parties' points (RFC 7946), with the CSV's properties.

A LineString from the first party's point to the second's; where the shorter way crosses the
antimeridian (the parties are more than 180 degrees of longitude apart), a MultiLineString of
two parts meeting at longitude 180/-180, as RFC 7946 section 3.1.9 asks. A tie whose parties
lack a point has a null geometry: still one feature per tie. Coordinates are the WKT numbers
of the graph, as floats.
"""

from __future__ import annotations

import json
from pathlib import Path

from .tables import Tables

NAME = "ties.geojson"


def split_at_antimeridian(a: tuple[float, float], b: tuple[float, float]) -> list[list[list[float]]]:
    """The line a-b as one part, or two parts meeting at the antimeridian if the short way crosses it."""
    (lon_a, lat_a), (lon_b, lat_b) = a, b
    if abs(lon_b - lon_a) <= 180:
        return [[[lon_a, lat_a], [lon_b, lat_b]]]
    shifted = lon_b + 360 if lon_b < lon_a else lon_b - 360  # b seen from a, the short way
    edge = 180.0 if shifted > lon_a else -180.0
    lat = lat_a + (lat_b - lat_a) * (edge - lon_a) / (shifted - lon_a)
    return [[[lon_a, lat_a], [edge, lat]], [[-edge, lat], [lon_b, lat_b]]]


def _point(place: dict) -> tuple[float, float] | None:
    try:
        return float(place["longitude"]), float(place["latitude"])
    except (KeyError, ValueError):
        return None


def feature(tie: dict, places: dict[str, dict]) -> dict:
    a, b = _point(places.get(tie["party_a_iri"], {})), _point(places.get(tie["party_b_iri"], {}))
    geometry = None
    if a and b:
        parts = split_at_antimeridian(a, b)
        geometry = ({"type": "LineString", "coordinates": parts[0]} if len(parts) == 1
                    else {"type": "MultiLineString", "coordinates": parts})
    return {"type": "Feature", "id": tie["tie"], "geometry": geometry, "properties": dict(tie)}


def geojson_bytes(t: Tables) -> bytes:
    places = {p["place"]: p for p in t.places}
    doc = {"type": "FeatureCollection", "features": [feature(tie, places) for tie in t.ties]}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write(t: Tables, folder: Path) -> None:
    (Path(folder) / NAME).write_bytes(geojson_bytes(t))
