"""Colours, dashes and marker shapes: one place, chosen to survive colour blindness and grey print.

Status colours are from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
distinguishable with every common form of colour blindness; each status also has its own
marker shape, and each kind of tie its own dash, so nothing is told by colour alone. The
density ramp is viridis (van der Walt & Smith), perceptually uniform and readable in
greyscale: the eight colours of viridisLite's `viridis(8)`, lightest (fewest ties) first.
"""

from __future__ import annotations

from .svg import el, fmt

STATUS_COLOUR = {
    "active": "#0072B2",       # blue
    "preliminary": "#009E73",  # bluish green
    "suspended": "#E69F00",    # orange
    "ended": "#CC79A7",        # reddish purple
    "not-started": "#BBBBBB",  # light grey: a tie whose first act lies ahead
    "unknown": "#7F7F7F",      # grey: the sources allow more than one status, or date none
}
STATUS_TEXT = {
    "active": "active",
    "preliminary": "preliminary stage",
    "suspended": "suspended",
    "ended": "ended",
    "not-started": "not yet started",
    "unknown": "status unknown (the sources allow more than one, or date none)",
}
KIND_DASH = {"formal": None, "preliminary": "6 3", "unnamed": "1.5 2.5"}
KIND_TEXT = {"formal": "formal tie (sister city, twin town, friendship city)", "preliminary": "friendship-and-cooperation stage",
             "unnamed": "tie of unnamed kind"}

VIRIDIS = ["#fde725", "#a0da39", "#4ac16d", "#1fa187", "#277f8e", "#365c8d", "#46327e", "#440154"]
OCEAN = "#eef4f8"
LAND = "#dcdcdc"
BORDER = "#ffffff"
GRATICULE = "#d2dde6"
INK = "#222222"
MUTED = "#555555"
HALO = "#ffffff"


def marker(status: str, x: float, y: float, r: float = 3.6) -> str:
    """The mark of a place with a tie of this status: circle, diamond, square, cross, ring."""
    colour = STATUS_COLOUR[status]
    common = {"stroke": "#ffffff", "stroke-width": 0.8}
    if status == "preliminary":
        d = f"M{fmt(x)} {fmt(y - r * 1.3)}L{fmt(x + r * 1.3)} {fmt(y)}L{fmt(x)} {fmt(y + r * 1.3)}L{fmt(x - r * 1.3)} {fmt(y)}Z"
        return el("path", {"d": d, "fill": colour, **common})
    if status == "suspended":
        return el("rect", {"x": fmt(x - r), "y": fmt(y - r), "width": fmt(2 * r), "height": fmt(2 * r), "fill": colour, **common})
    if status == "ended":
        k = r * 1.1
        d = f"M{fmt(x - k)} {fmt(y - k)}L{fmt(x + k)} {fmt(y + k)}M{fmt(x - k)} {fmt(y + k)}L{fmt(x + k)} {fmt(y - k)}"
        return el("path", {"d": d, "stroke": colour, "stroke-width": 2.2, "fill": "none"})
    if status in ("unknown", "not-started"):
        return el("circle", {"cx": fmt(x), "cy": fmt(y), "r": fmt(r * 0.9), "fill": "#ffffff", "stroke": colour, "stroke-width": 1.6})
    return el("circle", {"cx": fmt(x), "cy": fmt(y), "r": fmt(r), "fill": colour, **common})


def halo_text(x: float, y: float, content: str, *, size: float = 10, anchor: str = "start", weight: str | None = None,
              fill: str = INK) -> str:
    """A label with a white halo (drawn twice: a thick white stroke under the fill), so it reads over lines."""
    a = {"x": fmt(x), "y": fmt(y), "font-size": fmt(size), "text-anchor": anchor, "font-weight": weight}
    under = el("text", {**a, "fill": HALO, "stroke": HALO, "stroke-width": 2.6, "stroke-linejoin": "round", "aria-hidden": "true"}, content)
    return under + el("text", {**a, "fill": fill}, content)


def text_width(content: str, size: float) -> float:
    """An estimate of a label's width in DejaVu Sans: ~0.6 em a Latin letter, 1 em a CJK one."""
    return sum(size * (1.0 if ord(c) > 0x2E80 else 0.6) for c in content)
