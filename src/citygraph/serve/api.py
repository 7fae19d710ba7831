"""The stored queries as an API: `/api/queries`, `/api/queries/{name}?param=value`, and an
OpenAPI 3 document generated from the query headers (`/openapi.json`, browsable at `/api`).

Parameters are bound as typed terms by the CLI's own `binding.bind`, so a bad value gets the
message the CLI gives (400). Answers come in every format the CLI has, by `format=` or Accept.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from ..errors import BadInput
from ..query import results
from ..query.binding import bind, bound_text
from ..query.catalogue import StoredQuery
from ..query.terms import TYPES
from ..version import __version__
from .http import media
from .http.responses import send
from .http.sparql import write_answer
from .pages.facts import stored, stored_queries
from .pages.render import render
from .site import Site

TEXT_TABLE = media.Format("table", "text/plain", "text", None, results.write_table)
_SCHEMA: dict[str, dict[str, object]] = {  # parameter type -> JSON Schema of its text
    "iri": {"type": "string", "format": "iri"}, "date": {"type": "string", "format": "date"},
    "gYear": {"type": "string", "pattern": "^-?[0-9]{4}$"}, "gYearMonth": {"type": "string", "pattern": "^-?[0-9]{4}-[0-9]{2}$"},
    "integer": {"type": "integer"}, "decimal": {"type": "number"}, "boolean": {"type": "boolean"},
    "string": {"type": "string"}, "langString": {"type": "string"},
    "limit": {"type": "integer", "minimum": 1},
}


def kinds_of(query: StoredQuery) -> tuple[str, ...]:
    return ("graph",) if query.form in ("CONSTRUCT", "DESCRIBE") else ("results",)


def describe(query: StoredQuery) -> dict:
    return query.as_dict() | {"url": f"/api/queries/{query.name}", "formats": media.names(kinds_of(query)) + ["table"]}


async def list_queries(request: Request) -> Response:
    body = json.dumps({"queries": [describe(q) for q in list(stored_queries().values())]}, ensure_ascii=False, indent=2) + "\n"
    return send(request, body, "application/json", negotiated=False)


async def run_stored(request: Request) -> Response:
    site: Site = request.app.state.site
    query = stored(request.path_params["name"])
    values = {k: v for k, v in request.query_params.multi_items() if k != "format"}
    if len(values) != len([k for k in request.query_params if k != "format"]):
        raise BadInput("give each parameter once")
    text = bound_text(query, bind(query, values))  # BadInput (400) with the CLI's message
    fmt = choose(request, query)
    answer = await site.ask(text)
    return write_answer(request, site, answer, fmt)


def choose(request: Request, query: StoredQuery) -> media.Format:
    kinds = kinds_of(query)
    asked = request.query_params.get("format")
    if asked:
        if asked == "table":
            return TEXT_TABLE
        fmt = media.by_name(asked, kinds)
        if fmt is None:
            raise BadInput(f"format={asked}: query {query.name!r} is a {query.form} query; use one of {', '.join(media.names(kinds) + ['table'])}")
        return fmt
    fmt = media.negotiate(request.headers.get("accept"), kinds, default="json" if kinds == ("results",) else "turtle")
    if fmt is None:
        raise BadInput(f"none of the accepted media types fits a {query.form} answer; use format= one of {', '.join(media.names(kinds))}")
    return fmt


def openapi(queries: list[StoredQuery], server_url: str = "/") -> dict:
    """One GET operation per stored query, its parameters typed from the header."""
    paths: dict[str, dict] = {"/api/queries": {"get": {"operationId": "listQueries", "summary": "The stored-query catalogue",
                                      "responses": {"200": {"description": "every stored query with its parameters",
                                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}}}
    for q in queries:
        kinds = kinds_of(q)
        params = [{"name": p.name, "in": "query", "required": p.required,
                   "description": (p.description or TYPES[p.type][1]) + f" ({p.type}: {TYPES[p.type][1]})",
                   "schema": dict(_SCHEMA[p.type]) | ({"default": p.default_text} if p.default_text is not None else {}),
                   **({"example": p.example} if p.example is not None else {})} for p in q.parameters]
        params.append({"name": "format", "in": "query", "required": False, "description": "the answer's format (else by Accept)",
                       "schema": {"type": "string", "enum": media.names(kinds) + ["table"]}})
        content: dict[str, dict] = {f.media_type: {} for f in media.FORMATS if f.kind in kinds}
        paths[f"/api/queries/{q.name}"] = {"get": {
            "operationId": q.name.replace("-", "_"), "summary": q.summary, "description": q.description, "tags": q.tags or ["queries"],
            "parameters": params,
            "responses": {"200": {"description": f"the {q.form} answer", "content": content},
                          "400": {"description": "a bad or missing parameter value (the message says which and how to fix it)"},
                          "503": {"description": "busy (see Retry-After) or over the time limit"}}}}
    return {"openapi": "3.0.3",
            "info": {"title": "citygraph stored queries", "version": __version__,
                     "description": "The stored SPARQL queries of citygraph (queries/*.rq) as an API; generated from their headers."},
            "servers": [{"url": server_url}], "paths": paths}


async def openapi_json(request: Request) -> Response:
    body = json.dumps(openapi(list(stored_queries().values())), ensure_ascii=False, indent=2) + "\n"
    return send(request, body, "application/json", negotiated=False)


async def docs_page(request: Request) -> Response:
    doc = openapi(list(stored_queries().values()))
    operations = [(path, op["get"]) for path, op in doc["paths"].items()]
    html = render("api.html", title="API", operations=operations)
    return send(request, html, media.BY_NAME["html"].content_type, negotiated=False)
