"""Linked-data pages for every IRI the dataset mints, `/search`, and the 404 page.

`/id/place/Q16666` is the page of `<base>id/place/Q16666`. A browser gets HTML; a client
asking for Turtle, N-Triples, JSON-LD or RDF/XML (by Accept, or by a `.ttl`/`.nt`/`.jsonld`/
`.rdf` suffix) gets the `describe` answer: every triple with the IRI as subject or object.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ...query.results import Result
from ..http import media
from ..http.backend import TooLarge
from ..http.responses import send
from ..site import Site
from . import facts as F
from . import figures, schemaorg
from .render import render, term_html

PAGE_ROOTS = ("id", "vocab", "ontology", "graph", "dataset")
_FIRST = [F.RDF_TYPE, F.RDFS_LABEL, F.SKOS_ALT]


def alternates(path: str) -> list[tuple[str, str]]:
    return [(path + f.suffix, f.media_type) for f in media.FORMATS if f.kind == "graph" and f.suffix]


async def resource(request: Request) -> Response:
    site: Site = request.app.state.site
    path, by_suffix = media.split_suffix(request.url.path)
    fmt = by_suffix or media.negotiate(request.headers.get("accept"), ("html", "graph"), default="html")
    if fmt is None:
        return not_acceptable(request, ("html", "graph"))
    key = (path, fmt.name)
    body = site.kept.get(key) if site.kept is not None else None
    if body is None:
        text = await render_resource(site, path, fmt)
        if text is None:
            return await not_found(request, path)
        body = text.encode("utf-8")
        if site.kept is not None:
            site.kept.put(key, body)
    return send(request, body, fmt.content_type, links=alternates(path), negotiated=by_suffix is None)


async def render_resource(site: Site, path: str, fmt: media.Format) -> str | None:
    """The page of the IRI at `path` in `fmt` (HTML or an RDF format); None when the graph does not know it."""
    iri = site.iri_for(path)
    html = fmt.kind != "graph"
    # an HTML page shows at most MAX_INCOMING incoming links: it reads no more, so its queries are small
    # and run as a page's (Site.ask_for_page); the RDF answers read every triple, as any query does
    facts = await F.gather(site.ask_for_page if html else site.ask, iri, shown_incoming=F.MAX_INCOMING if html else None)
    if facts is None:
        return None
    if not html:
        if facts.truncated:
            raise TooLarge(f"{iri} is in more than {site.limits.max_rows:,} triples; ask /sparql for them with LIMIT and OFFSET")
        assert fmt.writer is not None
        return fmt.writer(Result(form="CONSTRUCT", triples=facts.triples))
    if facts.kind() == "ontology" and path == "/ontology":
        facts.extra["terms"] = await F.ontology_terms(site.ask_for_page)
    partners, history = facts.extra.get("partners"), facts.extra.get("history")
    # the pictures are requests of their own (serve/pages/figures.py): the page names them
    shown = figures.for_page(site, path, facts.label(), city=bool(partners is not None and partners.rows), located=facts.wkt is not None,
                             tie=bool(history is not None and history.rows))
    return render("resource.html", **page_context(site, facts, path), pictures=shown.slots, picture_note=shown.note)


def page_context(site: Site, facts: F.Facts, path: str) -> dict:
    def show(term):
        return term_html(term, facts.labels, site.href)

    url = facts.iri  # the canonical address (the same page from every replica, so the same ETag)
    return {
        "title": facts.label(), "iri": facts.iri, "kind": facts.kind(), "path": path, "show": show,
        "types": sorted(facts.types, key=lambda t: facts.label(t)),
        "facts": grouped(facts.outgoing, facts), "incoming": incoming(facts),
        "incoming_total": facts.incoming_total, "max_incoming": F.MAX_INCOMING, "truncated": facts.truncated,
        "partners": facts.extra.get("partners"), "history": facts.extra.get("history"),
        "terms": facts.extra.get("terms"), "elsewhere": elsewhere(facts),
        "schema": schemaorg.with_geo(schemaorg.thing(facts, url), facts.wkt), "wkt": facts.wkt, "quotes": facts.quotes,
        "alternates": [(f.name, path + f.suffix) for f in media.FORMATS if f.kind == "graph" and f.suffix],
        "label": facts.label, "href": site.href,
    }


def grouped(triples: list, facts: F.Facts) -> list[tuple[ox.NamedNode, list]]:
    """(predicate, objects) in a reading order: type, labels, then by the predicate's label."""
    groups: dict[ox.NamedNode, list] = defaultdict(list)
    for t in triples:
        groups[t.predicate].append(t.object)

    def order(p: ox.NamedNode):
        first = _FIRST.index(p.value) if p.value in _FIRST else len(_FIRST)
        return (first, facts.label(p.value).lower(), p.value)

    return [(p, groups[p]) for p in sorted(groups, key=order)]


def incoming(facts: F.Facts) -> list[tuple[ox.NamedNode, list]]:
    by: dict[ox.NamedNode, list] = defaultdict(list)
    for t in facts.incoming[:F.MAX_INCOMING]:
        by[t.predicate].append(t.subject)
    return [(p, sorted(by[p], key=lambda s: facts.label(s.value).lower())) for p in sorted(by, key=lambda p: facts.label(p.value).lower())]


def elsewhere(facts: F.Facts) -> list[tuple[str, str]]:
    """Links out: Wikidata and GeoNames (and any other http(s) IRI the thing links to)."""
    out = []
    for t in facts.outgoing:
        o = t.object
        if isinstance(o, ox.NamedNode) and o.value.startswith(schemaorg.WIKIDATA):
            out.append(("Wikidata", o.value))
        elif isinstance(o, ox.NamedNode) and o.value.startswith(schemaorg.GEONAMES):
            out.append(("GeoNames", o.value))
    return sorted(set(out))


async def not_found(request: Request, path: str) -> Response:
    """404 with suggestions: things whose label contains the words of the path's last segment."""
    site: Site = request.app.state.site
    words = re.sub(r"[-_.]+", " ", path.rstrip("/").rsplit("/", 1)[-1]).strip()
    suggestions = []
    if words and not re.fullmatch(r"Q[0-9]+", words):
        suggestions = await F.search(site.ask, words, limit=10)
    html = render("not_found.html", title="Not found", path=path, words=words, suggestions=suggestions, href=site.href)
    fmt = media.negotiate(request.headers.get("accept"), ("html",))
    if fmt is None:
        return Response(f"citygraph: error: {path}: no such resource in this dataset\n", status_code=404, media_type="text/plain; charset=utf-8")
    return send(request, html, fmt.content_type, status=404)


def not_acceptable(request: Request, kinds) -> Response:
    offered = ", ".join(f.media_type for f in media.FORMATS if f.kind in kinds)
    return Response(f"citygraph: error: none of the accepted media types is offered here; choose one of {offered}\n",
                    status_code=406, media_type="text/plain; charset=utf-8")


async def search(request: Request) -> Response:
    site: Site = request.app.state.site
    q = request.query_params.get("q", "")
    found = await F.search(site.ask, q) if q.strip() else []
    html = render("search.html", title=f"Search: {q}" if q else "Search", q=q, found=found, href=site.href)
    return send(request, html, media.BY_NAME["html"].content_type, negotiated=False)
