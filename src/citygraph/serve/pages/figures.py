"""The pictures inside the pages: a city's map and ties timeline, a tie's timeline, the world's
growth chart and map on the landing page.

They come from `citygraph.pictures` (our own SVG: every label in it is escaped there), drawn
from the local store in a worker thread with links mapped onto this server's own paths
(`Site.href`). The world pictures take about 1.5 s, so each process draws them once and keeps
them. Over `--endpoint` there is no local store: no picture, and the page says so.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from ... import pictures
from ...errors import CitygraphError
from ..http.backend import LocalBackend
from ..site import Site

NO_STORE = ("Maps and timelines are drawn from a local graph; this server reads an external SPARQL endpoint, "
            "so they are not shown here (draw them with citygraph picture where the graph is built).")


@dataclass
class Shown:
    """What goes into a page's picture slot: SVG documents (without the XML declaration) or a note."""

    svgs: list[str] = field(default_factory=list)
    note: str | None = None


_world_lock = threading.Lock()


def store_of(site: Site) -> ox.Store | None:
    return site.backend.store if isinstance(site.backend, LocalBackend) else None


def inline(svg: bytes) -> str:
    """An SVG document as an element to put inside HTML: the XML declaration dropped."""
    text = svg.decode("utf-8")
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    return text.strip()


def _draw(store: ox.Store, site: Site, asks: list[tuple[str, dict]]) -> list[str]:
    out = []
    for kind, kw in asks:
        try:
            # the local store is read-only while the server runs: whole-graph facts are worked out once
            out.append(inline(pictures.render(kind, store, link=site.href, fixed=True, **kw)))
        except CitygraphError:
            continue  # e.g. a place without coordinates: the page shows its tables, without this picture
    return out


def _world_svgs(store: ox.Store, site: Site) -> list[str]:
    with _world_lock:  # one drawing per site (per process), however many first requests arrive together
        if "world" not in site.drawn:
            site.drawn["world"] = _draw(store, site, [("growth", {"ident": "cg-growth"}), ("map", {"ident": "cg-world"})])
        return site.drawn["world"]


async def for_landing(site: Site) -> Shown:
    store = store_of(site)
    if store is None:
        return Shown(note=NO_STORE)
    return Shown(await run_in_threadpool(_world_svgs, store, site))


async def for_page(site: Site, iri: str, *, city: bool, tie: bool) -> Shown:
    """A city's map and ties timeline, or a tie's timeline; nothing for other pages."""
    asks: list[tuple[str, dict]] = []
    if city:
        asks += [("map", {"city": iri, "ident": "cg-map"}), ("timeline", {"city": iri, "ident": "cg-ties"})]
    if tie:
        asks.append(("timeline", {"tie": iri, "ident": "cg-timeline"}))
    if not asks:
        return Shown()
    store = store_of(site)
    if store is None:
        return Shown(note=NO_STORE)
    return Shown(await run_in_threadpool(_draw, store, site, asks))
