"""The pictures of the pages as resources of their own, and the slots the pages show them in.

A city page shows its map and ties timeline, a tie page its timeline, the landing page the
world's growth chart and map. They are drawn by `citygraph.pictures` (our own SVG: every label
in it is escaped there) from the local store, with links mapped onto this server's own paths
(`Site.href`), but not inside the page's request: the page carries a slot per picture naming
its address, and the browser asks for it (static/pictures.js inlines the SVG so its links work;
without JavaScript an `<img>` shows it). So a page costs its graph reads and its template, and
a picture is a request of its own, kept per process like the pages.

Addresses (under `/pictures/`, which no minted IRI uses: a page's picture is the page's path
followed by the picture's name):

    /pictures/id/place/Q16666/map.svg                   a place's map of its partners
    /pictures/id/place/Q16666/ties.svg                  its ties as timeline rows
    /pictures/id/partnership/Q11751-Q16666/timeline.svg a tie's events
    /pictures/growth.svg, /pictures/world.svg           the world's growth chart and map

A picture that cannot be drawn (a place without coordinates, a path naming no place) is a 404;
the pages only show slots for pictures they can have. The world pictures take about 1.5 s, so
each process draws them once, at start-up (`warm`). Over `--endpoint` there is no local store:
no slot, a note.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ... import pictures
from ...errors import CitygraphError
from ...namespaces import GEO
from ...query.terms import sparql_term
from ..http.backend import LocalBackend
from ..http.responses import send
from ..site import Site

NO_STORE = ("Maps and timelines are drawn from a local graph; this server reads an external SPARQL endpoint, "
            "so they are not shown here (draw them with citygraph picture where the graph is built).")
ROOT = "/pictures"
SVG = "image/svg+xml"
# an SVG opened on its own is a document of this origin: it may style itself, nothing more
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Content-Type-Options": "nosniff"}

# name -> (kind, the argument the page's IRI is given as, the id prefix inside the SVG)
OF_PAGE = {"map": ("map", "city", "cg-map"), "ties": ("timeline", "city", "cg-ties"), "timeline": ("timeline", "tie", "cg-timeline")}
WORLD = {"growth": ("growth", "cg-growth"), "world": ("map", "cg-world")}


@dataclass
class Slot:
    """A picture's place in a page: its address, a text for who cannot see it, its id prefix."""

    url: str
    alt: str
    ident: str


@dataclass
class Shown:
    """A page's picture slots, or a note saying why it has none."""

    slots: list[Slot] = field(default_factory=list)
    note: str | None = None


_world_lock = threading.Lock()


def store_of(site: Site) -> ox.Store | None:
    return site.backend.store if isinstance(site.backend, LocalBackend) else None


def for_landing(site: Site) -> Shown:
    if store_of(site) is None:
        return Shown(note=NO_STORE)
    return Shown([Slot(f"{ROOT}/growth.svg", "Chart: sister-city ties formed per year and in total, worldwide", "cg-growth"),
                  Slot(f"{ROOT}/world.svg", "World map: where the tied places are, the most tied marked", "cg-world")])


def for_page(site: Site, path: str, title: str, *, city: bool, located: bool, tie: bool) -> Shown:
    """A city's map (when it has coordinates) and ties timeline, or a tie's timeline; nothing for other pages."""
    names = (["map"] if city and located else []) + (["ties"] if city else []) + (["timeline"] if tie else [])
    if not names:
        return Shown()
    if store_of(site) is None:
        return Shown(note=NO_STORE)
    alts = {"map": f"Map: {title} and its partners", "ties": f"Timeline: the ties of {title}, one row each",
            "timeline": f"Timeline: the events of {title}"}
    return Shown([Slot(f"{ROOT}{path}/{name}.svg", alts[name], OF_PAGE[name][2]) for name in names])


def located(store: ox.Store, iri: str) -> bool:
    """Whether the place has coordinates (a centroid with a WKT point), as its page reads them (pages/facts.py)."""
    text = f"ASK {{ {sparql_term(ox.NamedNode(iri))} {GEO.hasCentroid}/{GEO.asWKT} ?w }}"
    return bool(store.query(text, use_default_graph_as_union=True))


def _draw_world(store: ox.Store, site: Site, name: str) -> bytes:
    with _world_lock:  # one drawing per site (per process), however many first requests arrive together
        if name not in site.drawn:
            kind, ident = WORLD[name]
            site.drawn[name] = pictures.render(kind, store, link=site.href, fixed=True, ident=ident)
        return site.drawn[name]


async def warm(site: Site) -> None:
    """Draw the world pictures at start-up (about 1.5 s on the world build, once per process): no
    visitor waits for them, and the per-process parts every map shares (the projected basemap,
    every tie's status) are ready before the first city's map is asked for."""
    store = store_of(site)
    if store is None:
        return
    for name in WORLD:
        try:
            await run_in_threadpool(_draw_world, store, site, name)
        except CitygraphError:
            continue  # a graph the pictures cannot draw: /pictures/… answers 404, the server runs


def _draw(store: ox.Store, site: Site, rest: str) -> bytes | None:
    """The picture at /pictures/<rest>, or None when there is none."""
    name, dot, suffix = rest.rpartition("/")[2].partition(".")
    if dot != "." or suffix != "svg":
        return None
    if rest == name + ".svg":
        return _draw_world(store, site, name) if name in WORLD else None
    if name not in OF_PAGE:
        return None
    kind, arg, ident = OF_PAGE[name]
    iri = site.iri_for(rest.rsplit("/", 1)[0])
    try:
        ox.NamedNode(iri)  # a valid IRI, or no picture
    except ValueError:
        return None
    if name == "map" and not located(store, iri):
        return None  # the partners' marks without the place itself would be a map of somewhere else
    try:
        # the local store is read-only while the server runs: whole-graph facts are worked out once
        return pictures.render(kind, store, link=site.href, fixed=True, ident=ident, **{arg: iri})
    except CitygraphError:
        return None  # not a place, no coordinates, not a tie: no picture


_drawing = threading.Lock()  # one drawing at a time per process, whatever the number of requests for pictures


def _draw_one_at_a_time(store: ox.Store, site: Site, rest: str) -> bytes | None:
    """Draw in this worker thread, one picture at a time per process: drawing is Python (the GIL),
    so eight drawings at once would take eight shares of the process from the pages' requests;
    one at a time leaves the pages their turn, and the pictures wait for each other instead."""
    with _drawing:
        return _draw(store, site, rest)


async def picture(request: Request) -> Response:
    """GET /pictures/…: an SVG with an ETag (304 when unchanged), kept per process; 404 when there is none."""
    site: Site = request.app.state.site
    rest = request.path_params["rest"]
    store = store_of(site)
    key = (ROOT, rest)
    body = site.kept.get(key) if site.kept is not None else None
    if body is None and store is not None:
        body = await run_in_threadpool(_draw_one_at_a_time, store, site, rest)
        if body is not None and site.kept is not None:
            site.kept.put(key, body)
    if body is None:
        why = "no local graph to draw from (this server reads an external endpoint)" if store is None else "no such picture"
        return Response(f"citygraph: error: {ROOT}/{rest}: {why}\n", status_code=404, media_type="text/plain; charset=utf-8")
    return send(request, body, SVG, negotiated=False, headers=HEADERS)
