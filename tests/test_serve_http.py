"""`citygraph serve` for real: a uvicorn subprocess on 127.0.0.1 over the curated build (scope
nanjing), asked with SPARQLWrapper and httpx. Its answers are compared with `citygraph query`
on the same build; pages are asked for in every format, by Accept and by suffix; updates, LOAD
and off-list SERVICE are refused without any outbound connection; `--endpoint` mode over a real
`oxigraph serve` loaded with the TriG dump gives the same pages.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

import serve_server
from citygraph.query.binding import bind, bound_text
from citygraph.query.catalogue import get

pytestmark = pytest.mark.slow

NANJING = "https://w3id.org/citygraph/id/place/Q16666"
TIE = "https://w3id.org/citygraph/id/partnership/Q11751-Q16666"
PAGES = [  # one IRI of every kind the dataset mints
    "/id/place/Q16666", "/id/partnership/Q11751-Q16666", "/id/event/Q11751-Q16666-suspension-2012-02-21",
    "/id/person/takashi-kawamura", "/id/post/mayor-of-nagoya", "/id/organisation/the-nanjinger",
    "/id/landmark/nanjing-square-nagoya", "/id/source/nanjinger-sister-cities-nagoya", "/id/claim/nagoya-first-formal-tie",
    "/vocab/role/speaker", "/ontology",
]
RDF = {"text/turtle": ("turtle", ".ttl"), "application/n-triples": ("nt", ".nt"),
       "application/ld+json": ("json-ld", ".jsonld"), "application/rdf+xml": ("xml", ".rdf")}


def bound(name: str, **values) -> str:
    q = get(name)
    return bound_text(q, bind(q, values))


def cli_answer(cli, name: str, fmt: str, *params: str) -> str:
    args = ["query", name, "--scope", "nanjing", "--format", fmt]
    for p in params:
        args += ["-p", p]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def wrapper(served: str, text: str, fmt) -> bytes:
    client = SPARQLWrapper(served + "/sparql")
    client.setQuery(text)
    client.setReturnFormat(fmt)
    return client.query().response.read()


# --- SPARQL protocol: the same answers as `citygraph query` ------------------------------

@pytest.mark.parametrize("fmt,name", [(JSON, "json"), (XML, "xml"), (CSV, "csv")])
def test_select_through_sparqlwrapper_equals_cli(served, cli, fmt, name):
    body = wrapper(served, bound("partners"), fmt).decode("utf-8")
    assert body == cli_answer(cli, "partners", name)


def test_select_json_has_the_twenty_partners(served):
    client = SPARQLWrapper(served + "/sparql")
    client.setQuery(bound("partners"))
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert len(rows) == 20
    assert {"Nagoya", "Shiraz", "Perth"} <= {r["partnerLabel"]["value"] for r in rows}


@pytest.mark.parametrize("fmt,name", [(TURTLE, "turtle"), (JSONLD, "jsonld")])
def test_construct_through_sparqlwrapper_equals_cli(served, cli, fmt, name):
    body = wrapper(served, bound("describe", thing=TIE), fmt).decode("utf-8")
    assert body == cli_answer(cli, "describe", name, f"thing={TIE}")
    graph = rdflib.Graph().parse(data=body, format="turtle" if name == "turtle" else "json-ld")
    assert (rdflib.URIRef(TIE), rdflib.URIRef("https://w3id.org/citygraph/ontology#party"), rdflib.URIRef(NANJING)) in graph


def test_protocol_forms(http):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/citygraph/ontology#FormalPartnership> }"
    got = set()
    for resp in (http.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"}),
                 http.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}),
                 http.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})):
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("application/sparql-results+json")
        got.add(resp.json()["results"]["bindings"][0]["n"]["value"])
    assert len(got) == 1 and int(got.pop()) >= 18  # the confirmed formal ties of the curated core
    tsv = http.get("/sparql", params={"query": text, "format": "tsv"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values") and tsv.text.startswith("?n\n")
    ask = http.get("/sparql", params={"query": f"ASK {{ <{TIE}> ?p ?o }}"}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in ask.text


def test_default_and_named_graph_uri(http):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    onto = http.get("/sparql", params={"query": text, "default-graph-uri": "https://w3id.org/citygraph/graph/ontology"}, headers={"Accept": "application/json"})
    union = http.get("/sparql", params={"query": text}, headers={"Accept": "application/json"})
    n_onto = int(onto.json()["results"]["bindings"][0]["n"]["value"])
    n_union = int(union.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_onto < n_union
    named = http.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                        "named-graph-uri": "https://w3id.org/citygraph/graph/shapes"}, headers={"Accept": "application/json"})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == ["https://w3id.org/citygraph/graph/shapes"]


def test_service_description_and_browser_view(http):
    sd = http.get("/sparql", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=sd.text, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, SD.Service) in g
    assert (None, SD.name, rdflib.URIRef("https://w3id.org/citygraph/graph/data/nanjing")) in g
    page = http.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.headers["content-type"].startswith("text/html") and 'id="editor"' in page.text


# --- linked-data pages ---------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_page_conneg_and_suffixes(http, path):
    iri = rdflib.URIRef("https://w3id.org/citygraph/" + path.lstrip("/"))
    html = http.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Accept" in [v.strip() for v in html.headers["vary"].split(",")]
    assert html.text.count("<h1>") == 1
    assert all(f'<{path}{suffix}>; rel="alternate"' in html.headers["link"] for _f, suffix in RDF.values())
    for media, (parser, suffix) in RDF.items():
        by_accept = http.get(path, headers={"Accept": media})
        by_suffix = http.get(path + suffix)
        assert by_accept.status_code == by_suffix.status_code == 200
        assert by_accept.headers["content-type"].split(";")[0] == media == by_suffix.headers["content-type"].split(";")[0]
        assert by_accept.content == by_suffix.content
        graph = rdflib.Graph().parse(data=by_accept.text, format=parser)
        assert (iri, None, None) in graph


def test_etag_gives_304(http):
    first = http.get("/id/place/Q16666", headers={"Accept": "text/turtle"})
    again = http.get("/id/place/Q16666", headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = http.get("/id/place/Q16666", headers={"Accept": "application/n-triples", "If-None-Match": first.headers["etag"]})
    assert other.status_code == 200


def test_city_page_lists_partners_with_links_out(http):
    page = http.get("/id/place/Q16666").text
    assert page.count('<td class="partner">') == 20
    assert "https://www.wikidata.org/wiki/Q16666" in page or "http://www.wikidata.org/entity/Q16666" in page
    assert "https://sws.geonames.org/1799962/" in page
    schema = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert schema["@type"] == "City" and schema["name"] == "Nanjing" and schema["geo"]["latitude"] == pytest.approx(32.06167)


def test_tie_page_tells_its_history_with_quotes(http):
    page = http.get("/id/partnership/Q11751-Q16666").text
    history = page.split('id="history"', 1)[1].split("</section>", 1)[0]
    dates = [chunk.split("<", 1)[0].strip() for chunk in history.split('<span class="date">')[1:]]
    assert "2012-02-21" in dates and dates.index("1978") < dates.index("2012-02-21") < dates.index("2019")
    assert "Nanjing called a suspension of official exchanges" in history
    assert "Incoming" not in page and "Links to this partnership" in page


def test_unknown_iri_is_404_with_suggestions(http):
    resp = http.get("/id/place/nagoya")
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/html")
    assert 'href="/id/place/Q11751"' in resp.text
    assert http.get("/id/place/Q1", headers={"Accept": "text/turtle"}).status_code == 404
    assert http.get("/no/such/route").status_code == 404


def test_search_finds_places_and_people(http):
    page = http.get("/search", params={"q": "kawamura"}).text
    assert 'href="/id/person/takashi-kawamura"' in page
    assert 'href="/id/place/Q16666"' in http.get("/search", params={"q": "南京"}).text


# --- pictures in the pages ----------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"
FIGURE = re.compile(r'<figure class="picture"[^>]*>.*?</figure>', re.S)
SLOT = re.compile(r'<figure class="picture" id="[a-z-]+-slot" data-picture="([^"]+)">\s*<noscript><img src="([^"]+)" alt="[^"]+"></noscript>')


def slots(page: str) -> list[str]:
    """The addresses of the page's pictures: each slot names one, and its <noscript> <img> the same."""
    found = SLOT.findall(page)
    assert len(found) == len(FIGURE.findall(page)) and all(url == img for url, img in found)
    return [url for url, _img in found]


