"""SVG path data of many rings in one pass: the text `basemap.path_data` gives each ring, byte for byte.

A map's ground is some 300 country rings and 16 graticule lines, about 13,000 points, and the
frame (so every pixel coordinate) differs from one city's map to the next. Written point by
point with Python's float formatting that took most of a city map's time. Here the whole layer
is scaled, rounded and written with array operations: each coordinate becomes its count of
tenths of a pixel, exactly as `np.round(v, 1)` rounds it (numpy multiplies by 10, rounds half to
even with `rint`, divides by 10), and its digits are laid out in a byte matrix; `f"{v:.1f}"`
prints that rounded float as those same tenths, "-0.0" included.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .frame import Frame

_M, _L, _Z, _SPACE, _DOT, _MINUS, _ZERO = (ord(c) for c in "MLZ .-0")


@dataclass(frozen=True)
class Rings:
    """Rings of projected points, end to end: `xy` (n, 2) and `starts` (one offset per ring, then n)."""

    xy: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, rings: tuple[np.ndarray, ...] | list[np.ndarray]) -> Rings:
        sizes = [len(r) for r in rings]
        xy = np.concatenate(rings) if rings else np.zeros((0, 2))
        return cls(xy, np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))).astype(np.int64))

    @cached_property
    def ring_of_point(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))


def _digits(tenths: np.ndarray) -> np.ndarray:
    """Tenths (whole floats) as fixed-width ASCII rows, right-aligned, padded with zero bytes: 12.3, -0.4, -0.0."""
    negative = np.signbit(tenths)
    a = np.abs(tenths).astype(np.int64)
    whole, frac = a // 10, a % 10
    n_digits = np.ones(len(a), dtype=np.int64)
    top = int(whole.max()) if len(a) else 0
    power = 10
    while power <= top:
        n_digits += whole >= power
        power *= 10
    width = int(n_digits.max(initial=1)) + 3  # sign, digits, point, tenth
    out = np.zeros((len(a), width), dtype=np.uint8)
    out[:, -1] = _ZERO + frac
    out[:, -2] = _DOT
    rest = whole.copy()
    for j in range(width - 3):
        out[:, -3 - j] = np.where(j < n_digits, _ZERO + rest % 10, 0)
        rest //= 10
    rows = np.nonzero(negative)[0]
    out[rows, width - 3 - n_digits[rows]] = _MINUS
    return out


def texts(rings: Rings, frame: Frame, *, closed: bool = True) -> list[str]:
    """Each ring's path data in `frame`'s pixels: what `basemap.path_data(ring, frame, closed=…)` gives."""
    n_rings = len(rings.starts) - 1
    if not len(rings.xy):
        return [""] * n_rings
    # the same arithmetic, element by element, as path_data: np.round(v, 1) is rint(v * 10) / 10
    tx = np.rint((rings.xy[:, 0] - frame.x0) * frame.scale * 10)
    ty = np.rint((frame.top + (frame.y1 - rings.xy[:, 1]) * frame.scale) * 10)
    first = np.zeros(len(tx), dtype=bool)
    first[rings.starts[:-1][np.diff(rings.starts) > 0]] = True
    keep = first.copy()
    keep[1:] |= (tx[1:] != tx[:-1]) | (ty[1:] != ty[:-1])
    counted = np.concatenate(([0], np.cumsum(keep)))
    enough = (counted[rings.starts[1:]] - counted[rings.starts[:-1]]) >= (3 if closed else 2)
    shown = keep & enough[rings.ring_of_point]
    rows = np.nonzero(shown)[0]
    if not len(rows):
        return [""] * n_rings
    ring = rings.ring_of_point[rows]
    last = np.ones(len(rows), dtype=bool)
    last[:-1] = ring[1:] != ring[:-1]
    lead = np.where(first[rows], _M, _L).astype(np.uint8)[:, None]
    tail = (np.where(last, _Z, 0) if closed else np.zeros(len(rows))).astype(np.uint8)[:, None]
    space = np.full((len(rows), 1), _SPACE, dtype=np.uint8)
    matrix = np.hstack([lead, _digits(tx[rows]), space, _digits(ty[rows]), tail])
    flat = matrix.ravel()
    text = flat[flat != 0].tobytes().decode("ascii")
    ends = np.cumsum(np.count_nonzero(matrix, axis=1))
    out = [""] * n_rings
    first_row = np.nonzero(np.concatenate(([True], ring[1:] != ring[:-1])))[0]
    bounds = np.concatenate(([0], ends))
    for i, j in zip(first_row.tolist(), np.append(first_row[1:], len(rows)).tolist(), strict=True):
        out[int(ring[i])] = text[int(bounds[i]):int(bounds[j])]
    return out
