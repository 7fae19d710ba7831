"""The pages' pictures as resources of their own (serve/pages/figures.py): a page names its
pictures and draws none; each picture answers as SVG with an ETag (304), HEAD and GET only, is
kept per process, is a 404 where there is none; a place without coordinates gets no map; a
markup label is text inside a picture; over an external endpoint there are no pictures.

The application runs in-process over the curated build plus two test files of made-up places
(tests/data/serve/unlocated.ttl: no coordinates; tests/data/pictures/evil-labels.ttl: a markup
label), with httpx's ASGI transport; the real server and the browser are tested in
test_serve_http.py, test_serve_limits.py and test_serve_browser.py."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from citygraph.serve.app import create_app
from citygraph.serve.http.backend import LocalBackend, RemoteBackend
from citygraph.serve.pages import figures
from citygraph.serve.pages.kept import Kept
from citygraph.serve.site import Site

DATA = Path(__file__).parent / "data"
SVG_NS = "{http://www.w3.org/2000/svg}"
SLOT = re.compile(r'<figure class="picture" id="([a-z-]+)-slot" data-picture="([^"]+)">\s*'
                  r'<noscript><img src="([^"]+)" alt="([^"]+)"></noscript>\s*</figure>')


@pytest.fixture(scope="module")
def store(curated) -> ox.Store:
    """The curated build with a place without coordinates and a partner labelled with markup."""
    out = ox.Store()
    out.extend(curated.store.quads_for_pattern(None, None, None, None))
    for name in ("serve/unlocated.ttl", "pictures/evil-labels.ttl"):
        out.load(path=str(DATA / name), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/test-graph"))
    return out


def fetch(site: Site, requests: list[tuple[str, str, dict]]) -> list[httpx.Response]:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(site)), base_url="http://127.0.0.1") as client:
            return [await client.request(method, path, headers=headers) for method, path, headers in requests]
    return asyncio.run(go())


def get(site: Site, *paths: str) -> list[httpx.Response]:
    return fetch(site, [("GET", p, {"Accept": "text/html"}) for p in paths])


def slots(page: str) -> list[tuple[str, str, str]]:
    """(id prefix, address, alt text) of each picture slot; the <noscript> <img> shows the same address."""
    out = []
    for ident, url, img, alt in SLOT.findall(page):
        assert img == url and alt.strip()
        out.append((ident, url, alt))
    assert len(out) == page.count('<figure class="picture"')  # every slot has the one shape
    return out


def svg_of(resp: httpx.Response) -> ET.Element:
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/svg+xml", (resp.status_code, resp.text[:200])
    root = ET.fromstring(resp.content)
    assert root.tag == SVG_NS + "svg"
    return root


def test_pages_name_their_pictures_and_draw_none(store):
    site = Site(backend=LocalBackend(store=store))
    landing, city, tie, person = get(site, "/", "/id/place/Q16666", "/id/partnership/Q11751-Q16666", "/id/person/takashi-kawamura")
    for page in (landing, city, tie, person):
        assert page.status_code == 200 and "<svg" not in page.text  # no picture drawn inside a page
    assert [(i, u) for i, u, _a in slots(landing.text)] == [("cg-growth", "/pictures/growth.svg"), ("cg-world", "/pictures/world.svg")]
    assert [(i, u) for i, u, _a in slots(city.text)] == [("cg-map", "/pictures/id/place/Q16666/map.svg"),
                                                         ("cg-ties", "/pictures/id/place/Q16666/ties.svg")]
    assert "Nanjing" in slots(city.text)[0][2]
    assert [(i, u) for i, u, _a in slots(tie.text)] == [("cg-timeline", "/pictures/id/partnership/Q11751-Q16666/timeline.svg")]
    assert slots(person.text) == [] and '<p class="picture-note">' not in person.text
    assert 'src="/static/pictures.js"' in city.text
    assert get(site, "/static/pictures.js")[0].status_code == 200
    assert len(site.kept) == 4 and not site.drawn  # four pages kept, no picture drawn yet


def test_each_named_picture_is_svg_with_links_on_this_server(store):
    site = Site(backend=LocalBackend(store=store))
    pages = get(site, "/", "/id/place/Q16666", "/id/partnership/Q11751-Q16666")
    named = [(ident, url) for page in pages for ident, url, _a in slots(page.text)]
    shown = dict(zip([i for i, _u in named], get(site, *[u for _i, u in named]), strict=True))
    for ident, resp in shown.items():
        assert svg_of(resp).attrib["aria-labelledby"].split()[0] == ident + "-title"
    partners = [a for a in svg_of(shown["cg-map"]).iter(SVG_NS + "a") if "partner" in a.attrib.get("class", "").split()]
    assert len(partners) == 21  # the 20 curated partners and the test file's
    for a in partners:  # each a link to the partner's page on this server
        assert a.attrib["href"] == "/id/place/" + (a.attrib["data-qid"] or a.attrib["data-tie"].rsplit("Q16666-", 1)[1]), a.attrib
    assert "Q16666" in {e.attrib.get("data-qid") for e in svg_of(shown["cg-world"]).iter() if "hub" in e.attrib.get("class", "").split()}


def test_a_picture_has_an_etag_answers_head_and_only_get(store):
    site = Site(backend=LocalBackend(store=store))
    url = "/pictures/id/partnership/Q11751-Q16666/timeline.svg"
    first, = fetch(site, [("GET", url, {})])
    tag = first.headers["etag"]
    again, head, post = fetch(site, [("GET", url, {"If-None-Match": tag}), ("HEAD", url, {}), ("POST", url, {})])
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"] == "image/svg+xml"
    assert head.headers["etag"] == tag and int(head.headers["content-length"]) == len(first.content)
    assert post.status_code == 405
    assert "script-src" not in first.headers["content-security-policy"] and "default-src 'none'" in first.headers["content-security-policy"]


def test_pictures_are_kept_and_equal_fresh_drawings(store):
    kept_site = Site(backend=LocalBackend(store=store))
    fresh_site = Site(backend=LocalBackend(store=store), kept=Kept(max_bytes=0))
    urls = ["/pictures/id/place/Q16666/map.svg", "/pictures/id/place/Q16666/ties.svg", "/pictures/growth.svg"]
    first = get(kept_site, *urls)
    assert len(kept_site.kept) == 3 and all(kept_site.kept.get((figures.ROOT, u.removeprefix("/pictures/"))) for u in urls)
    again, fresh = get(kept_site, *urls), get(fresh_site, *urls)
    for a, b, c in zip(first, again, fresh, strict=True):
        assert a.status_code == 200 and a.content == b.content == c.content and a.headers["etag"] == c.headers["etag"]


def test_no_such_picture_is_a_404(store):
    site = Site(backend=LocalBackend(store=store))
    for path in ("/pictures/id/person/takashi-kawamura/map.svg",   # not a place
                 "/pictures/id/place/Q16666/timeline.svg",          # a place is no tie
                 "/pictures/id/place/Q1/map.svg",                   # no such place
                 "/pictures/id/place/Q16666/map.png", "/pictures/id/place/Q16666/photo.svg", "/pictures/moon.svg", "/pictures/",
                 "/pictures/id/place/Q1%3E%20%3Fs%20%3Fp/map.svg"):  # not an IRI
        resp, = get(site, path)
        assert resp.status_code == 404 and resp.text.startswith("citygraph: error: /pictures/"), (path, resp.text)
        assert resp.headers["content-type"].startswith("text/plain")
    assert len(site.kept) == 0  # nothing kept for a 404


def test_a_place_without_coordinates_has_its_timeline_and_no_map(store):
    site = Site(backend=LocalBackend(store=store))
    page, = get(site, "/id/place/test-unlocated")
    assert "Nanjing" in page.text  # its partner, in the table
    assert [(i, u) for i, u, _a in slots(page.text)] == [("cg-ties", "/pictures/id/place/test-unlocated/ties.svg")]
    ties, unmapped = get(site, "/pictures/id/place/test-unlocated/ties.svg", "/pictures/id/place/test-unlocated/map.svg")
    svg_of(ties)
    assert unmapped.status_code == 404


def test_a_markup_label_is_text_in_a_picture(store):
    site = Site(backend=LocalBackend(store=store))
    resp, = get(site, "/pictures/id/place/Q16666/map.svg")
    svg = svg_of(resp)
    assert b"<script" not in resp.content and b"<img" not in resp.content
    assert not [e for e in svg.iter() if e.tag in (SVG_NS + "script", SVG_NS + "foreignObject")]
    evil = [a for a in svg.iter(SVG_NS + "a") if a.attrib.get("data-tie", "").endswith("test-script-label")]
    assert len(evil) == 1 and evil[0].findtext(SVG_NS + "title", "").startswith("<script>alert(1)</script>")
    assert all(not k.startswith("on") for e in svg.iter() for k in e.attrib)
    page, = get(site, "/id/place/test-script-label")  # the alt text names it escaped
    assert "<script>alert(1)" not in page.text and "Map: &lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_over_an_endpoint_a_note_no_slot_and_no_picture():
    site = Site(backend=RemoteBackend(endpoint="http://127.0.0.1:9/sparql"))  # nothing listens: asking would fail
    assert figures.for_landing(site).note == figures.NO_STORE and not figures.for_landing(site).slots
    city = figures.for_page(site, "/id/place/Q16666", "Nanjing", city=True, located=True, tie=False)
    assert city.slots == [] and city.note == figures.NO_STORE
    other = figures.for_page(site, "/id/person/x", "X", city=False, located=False, tie=False)
    assert other.slots == [] and other.note is None
    for resp in get(site, "/pictures/growth.svg", "/pictures/id/place/Q16666/map.svg"):
        assert resp.status_code == 404 and "external endpoint" in resp.text


def test_world_pictures_are_drawn_once_per_site():
    site = Site(backend=LocalBackend(store=ox.Store()), kept=Kept(max_bytes=0))  # nothing kept as pages: drawn is the only memory
    first = get(site, "/pictures/growth.svg", "/pictures/world.svg")
    assert [svg_of(r).attrib["aria-labelledby"].split()[0] for r in first] == ["cg-growth-title", "cg-world-title"]
    drawn = dict(site.drawn)
    assert set(drawn) == {"growth", "world"}
    again = get(site, "/pictures/growth.svg", "/pictures/world.svg")
    assert all(site.drawn[k] is drawn[k] for k in drawn)  # kept, not drawn again
    assert [r.content for r in again] == [r.content for r in first]
    other = Site(backend=LocalBackend(store=ox.Store()))
    get(other, "/pictures/growth.svg")
    assert other.drawn["growth"] is not drawn["growth"]  # another site (another store) draws its own


def test_pictures_asked_for_together_are_drawn_one_at_a_time_and_all_come(store):
    """Drawing is serialised per process (pages keep their turn): many requests at once all get their picture, the same bytes."""
    urls = ["/pictures/id/place/Q16666/map.svg", "/pictures/id/place/Q16666/ties.svg", "/pictures/growth.svg",
            "/pictures/id/partnership/Q11751-Q16666/timeline.svg", "/pictures/world.svg", "/pictures/id/place/Q11751/map.svg"]
    together_site = Site(backend=LocalBackend(store=store))

    async def together():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(together_site)), base_url="http://127.0.0.1") as client:
            return await asyncio.gather(*(client.get(u) for u in urls + urls))
    answers = asyncio.run(together())
    apart = get(Site(backend=LocalBackend(store=store)), *urls)
    for a, b in zip(answers, apart + apart, strict=True):
        assert a.status_code == 200 and a.content == b.content


# --- the dataset's record, made in the background at start-up (serve/record.py `prepare`) -------

def test_the_record_is_made_in_the_background_at_start_up(curated):
    """Started as uvicorn starts it (the lifespan), with no request: the record appears by itself,
    and the landing page and /void.ttl then serve that very record, not a second making."""
    site = Site(backend=LocalBackend(store=curated.store))
    app = create_app(site)

    async def go():
        async with app.router.lifespan_context(app):
            assert site.record is None or site.record[1].void_ttl  # nothing asked yet
            for _ in range(600):  # up to a minute on a busy machine
                if site.record is not None:
                    break
                await asyncio.sleep(0.1)
            assert site.record is not None, "the record was not made in the background"
            made = site.record[1]
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
                void = await client.get("/void.ttl")
                landing = await client.get("/", headers={"Accept": "text/html"})
            assert site.record[1] is made  # served from the one made at start-up
            return made, void, landing

    made, void, landing = asyncio.run(go())
    assert made.void_ttl and void.status_code == 200 and void.content == made.void_ttl
    assert landing.status_code == 200 and "Dataset" in landing.text