def figures(http, page: str) -> dict[str, ET.Element]:
    """The page's pictures as the browser gets them (each its own request, image/svg+xml), parsed as XML,
    by the id prefix of their <svg>'s title."""
    out = {}
    for url in slots(page):
        resp = http.get(url)
        assert resp.status_code == 200 and resp.headers["content-type"] == "image/svg+xml", (url, resp.status_code)
        root = ET.fromstring(resp.content)
        assert root.tag == SVG_NS + "svg"
        out[root.attrib["aria-labelledby"].split()[0].removesuffix("-title")] = root
    return out


NO_STORE_NOTE = '<p class="picture-note">'


def without_pictures(page: str) -> str:
    """The page with its picture slot emptied (figures and note), blank lines closed up."""
    bare = re.sub(r'<p class="picture-note">.*?</p>', "", FIGURE.sub("", page))
    return re.sub(r"\n\s*\n", "\n", bare)


def marks(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in e.attrib.get("class", "").split()]


def api_rows(http, name: str, **params) -> list[dict]:
    answer = http.get(f"/api/queries/{name}", params={**params, "format": "json"}).json()
    return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]


def test_city_page_maps_each_curated_partner(http):
    expected = {row["partner"].rsplit("/", 1)[1] for row in api_rows(http, "partners", city="place:Q16666")}
    assert len(expected) == 20
    pictures = figures(http, http.get("/id/place/Q16666").text)
    assert set(pictures) == {"cg-map", "cg-ties"}
    partners = marks(pictures["cg-map"], "partner")
    assert sorted(m.attrib["data-qid"] for m in partners) == sorted(expected)
    for m in partners:  # each mark is drawn at a point, titled, and links to the partner's page on this server
        assert m.find(SVG_NS + "title") is not None and float(m.attrib["data-x"]) >= 0
        assert m.attrib["href"] == "/id/place/" + m.attrib["data-qid"]
    rows = {m.attrib["data-qid"] for m in marks(pictures["cg-ties"], "row-label")}
    assert rows == expected


