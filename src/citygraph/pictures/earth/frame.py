"""The frame of a picture: projected map coordinates -> SVG user units (pixels).

A map shows a window of the projected plane (x east, y north, unit sphere) in a box of
`width` × `height` pixels with y pointing down. `fit` chooses the window that holds a set
of projected points with a margin, never more than the whole world.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import projection


@dataclass(frozen=True)
class Frame:
    x0: float  # projected x at the left edge
    y1: float  # projected y at the top edge
    scale: float  # pixels per projected unit
    width: float
    height: float
    top: float = 0.0  # pixels above the map (title band)

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, self.top + (self.y1 - y) * self.scale

    def lonlat(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixels of a point in degrees (longitudes past ±180° continue beyond the globe's edge)."""
        return self.px(*projection.forward(lon, lat))


def world(width: float, top: float = 0.0) -> Frame:
    """The whole projected globe, `width` pixels wide."""
    scale = width / (2 * projection.X_MAX)
    return Frame(-projection.X_MAX, projection.Y_MAX, scale, width, 2 * projection.Y_MAX * scale, top)


def fit(points: Iterable[tuple[float, float]], width: float, *, margin: float = 0.08,
        min_span: float = 0.35, top: float = 0.0) -> Frame:
    """The smallest window around projected `points` (plus a margin), `width` pixels wide.

    The window is at least `min_span` projected units wide (about 20° of longitude), at least
    0.35 of its width high, and it never reaches beyond the globe's bounding box.
    """
    pts = list(points)
    if not pts:
        return world(width, top)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    xmin, xmax, ymin, ymax = min(xs), max(xs), min(ys), max(ys)
    span_x = max(xmax - xmin, min_span)
    span_y = max(ymax - ymin, min_span * 0.5)
    pad = margin * max(span_x, span_y)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half_w = min(span_x / 2 + pad, projection.X_MAX)
    half_h = min(max(span_y / 2 + pad, half_w * 0.35), projection.Y_MAX)
    cx = min(max(cx, -projection.X_MAX + half_w), projection.X_MAX - half_w)
    cy = min(max(cy, -projection.Y_MAX + half_h), projection.Y_MAX - half_h)
    scale = width / (2 * half_w)
    return Frame(cx - half_w, cy + half_h, scale, width, 2 * half_h * scale, top)
