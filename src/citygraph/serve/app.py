"""The ASGI application: routes, the access log, CORS and the mapping of errors to statuses.

    /                       landing page (counts, layers, downloads, licence, schema.org Dataset)
    /sparql                 SPARQL 1.1 Protocol (GET, POST); service description; query page for browsers
    /query                  the query page
    /api, /api/queries, /api/queries/{name}, /openapi.json   the stored queries as an API
    /id/…, /vocab/…, /ontology, /alignment/…  linked-data pages (suffixes .ttl .nt .jsonld .rdf .trig .nq)
    /dataset, /dataset/{file}, /graph/…       the dataset, its files and named graphs, from its VoID/DCAT record
    /void.ttl, /.well-known/void              the record itself (the build's void.ttl, byte for byte)
    /search?q=              find things by any label
    /pictures/…             the pages' pictures as SVG: /pictures/<page path>/map.svg, ties.svg, timeline.svg;
                            /pictures/growth.svg, /pictures/world.svg (serve/pages/figures.py)
    /download/{name}        the build's dumps (and the files of its pictures/ folder)
    /health                 for load balancers
    /static/…               the pages' own CSS, JS and images (nothing from a CDN)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import CitygraphError
from . import api, record
from .http import sparql
from .http.responses import json_error, plain_error
from .pages import dataset, figures, landing, pages, querypage
from .pages import facts as page_facts
from .pages.landing import NoSuchFile
from .pages.render import environment
from .site import Site

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("citygraph.access")


class AccessLog:
    """One line per request on stderr: method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp, stream=None):
        self.app = app
        self.stream = stream or sys.stderr

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            ms = (time.perf_counter() - started) * 1000
            path = scope.get("path", "")
            self.stream.write(f"{scope.get('method', '-')} {path} {status[0]} {ms:.1f}ms\n")
            self.stream.flush()


async def health(request: Request) -> Response:
    site: Site = request.app.state.site
    try:
        answer = await site.ask("ASK { ?s ?p ?o }", timeout=5)
        ok = bool(answer.result.boolean)
    except CitygraphError as err:
        body = json.dumps({"status": "error", "error": str(err)}) + "\n"
        return Response(body, status_code=503, media_type="application/json")
    body = json.dumps({"status": "ok" if ok else "empty", "source": site.source}) + "\n"
    return Response(body, status_code=200 if ok else 503, media_type="application/json", headers={"Cache-Control": "no-store"})


async def downloads_folder(request: Request) -> Response:
    """The record's dcat:landingPage and accessURL (the folder the files are published under): the landing page's list."""
    return RedirectResponse("/#downloads", status_code=303)


async def on_error(request: Request, exc: Exception) -> Response:
    site: Site = request.app.state.site
    if isinstance(exc, NoSuchFile):
        return Response(f"citygraph: error: {exc}\n", status_code=404, media_type="text/plain; charset=utf-8")
    if request.url.path.startswith("/api"):
        return json_error(exc, site.limits.retry_after)
    return plain_error(exc, site.limits.retry_after)


async def not_found(request: Request, exc: Exception) -> Response:
    return await pages.not_found(request, request.url.path)


def routes() -> list:
    page = ["GET", "HEAD"]
    out = [
        Route("/", landing.landing, methods=page),
        Route("/sparql", sparql.endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/query", querypage.query_page, methods=page),
        Route("/api", api.docs_page, methods=page),
        Route("/api/queries", api.list_queries, methods=page),
        Route("/api/queries/{name}", api.run_stored, methods=page),
        Route("/openapi.json", api.openapi_json, methods=page),
        Route("/search", pages.search, methods=page),
        Route("/health", health, methods=page),
        Route(figures.ROOT + "/{rest:path}", figures.picture, methods=page),
        Route("/download/", downloads_folder, methods=page),
        Route("/download/{name}", landing.download, methods=page),
        Route("/download/{name:path}", dataset.download_part, methods=page),
        # the dataset's record and the IRIs it mints (before the generic pages of /dataset and /graph)
        Route("/void.ttl", dataset.void_file, methods=page),
        Route("/.well-known/void", dataset.void_file, methods=page),
        Route("/dataset", dataset.page, methods=page),
        Route("/dataset{rest:path}", dataset.page, methods=page),
        Route("/graph/{rest:path}", dataset.page, methods=page),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    # the alignment ontologies' own IRIs (<base>alignment/dbpedia …, ontology/alignments/) are minted too
    out += [Route("/alignment", pages.resource, methods=page), Route("/alignment{suffix:path}", pages.resource, methods=page)]
    for root in pages.PAGE_ROOTS:
        out += [Route("/" + root, pages.resource, methods=page), Route("/" + root + "{suffix:path}", pages.resource, methods=page)]
    return out


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette):
    site: Site = app.state.site
    site.start()  # the query gate belongs to the server's event loop
    # Read the stored-query catalogue (~0.7 s) before the first request, not in the first visitor's
    # page. In this thread: the SPARQL parser it uses (rdflib's, on pyparsing) is not thread-safe,
    # and pages parse on this thread too. A faulty catalogue is reported by the page that needs it.
    _read_catalogue()
    _compile_templates()
    await figures.warm(site)  # the world pictures, drawn once per process before the first visitor asks
    making = asyncio.create_task(record.prepare(site))  # the dataset's record, in the background
    yield
    making.cancel()
    if site.gate is not None:
        site.gate.close()


def _compile_templates() -> None:
    """Compile every page template before the first request (resource.html alone takes tens of ms),
    so the first visitor of each kind of page does not wait for it."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def _read_catalogue() -> None:
    with contextlib.suppress(CitygraphError):
        page_facts.stored_queries()


def create_app(site: Site) -> Starlette:
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(AccessLog),
                    Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                               expose_headers=["ETag", "Link", "Retry-After"], max_age=3600)],
        exception_handlers={CitygraphError: on_error, 404: not_found},
        lifespan=_lifespan,
    )
    app.state.site = site
    return app
