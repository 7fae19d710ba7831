"""A time axis in years: a linear scale, round ticks, and the axis drawn as SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .style import INK, MUTED
from .svg import el, fmt

STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


@dataclass(frozen=True)
class Scale:
    start: float  # years (fractional) at x0
    end: float
    x0: float
    x1: float

    def x(self, year: float) -> float:
        return self.x0 + (year - self.start) / (self.end - self.start) * (self.x1 - self.x0)


def nice(lo: float, hi: float, width: float, min_gap: float = 55.0) -> tuple[int, int, int]:
    """(first tick, last tick, step): whole years, ticks at least `min_gap` pixels apart."""
    span = max(hi - lo, 1.0)
    step = next((s for s in STEPS if width * s / span >= min_gap), STEPS[-1])
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def scale_for(lo: float, hi: float, x0: float, x1: float) -> tuple[Scale, list[int]]:
    """A scale covering [lo, hi] (years) on round ticks, and the tick years."""
    first, last, step = nice(lo, hi, x1 - x0)
    if last <= first:
        last = first + step
    return Scale(first, last, x0, x1), list(range(first, last + 1, step))


def draw(sc: Scale, ticks: list[int], y_top: float, y_axis: float) -> str:
    """Grid lines from y_top to the axis at y_axis, tick labels below it."""
    parts = []
    for t in ticks:
        x = sc.x(t)
        parts.append(el("path", {"d": f"M{fmt(x)} {fmt(y_top)}V{fmt(y_axis)}", "stroke": "#e3e3e3", "stroke-width": 0.8}))
        parts.append(el("text", {"x": fmt(x), "y": fmt(y_axis + 14), "text-anchor": "middle", "font-size": 10, "fill": MUTED}, str(t)))
    parts.append(el("path", {"d": f"M{fmt(sc.x0)} {fmt(y_axis)}H{fmt(sc.x1)}", "stroke": INK, "stroke-width": 1}))
    return el("g", {"class": "axis", "aria-hidden": "true"}, parts)