def test_tie_page_timeline_marks_each_dated_event(http):
    events = api_rows(http, "history", tie="partnership:Q11751-Q16666")
    dated = {row["event"] for row in events if "date" in row}
    assert TIE.replace("partnership", "event") + "-suspension-2012-02-21" in dated
    pictures = figures(http, http.get("/id/partnership/Q11751-Q16666").text)
    assert set(pictures) == {"cg-timeline"}
    drawn = [m.attrib["data-event"] for m in pictures["cg-timeline"].iter() if "data-event" in m.attrib]
    assert len(drawn) == len(set(drawn)) and set(drawn) == dated
    for m in marks(pictures["cg-timeline"], "event"):
        assert m.attrib["href"] == "/" + m.attrib["data-event"].split("/citygraph/", 1)[1]


def test_landing_page_shows_growth_and_world_map(http):
    first = http.get("/")
    pictures = figures(http, first.text)
    assert set(pictures) == {"cg-growth", "cg-world"}
    ties = int(http.get("/sparql", params={"query": "PREFIX cg: <https://w3id.org/citygraph/ontology#> "
                                                    "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a cg:Partnership }"},
                        headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"][0]["n"]["value"])
    assert ties >= 20
    totals = [int(b.attrib["data-count"]) for b in marks(pictures["cg-growth"], "year-total")]  # ties formed so far
    assert totals == sorted(totals) and 0 < totals[-1] <= ties
    assert marks(pictures["cg-growth"], "bar")
    hubs = {m.attrib["data-qid"] for m in marks(pictures["cg-world"], "hub")}
    assert "Q16666" in hubs
    assert http.get("/").text == first.text
    again = figures(http, first.text)  # drawn once per process, the same bytes after
    assert {k: ET.tostring(v) for k, v in again.items()} == {k: ET.tostring(v) for k, v in pictures.items()}


def test_a_picture_is_its_own_resource_with_an_etag(http):
    """The no-JavaScript fallback's address answers as SVG; revalidation gets 304; HEAD and GET only."""
    url = slots(http.get("/id/place/Q16666").text)[0]
    assert url == "/pictures/id/place/Q16666/map.svg"
    first = http.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml" and first.content.startswith(b"<?xml")
    again = http.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = http.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(first.content)
    assert http.post(url).status_code == 405
    assert http.get("/pictures/id/person/takashi-kawamura/map.svg").status_code == 404


# --- API and OpenAPI -----------------------------------------------------------------------

def test_api_catalogue_and_openapi(http):
    catalogue = http.get("/api/queries").json()["queries"]
    names = {q["name"] for q in catalogue}
    assert {"partners", "history", "describe"} <= names
    doc = http.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {f"/api/queries/{n}" for n in names} <= set(doc["paths"])
    city = doc["paths"]["/api/queries/partners"]["get"]["parameters"][0]
    assert city["name"] == "city" and city["schema"]["default"] == "place:Q16666"
    assert "/api/queries/history" in http.get("/api").text


def test_api_answers_like_the_cli(http, cli):
    for fmt in ("csv", "tsv", "json", "xml", "table"):
        resp = http.get("/api/queries/history", params={"tie": "partnership:Q11751-Q16666", "format": fmt})
        assert resp.status_code == 200
        assert resp.text == cli_answer(cli, "history", fmt, "tie=partnership:Q11751-Q16666")
    ttl = http.get("/api/queries/describe", params={"thing": "place:Q11751"}, headers={"Accept": "text/turtle"})
    assert ttl.text == cli_answer(cli, "describe", "turtle", "thing=place:Q11751")


def test_api_bad_value_gives_the_cli_message(http, cli):
    resp = http.get("/api/queries/status-on", params={"date": "yesterday"})
    assert resp.status_code == 400
    cli_err = cli("query", "status-on", "--scope", "nanjing", "-p", "date=yesterday").stderr.strip()
    assert cli_err == "citygraph: error: " + resp.json()["error"]
    assert http.get("/api/queries/no-such-query").status_code == 400
    assert http.get("/api/queries/partners", params={"format": "turtle"}).status_code == 400


# --- landing, downloads, health, headers -----------------------------------------------------

def test_landing_page(http, curated_dumps):
    page = http.get("/").text
    assert page.count("<h1>") == 1 and '"@type": "Dataset"' in page
    assert "https://w3id.org/citygraph/graph/data/nanjing" in page
    sums = (Path(curated_dumps) / "SHA256SUMS").read_text()
    digest = next(line.split()[0] for line in sums.splitlines() if line.endswith("citygraph.trig"))
    assert digest in page and 'href="/download/citygraph.trig"' in page


def test_downloads_with_length_etag_and_range(http, curated_dumps):
    data = (Path(curated_dumps) / "citygraph.ttl").read_bytes()
    full = http.get("/download/citygraph.ttl")
    assert full.status_code == 200 and full.content == data
    assert int(full.headers["content-length"]) == len(data) and full.headers["etag"]
    part = http.get("/download/citygraph.ttl", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    for bad in ("/download/..%2Fserve-curated.log", "/download/%2Fetc%2Fpasswd", "/download/../pyproject.toml", "/download/nothing.ttl"):
        assert http.get(bad).status_code == 404, bad


def test_cors_health_and_access_log(http, served):
    pre = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"
    got = http.get("/api/queries", headers={"Origin": "https://example.org"})
    assert got.headers["access-control-allow-origin"] == "*"
    assert http.get("/health").json()["status"] == "ok"
    # A path no other test asks for, so the line found is this request's (the server is shared).
    probe = "/id/place/access-log-probe"
    assert http.get(probe).status_code == 404
    deadline = time.monotonic() + 10  # the line is written just after the response is sent
    while True:
        lines = [line for line in serve_server.log_of("curated").splitlines() if line.startswith(f"GET {probe} ")]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(lines) == 1 and lines[0].split()[2] == "404" and lines[0].endswith("ms")


# --- read-only and the SERVICE allow-list -------------------------------------------------------

@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection it receives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    hits: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                hits.append(conn.recv(1024))
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", hits
    stop.set()
    thread.join()
    sock.close()


def test_updates_load_and_off_list_service_are_refused(http, listener):
    url, hits = listener
    attempts = [
        ("post-update", lambda: http.post("/sparql", data={"update": f"INSERT DATA {{ <{NANJING}> <urn:p> 1 }}"})),
        ("update-body", lambda: http.post("/sparql", content=f"LOAD <{url}>", headers={"Content-Type": "application/sparql-update"})),
        ("load-as-query", lambda: http.get("/sparql", params={"query": f"LOAD <{url}>"})),
        ("insert-as-query", lambda: http.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"})),
        ("service", lambda: http.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})),
        ("service-var", lambda: http.get("/sparql", params={"query": f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}"})),
        ("from", lambda: http.get("/sparql", params={"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1"})),
    ]
    for name, attempt in attempts:
        resp = attempt()
        assert resp.status_code in (400, 403) or (name == "from" and resp.status_code == 200), (name, resp.status_code, resp.text)
        if name != "from":
            assert resp.text.startswith("citygraph: error: "), name
    time.sleep(0.5)
    assert hits == []
    still = http.get("/sparql", params={"query": f"ASK {{ <{NANJING}> ?p ?o }}"}, headers={"Accept": "application/json"})
    assert still.json()["boolean"] is True
    assert http.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"}).status_code == 403


# --- --endpoint mode over a real oxigraph server ---------------------------------------------------

@pytest.mark.parametrize("path", ["/id/place/Q16666", "/id/partnership/Q11751-Q16666", "/id/event/Q11751-Q16666-suspension-2012-02-21",
                                  "/id/person/takashi-kawamura", "/ontology"])
def test_endpoint_mode_gives_the_same_pages(http, served_over_oxigraph, path):
    with httpx.Client(base_url=served_over_oxigraph, timeout=60) as remote:
        for accept in ("text/html", "text/turtle"):
            here = http.get(path, headers={"Accept": accept})
            there = remote.get(path, headers={"Accept": accept})
            assert there.status_code == 200, there.text
            if accept == "text/html" and slots(here.text):  # no local store there: a note instead of pictures
                assert not slots(there.text) and NO_STORE_NOTE in there.text and NO_STORE_NOTE not in here.text
                assert remote.get(slots(here.text)[0]).status_code == 404
                assert without_pictures(there.text) == without_pictures(here.text), path
            else:
                assert there.text == here.text, (path, accept)
        landing = remote.get("/").text
        assert not slots(landing) and NO_STORE_NOTE in landing
        api_here = http.get("/api/queries/partners", params={"format": "csv"}).text
        assert remote.get("/api/queries/partners", params={"format": "csv"}).text == api_here
        assert remote.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"}).status_code == 403


def test_api_limit_parameter_like_the_cli(http, cli):
    """most-connected's `limit` (type limit: the query's row limit) through the server's API."""
    doc = http.get("/openapi.json").json()
    limit = next(p for p in doc["paths"]["/api/queries/most-connected"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["type"] == "integer" and limit["schema"]["minimum"] == 1 and not limit["required"]
    resp = http.get("/api/queries/most-connected", params={"limit": "3", "format": "csv"})
    assert resp.status_code == 200
    assert resp.text == cli_answer(cli, "most-connected", "csv", "limit=3")
    assert len(resp.text.splitlines()) == 4  # the header and three places
    bad = http.get("/api/queries/most-connected", params={"limit": "0"})
    assert bad.status_code == 400 and "parameter 'limit'" in bad.json()["error"]


# --- --workers N: each worker a process of its own, with glibc's arenas capped (serve/memory.py) --

def _descendants(pid: int) -> list[int]:
    out = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # the process ended meanwhile
        return out
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):  # a thread (or the process) that ended meanwhile
            continue
        for child in map(int, children):
            out += [child, *_descendants(child)]
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_workers_serve_the_same_answers_with_capped_arenas(request, curated_dumps, tmp_path_factory):
    url = serve_server.start("workers", [*serve_server.curated_args(curated_dumps), "--workers", "2"], request.config,
                             tmp_path_factory.mktemp("serve-workers"))
    main = serve_server._SERVERS["workers"]["proc"].pid
    deadline = time.monotonic() + 60
    while True:  # uvicorn starts its workers after the main process listens
        workers = [p for p in _descendants(main) if b"citygraph" in _cmdline(p) or b"multiprocessing" in _cmdline(p)]
        if len(workers) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(workers) >= 2, f"expected two worker processes under {main}, found {workers}"
    for pid in workers:  # started after the cap was set: glibc read it at their start
        assert b"MALLOC_ARENA_MAX=2" in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    bodies = {httpx.get(url + "/id/place/Q16666", headers={"Accept": "text/turtle"}).content for _ in range(8)}
    assert len(bodies) == 1 and b"Q16666" in next(iter(bodies))  # whichever worker answers, one answer


def _connections_of(pids: list[int], port: int, state: str = "01") -> dict[int, int]:
    """pid -> how many TCP sockets on `port` it holds in `state` (01: established, 0A: listening),
    from /proc/net/tcp and each process's fds."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:  # on our side
                established.add(fields[9])
    counts = {}
    for pid in pids:
        links = []
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except FileNotFoundError:  # the process ended meanwhile
            fds = []
        for fd in fds:
            try:
                links.append(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile
        counts[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in established)
    return counts


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="reads /proc (Linux)")
def test_workers_share_the_connections(request, curated_dumps, tmp_path_factory):
    """Each worker listens on a socket of its own (SO_REUSEPORT): keep-alive clients land on every worker,
    not all on the one whose event loop woke first (serve/http/workers.py)."""
    url = serve_server.start("workers", [*serve_server.curated_args(curated_dumps), "--workers", "2"], request.config,
                             tmp_path_factory.mktemp("serve-workers"))
    port = int(url.rsplit(":", 1)[1])
    main = serve_server._SERVERS["workers"]["proc"].pid
    deadline = time.monotonic() + 60
    while True:  # until both workers listen: each binds its socket when it has started
        workers = [p for p in _descendants(main) if b"spawn_main" in _cmdline(p)]
        clients = [httpx.Client(base_url=url) for _ in range(16)]
        try:
            assert all(c.get("/health").status_code == 200 for c in clients)
            counts = _connections_of(workers, port)
        finally:
            for c in clients:
                c.close()
        if (len(workers) == 2 and min(counts.values()) > 0) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(workers) == 2 and sum(counts.values()) == 16, counts
    assert min(counts.values()) > 0, f"every connection went to one worker: {counts}"


def test_a_workers_socket_gives_connections_without_nagles_delay():
    """The worker's socket is TCP (IPPROTO_TCP), so asyncio sets TCP_NODELAY on each connection it accepts:
    with uvicorn's own --workers socket (protocol 0) it did not, and each keep-alive request after a
    connection's first waited ~40 ms for the client's delayed ACK."""
    from citygraph.serve.http.workers import listening_socket

    async def accepted_nodelay() -> int:
        sock = listening_socket("127.0.0.1", 0)
        seen: asyncio.Future = asyncio.get_running_loop().create_future()

        async def on_connect(reader, writer):
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        async with server:
            _r, w = await asyncio.open_connection("127.0.0.1", sock.getsockname()[1])
            value = await asyncio.wait_for(seen, 10)
            w.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_worker_that_stops_is_replaced(request, curated_dumps, tmp_path_factory):
    """`--workers 2`: a worker killed while serving is replaced by another, and the server keeps answering."""
    folder = tmp_path_factory.mktemp("serve-replaced")
    url = serve_server.start("replaced", [*serve_server.curated_args(curated_dumps), "--workers", "2"], request.config, folder)
    main = serve_server._SERVERS["replaced"]["proc"].pid

    def workers() -> list[int]:
        return [p for p in _descendants(main) if b"spawn_main" in _cmdline(p)]

    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until both workers listen (killed while starting, a worker stops the server)
        before = workers()
        if len(before) == 2 and min(_connections_of(before, port, "0A").values()) > 0:
            break
        time.sleep(0.2)
    assert len(before) == 2
    os.kill(before[0], 9)
    while time.monotonic() < deadline:
        now = workers()
        if len(now) == 2 and before[0] not in now:
            break
        time.sleep(0.2)
    now = workers()
    assert len(now) == 2 and before[0] not in now and before[1] in now, (before, now)
    answers = {httpx.Client(base_url=url).get("/health").status_code for _ in range(8)}  # new connections, either worker
    assert answers == {200}
    log = (folder / "serve-replaced.log").read_text()
    assert re.search(r"worker [12] stopped \(exit code -9\); starting another", log), log


def test_a_worker_that_fails_before_serving_stops_the_server(capfd):
    """A worker that cannot start (here: a scope that does not exist) stops the whole server with its
    exit code (2: bad input), its error said in one line, no traceback."""
    from citygraph.serve.http.server import Options, settings
    from citygraph.serve.http.workers import WorkerFailed, Workers

    opts = Options(port=serve_server.free_port(), scope="no-such-scope", workers=2)
    with pytest.raises(WorkerFailed, match="stopped .* before it served") as failed:
        Workers(opts, settings(opts)).run()
    assert failed.value.exit_code == 2
    err = capfd.readouterr().err
    assert re.search(r"citygraph: error: worker [12]: .*no-such-scope", err), err
    assert "Traceback" not in err
