"""Great circles: points along the shortest path between two places, split at the antimeridian.

A straight line on a flat map is not the route between two cities; the great circle is. Its
points are spherical linear interpolation (slerp) of the two unit vectors. Where the path
crosses the ±180° meridian (Nanjing to St. Louis goes over the Pacific), it leaves the map on
one edge and comes back on the other: `split_antimeridian` cuts it there, adding the crossing
point on both sides so neither piece stops short of the edge.
"""

from __future__ import annotations

import numpy as np

LonLat = tuple[float, float]


def great_circle(a: LonLat, b: LonLat, step: float = 1.0) -> list[LonLat]:
    """Points from a to b along the great circle, at most `step` degrees apart (both ends included)."""
    _arc, lon, lat = sample_many(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]), step)
    out = list(zip(lon.tolist(), lat.tolist(), strict=True))
    out[0], out[-1] = a, b
    return out


def split_antimeridian(points: list[LonLat]) -> list[list[LonLat]]:
    """Cut a path wherever a step jumps across ±180° of longitude; each piece ends on the edge."""
    pieces: list[list[LonLat]] = [[points[0]]] if points else []
    for (lon0, lat0), (lon1, lat1) in zip(points, points[1:], strict=False):
        if abs(lon1 - lon0) > 180:
            edge = 180.0 if lon0 > 0 else -180.0
            shifted = lon1 + (360 if lon0 > 0 else -360)  # lon1 seen from lon0's side
            t = (edge - lon0) / (shifted - lon0) if shifted != lon0 else 0.5
            lat = lat0 + t * (lat1 - lat0)
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((lon1, lat1))
    return pieces


def sample_many(a_lon: np.ndarray, a_lat: np.ndarray, b_lon: np.ndarray, b_lat: np.ndarray,
                step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along many great circles at once: (arc index, lon, lat) arrays, ends included."""
    la, lo = np.radians(a_lat), np.radians(a_lon)
    va = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
    la, lo = np.radians(b_lat), np.radians(b_lon)
    vb = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
    omega = np.arctan2(np.linalg.norm(np.cross(va, vb), axis=1), np.einsum("ij,ij->i", va, vb))
    n = np.maximum(1, np.ceil(np.degrees(omega) / step)).astype(np.int64)
    arc = np.repeat(np.arange(len(n)), n + 1)
    starts = np.repeat(np.cumsum(n + 1) - (n + 1), n + 1)
    t = (np.arange(len(arc)) - starts) / np.repeat(n, n + 1)
    om = omega[arc]
    safe = np.where(om < 1e-9, 1.0, np.sin(om))
    wa = np.where(om < 1e-9, 1 - t, np.sin((1 - t) * om) / safe)
    wb = np.where(om < 1e-9, t, np.sin(t * om) / safe)
    v = va[arc] * wa[:, None] + vb[arc] * wb[:, None]
    lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    lat = np.degrees(np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1])))
    return arc, lon, lat
