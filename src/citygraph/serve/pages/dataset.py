"""Pages for the IRIs the dataset's record mints: the dataset, its named graphs, its files.

`/dataset` is `<base>dataset` (the void:Dataset and dcat:Dataset of void.ttl; its #publisher,
#contact, #rights, #spatial and #temporal nodes are on the same page), `/graph/data/nanjing`
a named graph (a void:subset), `/dataset/citygraph.trig` a dcat:Distribution. Content
negotiation as for every page: HTML for people (what it is, triple counts, licence per graph,
the downloads); Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads by Accept or suffix give the
record's triples about it. `/dataset` as Turtle, `/void.ttl` and `/.well-known/void` (VoID's
well-known address) are the record's void.ttl byte for byte (serve/record.py says where it
comes from).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ...namespaces import BASE, DATASET
from ...publish import formats, release
from ...publish.void import sha256_file
from ...query.results import Result
from ...query.terms import shorten
from ..http import media
from ..http.responses import send
from ..record import Record, record_of
from ..site import Site
from . import facts as F
from .landing import dump_files
from .pages import alternates, not_acceptable, not_found
from .render import render, term_html

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
NAMES = (DCT + "title", "http://xmlns.com/foaf/0.1/name", "http://www.w3.org/2006/vcard/ns#fn", "http://www.w3.org/2000/01/rdf-schema#label")
TURTLE = media.BY_NAME["turtle"]


def _no_record(record: Record) -> Response:
    return Response(f"citygraph: error: this server has no VoID/DCAT record of the dataset ({record.origin})\n",
                    status_code=404, media_type="text/plain; charset=utf-8")


async def void_file(request: Request) -> Response:
    """/void.ttl and /.well-known/void: the record's void.ttl, byte for byte."""
    record = await record_of(request.app.state.site)
    if record.void_ttl is None:
        return _no_record(record)
    return send(request, record.void_ttl, TURTLE.content_type, negotiated=False)


async def graphs_of(site: Site, record: Record) -> dict[str, int | None]:
    """Named graph IRI -> its triples in the served graph (None: named in the record, not served here)."""
    served = dict(await F.graph_counts(site.ask))
    named = {o for _s, p, _t, o in record.rows if p == VOID + "subset"}
    return {g: served.get(g) for g in sorted(set(served) | named)}


def distributions(record: Record, site: Site) -> list[str]:
    """The file names the record describes (else the distributions found in --dumps)."""
    prefix = DATASET.value + "/"
    found = [o[len(prefix):] for _s, p, _t, o in record.rows if p == DCAT + "distribution" and o.startswith(prefix)]
    if not found and site.dumps is not None:
        found = [name for name, _f in formats.present(site.dumps)]
    return sorted(set(found))


async def _resolve(site: Site, record: Record, path: str) -> tuple[str, str] | None:
    """(kind, IRI) of a path this module answers: dataset, graph or distribution."""
    if path == "/dataset":
        return "dataset", DATASET.value
    if path.startswith("/dataset/") and path[len("/dataset/"):] in distributions(record, site):
        return "distribution", DATASET.value + "/" + path[len("/dataset/"):]
    if path.startswith("/graph/"):
        iri = BASE + path.lstrip("/")
        if iri in await graphs_of(site, record):
            return "graph", iri
    return None


async def page(request: Request) -> Response:
    site: Site = request.app.state.site
    record = await record_of(site)
    path, by_suffix = request.url.path, None
    found = await _resolve(site, record, path)
    if found is None:
        path, by_suffix = media.split_suffix(path)
        found = await _resolve(site, record, path) if by_suffix is not None else None
    if found is None:
        return await not_found(request, request.url.path)
    kind, iri = found
    fmt = by_suffix or media.negotiate(request.headers.get("accept"), ("html", "graph"), default="html")
    if fmt is None:
        return not_acceptable(request, ("html", "graph"))
    if fmt.kind == "graph":
        return _rdf(request, record, kind, iri, fmt, path, negotiated=by_suffix is None)
    context = await _context(site, record, kind, iri)
    html = render("dataset.html", **context, path=path, alternates=[(f.name, f.media_type, path + f.suffix) for f in media.FORMATS
                                                                    if f.kind == "graph" and f.suffix])
    return send(request, html, media.BY_NAME["html"].content_type, links=alternates(path), negotiated=by_suffix is None)


def _rdf(request: Request, record: Record, kind: str, iri: str, fmt: media.Format, path: str, *, negotiated: bool) -> Response:
    if record.void_ttl is None:
        return _no_record(record)
    if kind == "dataset" and fmt is TURTLE:
        body: str | bytes = record.void_ttl  # the record itself, byte for byte
    else:
        assert fmt.writer is not None
        triples = record.triples if kind == "dataset" else record.about(iri)
        body = fmt.writer(Result(form="CONSTRUCT", triples=triples))
    return send(request, body, fmt.content_type, links=alternates(path), negotiated=negotiated)


