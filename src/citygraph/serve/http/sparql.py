"""`/sparql`: the SPARQL 1.1 Protocol (query operation only) and its Service Description.

GET `?query=`, POST form-encoded or `application/sparql-query`; `default-graph-uri` and
`named-graph-uri`; the answer's format by `format=` or `Accept`. Updates (`update=`, a body of
`application/sparql-update`, or INSERT/DELETE/LOAD… as a query) are refused with 403. A browser
asking with no query gets the query page; an RDF Accept with no query gets the description.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ...errors import BadInput
from ...query.results import Result
from ..pages.querypage import query_page
from ..site import Site
from . import media
from .backend import ReadOnly, TooLarge, query_form
from .responses import send

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SD_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past `limit` bytes whatever Content-Length says."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request body is larger than {limit:,} bytes; send a shorter query")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request body is larger than {limit:,} bytes; send a shorter query")
        chunks.append(chunk)
    return b"".join(chunks)


async def protocol_params(request: Request, site: Site) -> dict[str, list[str]]:
    """query / default-graph-uri / named-graph-uri / format from the URL and (for POST) the body."""
    params: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        params.setdefault(k, []).append(v)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, site.limits.max_body)
        if ctype == "application/sparql-update":
            raise ReadOnly("this endpoint is read-only: SPARQL updates are refused")
        if ctype == "application/sparql-query":
            params.setdefault("query", []).append(body.decode("utf-8", errors="replace"))
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
                params.setdefault(k, []).append(v)
        else:
            raise BadInput(f"POST a query as application/x-www-form-urlencoded or application/sparql-query, not {ctype or 'no content type'}")
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are refused")
    if len(params.get("query", [])) > 1:
        raise BadInput("give one query parameter, not several")
    return params


def choose_format(request: Request, params: dict[str, list[str]], form: str) -> media.Format | None:
    kinds = ("graph",) if form in ("CONSTRUCT", "DESCRIBE") else ("results",)
    asked = (params.get("format") or params.get("output") or [""])[0]
    if asked:
        fmt = media.by_name(asked, kinds) or media.negotiate(asked, kinds)
        if fmt is None:
            raise BadInput(f"format={asked}: a {form} answer comes as one of {', '.join(media.names(kinds))}")
        return fmt
    return media.negotiate(request.headers.get("accept"), kinds, default="json" if kinds == ("results",) else "turtle")


async def endpoint(request: Request) -> Response:
    site: Site = request.app.state.site
    params = await protocol_params(request, site)
    text = params["query"][0] if params.get("query") else None
    if text is None:
        if request.method == "GET" and media.negotiate(request.headers.get("accept"), ("html", "graph"), default="graph") == media.BY_NAME["html"]:
            return await query_page(request)
        return await description(request)
    form = query_form(text)
    fmt = choose_format(request, params, form)
    if fmt is None:
        kinds = ("graph",) if form in ("CONSTRUCT", "DESCRIBE") else ("results",)
        raise BadInput(f"none of the accepted media types fits a {form} answer; ask for one of "
                       + ", ".join(f.media_type for f in media.FORMATS if f.kind in kinds))
    answer = await site.ask(text, default_graphs=params.get("default-graph-uri", []), named_graphs=params.get("named-graph-uri", []))
    return write_answer(request, site, answer, fmt)


def write_answer(request: Request, site: Site, answer, fmt: media.Format) -> Response:
    """The answer in `fmt`, or 413 when it passed the row or byte cap."""
    if answer.truncated:
        raise TooLarge(f"the answer has more than {site.limits.max_rows:,} rows; add a LIMIT (at most {site.limits.max_rows:,}) or narrow the query")
    assert fmt.writer is not None
    body = fmt.writer(answer.result).encode("utf-8")
    if len(body) > site.limits.max_bytes:
        raise TooLarge(f"the answer is larger than {site.limits.max_bytes:,} bytes; add a LIMIT or select fewer columns")
    return send(request, body, fmt.content_type, headers={"Content-Disposition": "inline"})


async def description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, with the dataset's named graphs."""
    site: Site = request.app.state.site
    fmt = media.negotiate(request.headers.get("accept"), ("graph",), default="turtle") or media.BY_NAME["turtle"]
    url = str(request.url.replace(query="", fragment=""))
    graphs = await site.ask("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
    service, dataset = ox.NamedNode(url), ox.NamedNode(url + "#dataset")
    triples = [ox.Triple(service, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Service")),
               ox.Triple(service, ox.NamedNode(SD + "endpoint"), service),
               ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
               ox.Triple(service, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")),
               ox.Triple(service, ox.NamedNode(SD + "defaultDataset"), dataset),
               ox.Triple(dataset, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Dataset"))]
    triples += [ox.Triple(service, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS_NS + f)) for f in _SD_FORMATS]
    for (g,) in graphs.result.rows:
        node = ox.NamedNode(f"{url}#graph={g.value}")
        triples += [ox.Triple(dataset, ox.NamedNode(SD + "namedGraph"), node),
                    ox.Triple(node, ox.NamedNode(SD + "name"), g)]
    assert fmt.writer is not None
    return send(request, fmt.writer(Result(form="CONSTRUCT", triples=triples)), fmt.content_type)
