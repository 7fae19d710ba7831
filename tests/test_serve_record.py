"""`citygraph serve` for real (uvicorn subprocesses on 127.0.0.1) publishing the dataset's record:
the pages of the IRIs void.ttl mints (the dataset, its named graphs, its files), `/void.ttl`
byte for byte the build's, the landing page's schema.org Dataset equal to the build's
dataset.jsonld, and — with no void.ttl to serve — the server writing the same bytes itself
(the build's code, the server's public URLs). `--endpoint` mode over a real `oxigraph serve`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

import serve_server

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/citygraph/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
PUBLIC = "https://data.example.org/citygraph/"
RDF = {".ttl": ("text/turtle", ox.RdfFormat.TURTLE), ".nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
       ".jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD), ".rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
       ".trig": ("application/trig", ox.RdfFormat.TRIG), ".nq": ("application/n-quads", ox.RdfFormat.N_QUADS)}


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=60)


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    """`citygraph build --base-url PUBLIC/download/ --sparql-endpoint PUBLIC/sparql`: the record a server at PUBLIC publishes."""
    from conftest import run_cli

    out = tmp_path_factory.mktemp("release") / "dist"
    result = run_cli("build", "--scope", "nanjing", "--out", str(out), "--base-url", PUBLIC + "download/", "--sparql-endpoint", PUBLIC + "sparql")
    assert result.exit_code == 0, result.stderr
    return out


def parsed(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=fmt)}


# --- the record of the build, served as it is ---------------------------------------------------

def test_void_ttl_is_the_builds_byte_for_byte(request, release, tmp_path_factory):
    url = serve_server.start("published", ["--scope", "nanjing", "--dumps", str(release)], request.config, tmp_path_factory.mktemp("published"))
    data = (release / "void.ttl").read_bytes()
    with client(url) as c:
        for path in ("/void.ttl", "/.well-known/void", "/dataset.ttl"):
            resp = c.get(path)
            assert resp.status_code == 200 and resp.headers["content-type"] == "text/turtle; charset=utf-8"
            assert resp.content == data, path
        assert c.get("/dataset", headers={"Accept": "text/turtle"}).content == data
        landing = c.get("/").text
        embedded = json.loads(landing.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        assert embedded == json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
        assert embedded["distribution"][0]["contentUrl"].startswith(PUBLIC + "download/")


def test_without_void_ttl_the_server_writes_the_builds_record(request, release, tmp_path_factory):
    """Over the built store, with the build's files but not its records, the server writes void.ttl and
    dataset.jsonld itself for its --public-url: the same bytes and data as the build made for that URL."""
    served = tmp_path_factory.mktemp("files") / "dist"
    shutil.copytree(release, served, ignore=shutil.ignore_patterns("void.ttl", "dataset.jsonld"))
    url = serve_server.start("generated", ["--scope", "nanjing", "--dumps", str(served), "--public-url", PUBLIC],
                             request.config, tmp_path_factory.mktemp("generated"))
    with client(url) as c:
        assert c.get("/void.ttl").content == (release / "void.ttl").read_bytes()
        landing = c.get("/").text
        embedded = json.loads(landing.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        assert embedded == json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
        assert "written by this server" in c.get("/dataset").text
        # the record's download URLs are this server's: every file it lists is downloadable here
        record = parsed(c.get("/void.ttl").content, ox.RdfFormat.TURTLE)
        downloads = sorted(t.object.value for t in record if t.predicate.value == DCAT + "downloadURL")
        assert len(downloads) >= 10 and all(d.startswith(PUBLIC + "download/") for d in downloads)
        for link in downloads:
            name = link[len(PUBLIC + "download/"):]
            got = c.get("/download/" + name)
            assert got.status_code == 200 and got.content == (served / name).read_bytes(), name
        assert ox.Triple(ox.NamedNode(BASE + "dataset"), ox.NamedNode(VOID + "sparqlEndpoint"), ox.NamedNode(PUBLIC + "sparql")) in record


def test_public_url_is_checked(cli):
    result = cli("serve", "--public-url", "ftp://example.org/x", "--port", "0")
    assert result.exit_code == 2 and "--public-url" in result.stderr


# --- pages of the IRIs the record mints ---------------------------------------------------------------

def iris_minted(http) -> dict[str, set[str]]:
    record = parsed(http.get("/void.ttl").content, ox.RdfFormat.TURTLE)
    graphs = {t.object.value for t in record if t.predicate.value == VOID + "subset"}
    files = {t.object.value for t in record if t.predicate.value == DCAT + "distribution"}
    return {"graph": graphs, "distribution": files}


def test_every_named_graph_and_file_of_the_record_has_a_page(http, curated_dumps):
    minted = iris_minted(http)
    trig_graphs = {q.graph_name.value for q in ox.parse(path=str(Path(curated_dumps) / "citygraph.trig"), format=ox.RdfFormat.TRIG)}
    assert trig_graphs <= minted["graph"] and len(minted["graph"]) >= 5  # every graph of the TriG dump is in the record
    assert {BASE + "dataset/citygraph.trig", BASE + "dataset/citygraph.nt"} <= minted["distribution"]
    counts = dict((b["g"]["value"], int(b["n"]["value"])) for b in http.get("/sparql", params={
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}, headers={"Accept": "application/json"}).json()["results"]["bindings"])
    for iri in sorted(minted["graph"] | minted["distribution"] | {BASE + "dataset"}):
        path = "/" + iri[len(BASE):]
        page = http.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        assert page.text.count("<h1>") == 1 and "Accept" in page.headers["vary"]
        assert all(f'<{path}{suffix}>; rel="alternate"' in page.headers["link"] for suffix in RDF)
        if iri in minted["graph"]:
            assert f"{counts[iri]:,}" in page.text and "creativecommons.org" in page.text
        for suffix, (media, fmt) in RDF.items():
            by_accept = http.get(path, headers={"Accept": media})
            by_suffix = http.get(path + suffix)
            assert by_accept.status_code == by_suffix.status_code == 200, (path, suffix)
            assert by_accept.content == by_suffix.content and by_accept.headers["content-type"].split(";")[0] == media
            triples = parsed(by_accept.content, fmt)
            assert any(t.subject.value == iri for t in triples), (path, suffix)
            if iri in minted["graph"]:
                listed = [t.object.value for t in triples if t.subject.value == iri and t.predicate.value == VOID + "triples"]
                assert listed == [str(counts[iri])], iri  # the record's count is the served graph's


def test_graph_licences_and_the_dataset_page(http):
    page = http.get("/dataset").text
    assert 'href="/graph/data/nanjing"' in page and 'href="/dataset/citygraph.trig"' in page and 'href="/download/citygraph.trig"' in page
    onto = http.get("/graph/ontology.ttl").content
    licence = [t.object.value for t in parsed(onto, ox.RdfFormat.TURTLE) if t.predicate.value == DCT + "license"]
    assert licence == ["https://creativecommons.org/licenses/by/4.0/"]
    landing = http.get("/").text
    assert 'href="/dataset"' in landing and 'href="/graph/data/nanjing"' in landing
    # the dumps hold void.ttl but no dataset.jsonld: the server writes the schema.org Dataset with the build's
    # code (publish/catalogue.py) for its own address, the files at /download/NAME
    schema = json.loads(landing.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    here = str(http.base_url).rstrip("/") + "/download/"
    assert schema["@type"] == "Dataset" and schema["version"] and schema["temporalCoverage"] == "1978/2019"
    assert schema["distribution"] and all(d["contentUrl"].startswith(here) for d in schema["distribution"])
    first = schema["distribution"][0]["contentUrl"][len(here):]
    assert http.get("/download/" + first).status_code == 200
    assert http.get("/graph/data/nowhere").status_code == 404
    assert http.get("/dataset/no-such-file.csv").status_code == 404
    assert http.get("/download/pictures/%2E%2E/void.ttl").status_code == 404
    folder = http.get("/download/")  # the record's dcat:accessURL and landingPage when the server writes it
    assert folder.status_code == 303 and folder.headers["location"] == "/#downloads"


def test_endpoint_mode_gives_the_same_record_pages(http, remote):
    for path in ("/dataset", "/graph/data/nanjing", "/graph/inferred", "/dataset/citygraph.trig"):
        for accept in ("text/html", "text/turtle", "application/n-quads"):
            here, there = http.get(path, headers={"Accept": accept}), remote.get(path, headers={"Accept": accept})
            assert there.status_code == 200 and there.content == here.content, (path, accept)
    assert remote.get("/void.ttl").content == http.get("/void.ttl").content


def test_endpoint_mode_without_a_record_says_so(request, oxigraph, curated_dumps, tmp_path_factory):
    endpoint = oxigraph(Path(curated_dumps) / "citygraph.trig", union=True)
    url = serve_server.start("endpoint-bare", ["--endpoint", endpoint], request.config, tmp_path_factory.mktemp("bare"))
    with client(url) as c:
        missing = c.get("/void.ttl")
        assert missing.status_code == 404 and "--dumps" in missing.text
        page = c.get("/graph/data/nanjing")
        assert page.status_code == 200 and "creativecommons.org/licenses/by/4.0/" in page.text
        assert c.get("/graph/data/nanjing.ttl").status_code == 404


def test_one_iri_of_every_kind_the_dumps_mint_has_a_page(http, curated_dumps):
    """Every IRI under the base in the TriG dump and void.ttl, grouped by kind (its first path segments):
    the first of each kind answers HTML and Turtle (fragments belong to their document's page)."""
    terms = set()
    for q in ox.parse(path=str(Path(curated_dumps) / "citygraph.trig"), format=ox.RdfFormat.TRIG):
        terms |= {q.subject, q.object, q.graph_name}
    terms |= {t.subject for t in parsed(http.get("/void.ttl").content, ox.RdfFormat.TURTLE)}
    iris = sorted({t.value.split("#", 1)[0] for t in terms if isinstance(t, ox.NamedNode) and t.value.startswith(BASE)})
    kinds: dict[str, str] = {}
    for iri in iris:
        parts = iri[len(BASE):].split("/")
        kinds.setdefault("/".join(parts[:2] if parts[0] in ("id", "vocab") else parts[:1]), iri)
    assert {"alignment", "dataset", "graph", "id/place", "id/partnership", "ontology", "vocab/role"} <= set(kinds)
    for kind, iri in sorted(kinds.items()):
        path = "/" + iri[len(BASE):]
        if not path.rstrip("/").count("/") and path.endswith("/"):
            continue  # a namespace IRI (…/vocab/) names no thing
        html = http.get(path, headers={"Accept": "text/html"})
        turtle = http.get(path, headers={"Accept": "text/turtle"})
        assert html.status_code == 200 and turtle.status_code == 200, (kind, path, html.status_code, turtle.status_code)
        assert any(t.subject.value.split("#", 1)[0] == iri or t.object == ox.NamedNode(iri) for t in parsed(turtle.content, ox.RdfFormat.TURTLE)), path


def test_a_rebuild_into_the_dumps_folder_is_the_record_at_once(request, tmp_path_factory):
    from conftest import run_cli

    out = tmp_path_factory.mktemp("rebuilt") / "dist"

    def build(date: str) -> bytes:
        result = run_cli("build", "--scope", "nanjing", "--out", str(out), "--release-date", date)
        assert result.exit_code == 0, result.stderr
        return (out / "void.ttl").read_bytes()

    first = build("2026-01-01")
    url = serve_server.start("rebuilt", ["--scope", "nanjing", "--dumps", str(out)], request.config, tmp_path_factory.mktemp("rebuilt-serve"))
    with client(url) as c:
        assert c.get("/void.ttl").content == first and b'"2026-01-01"' in first
        second = build("2026-02-02")  # the build swaps the folder in place, the server keeps running
        assert second != first and c.get("/void.ttl").content == second
        landing = c.get("/").text
        embedded = json.loads(landing.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        assert embedded["datePublished"] == "2026-02-02"
