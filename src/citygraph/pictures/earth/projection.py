"""The Equal Earth projection (Šavrič, Patterson & Jenny 2018), our own few lines of it.

Equal Earth is equal-area (a country's size on the map is its size on the globe, which a
density map needs: a dense cell is dense, not merely near a pole) and looks like the familiar
Robinson. The formulas are short, so we need no PROJ: `pyproj` would add a 20 MB wheel for
ten lines; the test compares our numbers with values PROJ 9 gives for `+proj=eqearth`.

Coordinates: `forward(lon, lat)` takes degrees and returns (x, y) on the unit sphere with y
pointing north; `forward_many` does the same for numpy arrays (the world map's ~10^6 points).
"""

from __future__ import annotations

import math

import numpy as np

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3.0) / 2.0
_K = 2.0 * math.sqrt(3.0) / 3.0


def forward(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth (x, y) of a point given in degrees, on a sphere of radius 1."""
    lam = math.radians(lon)
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = _K * lam * math.cos(theta) / (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def forward_many(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`forward` for arrays of degrees."""
    lam = np.radians(lon)
    theta = np.arcsin(M * np.sin(np.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = _K * lam * np.cos(theta) / (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


# The projected world: x in [-X_MAX, X_MAX], y in [-Y_MAX, Y_MAX].
X_MAX = forward(180.0, 0.0)[0]
Y_MAX = forward(0.0, 90.0)[1]


def outline(step: float = 2.0) -> list[tuple[float, float]]:
    """The edge of the projected globe (the ±180° meridians), as one closed ring of (x, y)."""
    lats = [90.0 - i * step for i in range(int(180 / step) + 1)]
    east = [forward(180.0, lat) for lat in lats]
    west = [forward(-180.0, lat) for lat in reversed(lats)]
    return east + west
