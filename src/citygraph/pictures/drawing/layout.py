"""What every picture shares: the title band, the legend row, the credit line, link hrefs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...namespaces import BASE
from .style import INK, MUTED, text_width
from .svg import el, esc, fmt

Link = Callable[[str], str]

TITLE_BAND = 46.0
CREDIT = ("Data: citygraph (the Nanjinger sister-cities article; Wikidata P190 extracts, CC0). "
          "Base map: Natural Earth (public domain). Equal Earth projection.")


def iri_link(iri: str) -> str:
    """The default link: the IRI itself (w3id.org resolves it)."""
    return iri


def base_link(base: str) -> Link:
    """Links to a server at `base`: https://w3id.org/citygraph/id/place/Q1 -> {base}/id/place/Q1."""
    base = base.rstrip("/")

    def link(iri: str) -> str:
        return base + "/" + iri[len(BASE):] if iri.startswith(BASE) else iri
    return link


def title_band(width: float, heading: str, subheading: str, ident: str) -> str:
    return el("g", {"class": "heading", "aria-hidden": "true"}, [
        el("text", {"x": 12, "y": 20, "font-size": 15, "font-weight": "bold", "fill": INK}, heading),
        el("text", {"x": 12, "y": 37, "font-size": 10.5, "fill": MUTED}, subheading),
    ])


def legend_row(items: Sequence[tuple[str, str]], x: float, y: float, width: float, size: float = 10) -> tuple[str, float]:
    """Legend entries (swatch SVG drawn at 0,0; text) in rows within `width`; returns (svg, height)."""
    parts, cx, cy = [], x, y
    for swatch, label in items:
        w = 22 + text_width(label, size) + 14
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 16
        parts.append(el("g", {"transform": f"translate({fmt(cx)} {fmt(cy)})"}, [
            swatch, el("text", {"x": 16, "y": 3.5, "font-size": fmt(size), "fill": INK}, label)]))
        cx += w
    return el("g", {"class": "legend", "aria-hidden": "true"}, parts), cy - y + 16


def credit(x: float, y: float, text: str = CREDIT) -> str:
    return el("text", {"x": fmt(x), "y": fmt(y), "font-size": 8.5, "fill": MUTED, "class": "credit"}, text)


def anchor(href: str, a: dict, children: Sequence[str]) -> str:
    """A link around marks (SVG 2 `href`), with the data attributes `a`."""
    return el("a", {"href": href, **a}, children)


__all__ = ["Link", "iri_link", "base_link", "title_band", "legend_row", "credit", "anchor", "esc"]
