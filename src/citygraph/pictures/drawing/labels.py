"""Placing point labels without overlaps: a greedy search over positions around each point.

Each label tries eight directions at growing distances; the first box that stays inside the
picture and clears every placed label and every marker wins. Far positions get a thin leader
line to their point. Crowded points choose first, so they get the near places. Deterministic:
the order is fixed by (crowding, key).
"""

from __future__ import annotations

from dataclasses import dataclass

from .style import text_width

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
RADII = (5.0, 11.0, 19.0, 29.0, 41.0, 55.0, 72.0)
# (dx, dy) unit directions: east, west, north-east, south-east, north-west, south-west, north, south
DIRECTIONS = ((1, 0), (-1, 0), (0.7, -0.7), (0.7, 0.7), (-0.7, -0.7), (-0.7, 0.7), (0, -1), (0, 1))


@dataclass(frozen=True)
class Placed:
    x: float  # text anchor point (start of the baseline)
    y: float
    box: Box
    leader: tuple[float, float, float, float] | None  # from the point to the box's near edge


def _box(px: float, py: float, d: tuple[float, float], r: float, w: float, h: float) -> Box:
    dx, dy = d
    cx = px + dx * (r + w / 2) if dx else px
    cy = py + dy * (r + h / 2) if dy else py
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _hits(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, bounds: Box) -> bool:
    return a[0] >= bounds[0] and a[1] >= bounds[1] and a[2] <= bounds[2] and a[3] <= bounds[3]


def _nearest_edge(px: float, py: float, box: Box) -> tuple[float, float]:
    return min(max(px, box[0]), box[2]), min(max(py, box[1]), box[3])


def place(items: list[tuple[str, float, float, str]], obstacles: list[Box], bounds: Box, size: float = 10) -> dict[str, Placed]:
    """Labels for (key, x, y, text) items; a key missing from the answer found no free place."""
    h = size * 1.15

    def crowding(item: tuple[str, float, float, str]) -> int:
        return sum(1 for o in items if o is not item and abs(o[1] - item[1]) < 60 and abs(o[2] - item[2]) < 30)

    order = sorted(items, key=lambda it: (-crowding(it), it[0]))
    taken: list[Box] = list(obstacles)
    out: dict[str, Placed] = {}
    for key, px, py, label in order:
        w = text_width(label, size) + 2
        for r in RADII:
            found = None
            for d in DIRECTIONS:
                box = _box(px, py, d, r, w, h)
                if _inside(box, bounds) and not any(_hits(box, t) for t in taken):
                    found = box
                    break
            if found:
                leader = None
                if r > RADII[0]:
                    ex, ey = _nearest_edge(px, py, found)
                    leader = (px, py, ex, ey)
                out[key] = Placed(found[0] + 1, found[3] - h * 0.25, found, leader)
                taken.append(found)
                break
    return out
