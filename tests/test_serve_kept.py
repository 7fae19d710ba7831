"""Pages kept once rendered (serve/pages/kept.py): a kept page is byte for byte the page a fresh
render gives, it is served without asking the graph again, the cache stays within its byte
budget, and nothing is kept that must not be (404s, the pages of an external endpoint).

The application runs in-process over the session's curated build (httpx's ASGI transport);
the server as a subprocess is tested in test_serve_http.py."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from citygraph.serve.app import create_app
from citygraph.serve.http.backend import LocalBackend, RemoteBackend
from citygraph.serve.pages.kept import Kept
from citygraph.serve.site import Site

PAGES = [
    ("/id/place/Q16666", "text/html"),                     # a city: partners, the slots of its map and ties timeline
    ("/id/partnership/Q11751-Q16666", "text/html"),        # a tie: its history, quotes, timeline
    ("/id/event/Q11751-Q16666-suspension-2012-02-21", "text/html"),
    ("/ontology", "text/html"),                            # the terms table
    ("/id/place/Q16666.ttl", "*/*"),                       # RDF by suffix
    ("/id/partnership/Q11751-Q16666", "application/ld+json"),  # RDF by Accept
]


class CountingBackend(LocalBackend):
    """The real local backend, counting the queries it answers."""

    asked = 0

    def ask(self, text, **kw):
        self.asked += 1
        return super().ask(text, **kw)


def fetch(site: Site, requests: list[tuple[str, str]]) -> list[httpx.Response]:
    async def go():
        transport = httpx.ASGITransport(app=create_app(site))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return [await client.get(path, headers={"Accept": accept}) for path, accept in requests]
    return asyncio.run(go())


def test_kept_pages_equal_fresh_renders_and_ask_nothing(curated):
    kept_site = Site(backend=CountingBackend(store=curated.store))
    fresh_site = Site(backend=LocalBackend(store=curated.store), kept=Kept(max_bytes=0))  # keeps nothing
    first = fetch(kept_site, PAGES)
    asked = kept_site.backend.asked
    assert asked > 0 and len(kept_site.kept) == len(PAGES)
    again = fetch(kept_site, PAGES)
    assert kept_site.backend.asked == asked  # the second round asked the graph nothing
    fresh = fetch(fresh_site, PAGES)
    assert len(fresh_site.kept) == 0
    for a, b, c in zip(first, again, fresh, strict=True):
        assert a.status_code == b.status_code == c.status_code == 200
        assert a.content == b.content == c.content
        assert a.headers["etag"] == b.headers["etag"] == c.headers["etag"]
        assert a.headers["content-type"] == b.headers["content-type"] == c.headers["content-type"]
    assert "Nagoya" in first[0].text and 'data-picture="/pictures/id/place/Q16666/map.svg"' in first[0].text  # the full page


def test_the_kept_landing_page_equals_a_fresh_one_and_follows_the_downloads(curated, tmp_path):
    dumps = tmp_path / "dist"
    dumps.mkdir()
    (dumps / "citygraph.nt").write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    kept_site = Site(backend=CountingBackend(store=curated.store), dumps=dumps)
    fresh_site = Site(backend=LocalBackend(store=curated.store), dumps=dumps, kept=Kept(max_bytes=0))
    first, again = fetch(kept_site, [("/", "text/html")] * 2)
    asked = kept_site.backend.asked
    assert fetch(fresh_site, [("/", "text/html")])[0].content == first.content == again.content
    assert "citygraph.nt" in first.text and first.headers["etag"] == again.headers["etag"]
    (dumps / "citygraph.ttl").write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    changed = fetch(kept_site, [("/", "text/html")])[0]  # a new download: a new page, the graph asked again
    assert "citygraph.ttl" in changed.text and kept_site.backend.asked > asked
    assert changed.content == fetch(fresh_site, [("/", "text/html")])[0].content


def test_html_and_rdf_of_one_path_are_kept_apart(curated):
    site = Site(backend=LocalBackend(store=curated.store))
    html, turtle = fetch(site, [("/id/place/Q16666", "text/html"), ("/id/place/Q16666", "text/turtle")])
    assert html.headers["content-type"].startswith("text/html") and turtle.headers["content-type"].startswith("text/turtle")
    again = fetch(site, [("/id/place/Q16666", "text/turtle"), ("/id/place/Q16666", "text/html")])
    assert again[0].content == turtle.content and again[1].content == html.content


def test_unknown_iris_are_not_kept(curated):
    site = Site(backend=LocalBackend(store=curated.store))
    missing = fetch(site, [("/id/place/Q999999999", "text/html")] * 2)
    assert [r.status_code for r in missing] == [404, 404] and len(site.kept) == 0


def test_the_pages_of_an_external_endpoint_are_never_kept():
    assert Site(backend=RemoteBackend(endpoint="http://127.0.0.1:9/sparql")).kept is None


def test_kept_stays_within_its_byte_budget_least_recently_used_out():
    kept = Kept(max_bytes=800)
    for name in "abcd":
        kept.put(name, name.encode() * 100)
    assert kept.size == 400 and len(kept) == 4
    assert kept.get("a") == b"a" * 100  # a is now the most recently used
    for name in "efgh":
        kept.put(name, name.encode() * 100)
    assert kept.size <= 800 and len(kept) == 8
    kept.put("i", b"i" * 100)  # over budget: the least recently used (b) goes, a stays
    assert kept.get("b") is None and kept.get("a") is not None and kept.size == 800
    kept.put("big", b"x" * 101)  # more than an eighth of the budget: not kept
    assert kept.get("big") is None and kept.size == 800
    kept.put("a", b"A" * 50)  # a new body for a key replaces the old one
    assert kept.get("a") == b"A" * 50 and kept.size == 750


@pytest.mark.parametrize("budget", [0, 1])
def test_a_tiny_budget_keeps_nothing(budget):
    kept = Kept(max_bytes=budget)
    kept.put("a", b"abc")
    assert kept.get("a") is None and kept.size == 0
