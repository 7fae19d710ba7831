"""The query page `/query`: an editor with our prefixes, every stored query as a ready example
(its summary and parameters as a form), results as a table whose IRIs link to their pages, and
downloads of the answer in each format. Everything is in the URL (`?query=…` or
`?name=partners&city=…&run=1`), so a page can be shared; it works without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ...errors import BadInput, CitygraphError
from ...query.binding import bind, bound_text
from ...query.catalogue import StoredQuery
from ...query.terms import DISPLAY_PREFIXES, shorten
from ..http import media
from ..http.responses import send, status_of
from ..site import Site
from .facts import stored, stored_queries
from .render import render

SHOWN_ROWS = 1000  # rows shown in the page; the downloads carry the whole answer
EDITOR_PREFIXES = ("cg", "place", "partnership", "event", "person", "source", "rdfs", "skos", "xsd", "prov")
_EXTRA = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def prefix_block() -> str:
    known = DISPLAY_PREFIXES | _EXTRA
    return "".join(f"PREFIX {p}: <{known[p]}>\n" for p in EDITOR_PREFIXES if p in known)


EXAMPLE = prefix_block() + "\nSELECT ?tie ?label WHERE {\n  ?tie a cg:Partnership ; rdfs:label ?label .\n} ORDER BY ?label LIMIT 20\n"


def cells(result, href) -> tuple[list[str], list[list[dict]]]:
    """Header and cells of an answer: each cell {text, href}; an IRI links to its page."""
    if result.form == "ASK":
        return ["boolean"], [[{"text": "true" if result.boolean else "false", "href": None}]]
    if result.is_graph:
        header, rows = ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result.triples]
    else:
        header, rows = result.variables, result.rows
    out = []
    for row in rows[:SHOWN_ROWS]:
        line = []
        for term in row:
            if isinstance(term, ox.NamedNode):
                line.append({"text": shorten(term.value), "href": href(term.value), "title": term.value})
            else:
                line.append({"text": "" if term is None else term.value, "href": None, "title": None})
        out.append(line)
    return header, out


def downloads(form: str, base: str, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kinds = ("graph",) if form in ("CONSTRUCT", "DESCRIBE") else ("results",)
    return [(f.name, base + "?" + urlencode(params + [("format", f.name)])) for f in media.FORMATS if f.kind in kinds]


async def query_page(request: Request) -> Response:
    site: Site = request.app.state.site
    q = request.query_params
    chosen: StoredQuery | None = None
    context: dict = {"title": "Query", "stored": list(stored_queries().values()), "chosen": None, "values": {}, "error": None,
                     "text": q.get("query") or EXAMPLE, "header": None, "rows": None, "total": 0, "downloads": [],
                     "shown": SHOWN_ROWS, "truncated": False, "href": site.href}
    status = 200
    try:
        if q.get("name"):
            chosen = stored(q["name"])
            values = {p.name: q[p.name] for p in chosen.parameters if q.get(p.name)}
            context |= {"chosen": chosen, "values": {p.name: q.get(p.name) or p.default_text or p.example or "" for p in chosen.parameters}}
            if q.get("run"):
                text = bound_text(chosen, bind(chosen, values))
                context["text"] = text
                answer = await site.ask(text)
                base_params = list(values.items())
                context["downloads"] = downloads(chosen.form, f"/api/queries/{chosen.name}", base_params)
                _show(context, answer, site)
        elif q.get("query"):
            answer = await site.ask(q["query"])
            context["downloads"] = downloads(answer.result.form, "/sparql", [("query", q["query"])])
            _show(context, answer, site)
    except CitygraphError as err:
        context["error"] = str(err)
        status = status_of(err)
    html = render("query.html", **context)
    return send(request, html, media.BY_NAME["html"].content_type, status=status, negotiated=False)


def _show(context: dict, answer, site: Site) -> None:
    header, rows = cells(answer.result, site.href)
    total = len(answer.result.triples if answer.result.is_graph else answer.result.rows) if answer.result.form != "ASK" else 1
    context |= {"header": header, "rows": rows, "total": total, "truncated": answer.truncated or total > SHOWN_ROWS}


__all__ = ["query_page", "EXAMPLE", "BadInput"]
