"""`render(kind, store, ...)`: the one call behind the CLI, the build and the server's pages."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import BadInput
from . import facts, html, places
from .charts import citymap, growth, timeline, worldmap
from .drawing import layout
from .drawing.layout import Link

KINDS = ("map", "timeline", "growth")
FORMATS = ("svg", "png", "html")


def render(kind: str, store: ox.Store, *, city: str | None = None, tie: str | None = None, fmt: str = "svg",
           link: Link = layout.iri_link, ident: str | None = None, fixed: bool = False) -> bytes:
    """One picture as bytes.

    kind: "map", "timeline" or "growth". city: a QID, place:Q…, a place IRI or an exact label.
    tie: a partnership IRI (or partnership:Q…-Q…), for a timeline. fmt: "svg", "png" or "html".
    link: turns an IRI into the href of its page (default: the IRI itself; see layout.base_link).
    ident: the prefix of ids inside the SVG (default "cg-<kind>"), for several pictures in one page.
    fixed: the store does not change while this process runs (the server's read-only store): what
    depends on the whole graph (every tie's status) is worked out once per store and kept.
    The bytes are the same either way.
    """
    if kind not in KINDS:
        raise BadInput(f"picture kind {kind!r}: choose one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise BadInput(f"picture format {fmt!r}: choose one of {', '.join(FORMATS)}")
    ident = ident or f"cg-{kind}"
    svg = _svg(kind, store, city=city, tie=tie, link=link, ident=ident, fixed=fixed)
    if fmt == "png":
        from . import png  # lazy: the PNG renderer is a large native library
        return png.from_svg(svg)
    if fmt == "html":
        return html.page(svg)
    return svg


def _svg(kind: str, store: ox.Store, *, city: str | None, tie: str | None, link: Link, ident: str, fixed: bool) -> bytes:
    if kind == "map":
        if tie is not None:
            raise BadInput("--tie: a map shows a place's ties or the world; give --city, or use `picture timeline --tie`")
        if city is None:
            return worldmap.render(store, link=link, ident=ident)
        place = places.resolve(store, city)
        return citymap.render(place, facts.ties_of(store, place.iri, fixed=fixed), link=link, ident=ident)
    if kind == "timeline":
        if tie is not None:
            found = facts.tie(store, places.resolve_tie(tie), fixed=fixed)
            if found is None:
                raise BadInput(f"--tie {tie!r}: no partnership with two parties has this IRI; list them with `citygraph query partners`")
            return timeline.render_tie(found, link=link, ident=ident)
        if city is None:
            raise BadInput("a timeline needs --city (all its ties) or --tie (one tie)")
        place = places.resolve(store, city)
        return timeline.render_city(place, facts.ties_of(store, place.iri, fixed=fixed), link=link, ident=ident)
    return growth.render(store, city=city, link=link, ident=ident)