def _labels(record: Record) -> dict[str, str]:
    out: dict[str, str] = {}
    for s, p, term, o in sorted(record.rows, key=lambda row: (row[0], row[3])):
        if p in NAMES and isinstance(term, ox.Literal):
            out.setdefault(s, o)
    return out


def _facts(record: Record, iri: str, labels: dict[str, str], href) -> list[tuple[str, str, list]]:
    """(node, its name, [(predicate, [objects as HTML])]) for the IRI and each of its #fragment nodes."""
    rows = record.rows
    nodes = sorted({s for s, _p, _t, _o in rows if s == iri or s.startswith(iri + "#")}, key=lambda n: (n != iri, n))
    out = []
    for node in nodes:
        by: dict[str, list] = {}
        for s, p, term, _o in rows:
            if s == node:
                by.setdefault(p, []).append(term)
        shown = [(shorten(p), sorted((term_html(o, labels, href) for o in objs), key=str)) for p, objs in sorted(by.items(), key=lambda kv: shorten(kv[0]))]
        out.append((node, labels.get(node) or shorten(node), shown))
    return out


def _first(record: Record, iri: str, predicate: str) -> str | None:
    values = sorted(record.values(iri, predicate))
    return values[0] if values else None


async def _context(site: Site, record: Record, kind: str, iri: str) -> dict:
    labels = _labels(record)
    files = {d["name"]: d for d in dump_files(site)}
    graphs = await graphs_of(site, record)
    context: dict = {"kind": kind, "iri": iri, "record": record, "labels": labels, "href": site.href,
                     "facts": _facts(record, iri, labels, site.href), "files": files}
    if kind == "dataset":
        context |= {"title": _first(record, iri, DCT + "title") or release.TITLE,
                    "description": _first(record, iri, DCT + "description") or release.DESCRIPTION,
                    "graphs": [_graph_row(record, g, n) for g, n in graphs.items()],
                    "distributions": [_distribution_row(record, name, files) for name in distributions(record, site)]}
    elif kind == "graph":
        row = _graph_row(record, iri, graphs.get(iri))
        query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT 100"
        context |= {"title": f"Named graph {row['name']}", "description": row["description"], "graph": row,
                    "query_url": "/query?" + urlencode({"query": query}), "trig": files.get("citygraph.trig")}
    else:
        name = iri[len(DATASET.value) + 1:]
        row = _distribution_row(record, name, files)
        context |= {"title": f"Download {name}", "description": row["description"], "file": row}
    return context


def _graph_row(record: Record, graph: str, served: int | None) -> dict:
    listed = _first(record, graph, VOID + "triples")
    licence = _first(record, graph, DCT + "license") or release.graph_licence(graph)
    return {"iri": graph, "href": "/" + graph[len(BASE):] if graph.startswith(BASE) else graph,
            "name": graph[len(BASE + "graph/"):] if graph.startswith(BASE + "graph/") else graph,
            "served": served, "listed": int(listed) if listed else None,
            "description": _first(record, graph, DCT + "description") or "A named graph of this dataset.",
            "licence": licence, "licence_name": release.LICENCE_NAME.get(licence, licence),
            "rights": _first(record, graph, DCT + "rights") or release.graph_rights(graph)}


def _distribution_row(record: Record, name: str, files: dict) -> dict:
    iri = DATASET.value + "/" + name
    fmt = formats.DISTRIBUTIONS.get(name)
    size = _first(record, iri, DCAT + "byteSize")
    return {"name": name, "iri": iri, "href": "/dataset/" + name, "local": files.get(name),
            "description": _first(record, iri, DCT + "description") or (fmt.description if fmt else ""),
            "media_type": fmt.media_type if fmt else "", "size": int(size) if size else None,
            "sha256": _first(record, iri + "#sha256", "http://spdx.org/rdf/terms#checksumValue"),
            "download": _first(record, iri, DCAT + "downloadURL")}


async def download_part(request: Request) -> Response:
    """/download/pictures/growth.svg: a file of a sub-folder of --dumps, only if the distribution
    table names it (no path is joined from the request but a name of that table)."""
    site: Site = request.app.state.site
    name = request.path_params["name"]
    fmt = formats.DISTRIBUTIONS.get(name)
    path = site.dumps / name if site.dumps is not None and fmt is not None else None
    if path is None or fmt is None or not path.is_file() or path.is_symlink():
        return Response(f"citygraph: error: /download/{name}: not one of the build's files; the landing page lists them\n",
                        status_code=404, media_type="text/plain; charset=utf-8")
    return FileResponse(path, media_type=fmt.media_type, filename=path.name,
                        headers={"ETag": f'"{sha256_file(path)}"', "Cache-Control": "public, max-age=3600"})
