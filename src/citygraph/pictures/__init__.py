"""Pictures of the graph: maps, timelines and growth charts as SVG, PNG and interactive HTML.

Offline and deterministic: the base map ships with the package (basemap/), nothing is fetched,
and the same graph gives the same bytes. The one entry point is `render`:

    >>> from citygraph import cache, pictures
    >>> svg = pictures.render("map", cache.built_store(), city="Nanjing")   # doctest: +SKIP

Kinds: "map" (a place's ties, or the whole world as a density map), "timeline" (one tie's
events, or all ties of a place as rows), "growth" (ties formed per year and in total, for the
world, a country or a place). Formats: "svg", "png", "html".
"""

from __future__ import annotations

from .render import FORMATS, KINDS, render

__all__ = ["render", "KINDS", "FORMATS"]
