"""`citygraph serve` under hostile input: a real server started with tight limits and an `--add`
file whose labels are HTML/JavaScript (tests/data/serve/xss.ttl; tests/data/pictures/evil-labels.ttl
adds a partner of Nanjing labelled with markup, so it is on Nanjing's map). Time limit -> 503, row cap
and body cap -> 413, a full queue -> 503 with Retry-After, and every label rendered inert.
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import time
import xml.etree.ElementTree as ET

import httpx
import pytest

import serve_server

pytestmark = pytest.mark.slow

SVG = "{http://www.w3.org/2000/svg}"
# ~30 million solutions on the curated build: seconds of work in the engine, one row out.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="session")
def tight(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-tight")
    return serve_server.start("tight", serve_server.TIGHT_ARGS, request.config, folder)


def wait_idle(url: str) -> None:
    """Wait until the one query slot is free again (the slow query has really finished)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if httpx.get(url + "/health", timeout=30).status_code == 200:
            return
        time.sleep(0.5)
    raise AssertionError("the server never became idle")


def test_time_limit_gives_503_with_the_reason(tight):
    wait_idle(tight)
    started = time.monotonic()
    resp = httpx.get(tight + "/sparql", params={"query": SLOW}, headers={"Accept": "application/json"}, timeout=60)
    assert resp.status_code == 503
    assert "longer than 1 s" in resp.text
    assert time.monotonic() - started < 8  # answered at the limit, not when the engine finished
    wait_idle(tight)


def test_full_queue_gives_503_with_retry_after(tight):
    wait_idle(tight)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        slow = pool.submit(httpx.get, tight + "/sparql", params={"query": SLOW}, timeout=60)
        time.sleep(0.3)  # the slow query holds the only slot
        busy = httpx.get(tight + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        slow.result()
    assert busy.status_code == 503 and busy.headers["retry-after"].isdigit()
    assert "busy" in busy.text
    wait_idle(tight)


def test_row_cap_gives_413_and_a_limit_fits(tight):
    wait_idle(tight)
    over = httpx.get(tight + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=60)
    assert over.status_code == 413 and "more than 50 rows" in over.text
    under = httpx.get(tight + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"}, headers={"Accept": "text/csv"}, timeout=60)
    assert under.status_code == 200 and len(list(csv.reader(io.StringIO(under.text)))) == 51
    page = httpx.get(tight + "/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=60)
    assert page.status_code == 200 and "truncated" in page.text
    nanjing_rdf = httpx.get(tight + "/id/place/Q16666.ttl", timeout=60)  # Nanjing is in more than 50 triples
    assert nanjing_rdf.status_code == 413 and "LIMIT and OFFSET" in nanjing_rdf.text
    nanjing = httpx.get(tight + "/id/place/Q16666", timeout=60)
    assert nanjing.status_code == 200 and "the page shows the first ones" in nanjing.text


def test_body_cap_gives_413(tight):
    text = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    resp = httpx.post(tight + "/sparql", content=text, headers={"Content-Type": "application/sparql-query"}, timeout=60)
    assert resp.status_code == 413 and "2,000 bytes" in resp.text


def test_hostile_labels_render_as_text(tight):
    wait_idle(tight)
    for path in ("/id/person/xss-test", "/id/place/Q16666", "/search?q=mallory", "/id/place/mallory",
                 "/query?name=search&text=mallory&run=1"):
        page = httpx.get(tight + path, timeout=60).text
        assert "<script>window.citygraphPwned" not in page, path
        assert "<img src=x" not in page, path
        assert "</script><script>" not in page, path
    nanjing = httpx.get(tight + "/id/place/Q16666", timeout=60).text
    assert "<script>alert(" not in nanjing
    picture = httpx.get(tight + "/pictures/id/place/Q16666/map.svg", timeout=60)  # the map the page names, its own request
    assert 'data-picture="/pictures/id/place/Q16666/map.svg"' in nanjing and picture.headers["content-type"] == "image/svg+xml"
    assert b"<script" not in picture.content and b"<img" not in picture.content
    svg = ET.fromstring(picture.content)
    evil = [a for a in svg.iter(SVG + "a") if "partner" in a.attrib.get("class", "") and a.attrib["data-tie"].endswith("test-script-label")]
    assert len(evil) == 1 and evil[0].findtext(SVG + "title", "").startswith("<script>alert(1)</script>")  # on the map, as text
    person = httpx.get(tight + "/id/person/xss-test", timeout=60).text
    assert "&lt;script&gt;window.citygraphPwned = &#39;label&#39;&lt;/script&gt;Mallory" in person
    jsonld = person.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003cscript\\u003e" in jsonld and "<" not in jsonld
