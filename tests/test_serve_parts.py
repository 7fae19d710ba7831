"""The server's parts without a server: content negotiation, the read-only check, the OpenAPI
document generated from the stored-query headers, the query gate, IRI <-> path mapping, and
the escaping helpers. (The server itself is tested for real in test_serve_http.py.)"""

from __future__ import annotations

import asyncio
import threading

import pyoxigraph as ox
import pytest

from citygraph.errors import BadInput
from citygraph.query import results
from citygraph.query.catalogue import catalogue
from citygraph.serve.api import openapi
from citygraph.serve.http import media
from citygraph.serve.http.backend import LocalBackend, ReadOnly, query_form
from citygraph.serve.http.limits import Busy, Gate, Limits, TimedOut
from citygraph.serve.pages.render import script_json, term_html
from citygraph.serve.site import Site


@pytest.mark.parametrize("accept,kinds,expected", [
    ("text/html,application/xhtml+xml,*/*;q=0.8", ("html", "graph"), "html"),
    ("text/turtle", ("html", "graph"), "turtle"),
    ("application/ld+json;q=0.9, application/n-triples", ("html", "graph"), "ntriples"),
    ("application/rdf+xml", ("html", "graph"), "rdfxml"),
    ("application/trig", ("html", "graph"), "trig"),
    ("application/n-quads;q=0.9, text/html;q=0.5", ("html", "graph"), "nquads"),
    ("application/n-quads", ("results",), None),
    ("*/*", ("html", "graph"), "html"),
    (None, ("results",), "json"),
    ("application/sparql-results+json,application/json,text/javascript,application/javascript", ("results",), "json"),
    ("text/csv", ("results",), "csv"),
    ("application/xml", ("results",), "xml"),
    ("text/*", ("results",), "csv"),
    ("image/png", ("results",), None),
    ("text/turtle;q=0", ("graph",), None),
])
def test_negotiate(accept, kinds, expected):
    fmt = media.negotiate(accept, kinds, default="html" if "html" in kinds else None)
    assert (fmt.name if fmt else None) == expected


def test_suffixes_and_names():
    assert media.split_suffix("/id/place/Q1.ttl") == ("/id/place/Q1", media.BY_NAME["turtle"])
    assert media.split_suffix("/id/place/Q1.jsonld")[1].name == "jsonld"
    assert media.split_suffix("/id/place/Q1") == ("/id/place/Q1", None)
    assert media.by_name("json-ld", ("graph",)).name == "jsonld"
    assert media.by_name("xml", ("graph",)).name == "rdfxml"
    assert media.by_name("xml", ("results",)).name == "xml"
    assert media.by_name("csv", ("graph",)) is None
    assert media.split_suffix("/id/place/Q1.trig") == ("/id/place/Q1", media.BY_NAME["trig"])
    assert media.split_suffix("/id/place/Q1.nq")[1].name == "nquads"
    assert media.by_name("nq", ("graph",)).name == media.by_name("n-quads", ("graph",)).name == "nquads"
    assert media.by_name("trig", ("results",)) is None


def test_the_protocol_dataset_on_the_local_store():
    """default-graph-uri / named-graph-uri make the dataset as SPARQL 1.1 Query 13.2 says; none: the union."""
    store = ox.Store()
    g1, g2 = ox.NamedNode("urn:g1"), ox.NamedNode("urn:g2")
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1"), g1))
    store.add(ox.Quad(ox.NamedNode("urn:b"), ox.NamedNode("urn:p"), ox.Literal("2"), g2))
    backend = LocalBackend(store=store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"

    def ask(text, default=(), names=()):
        rows = backend.ask(text, default_graphs=list(default), named_graphs=list(names)).result.rows
        return [r[0].value for r in rows]

    assert ask(count) == ["2"] and ask(named) == ["urn:g1", "urn:g2"]
    assert ask(count, default=["urn:g1"]) == ["1"] and ask(named, default=["urn:g1"]) == []
    assert ask(count, names=["urn:g2"]) == ["0"] and ask(named, names=["urn:g2"]) == ["urn:g2"]
    assert ask(count, default=["urn:g1", "urn:g2"], names=["urn:g1"]) == ["2"]
    with pytest.raises(BadInput, match="default-graph-uri"):
        ask(count, default=["not an iri"])


@pytest.mark.parametrize("text", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x>", "CLEAR ALL", "DROP GRAPH <urn:g>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_read_only_errors(text):
    with pytest.raises(ReadOnly, match="read-only"):
        query_form(text)


def test_query_forms_and_words_in_strings():
    assert query_form('# INSERT in a comment\nSELECT ("DELETE" AS ?x) {}') == "SELECT"
    assert query_form("PREFIX ex: <urn:load#> CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    with pytest.raises(BadInput):
        query_form("hello")


def test_local_backend_caps_rows_and_refuses_services():
    store = ox.Store()
    for i in range(30):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), ox.NamedNode("urn:g")))
    backend = LocalBackend(store=store, max_rows=10, allowed_services=())
    answer = backend.ask("SELECT * WHERE { ?s ?p ?o }")
    assert answer.truncated and len(answer.result.rows) == 10
    assert not backend.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 10").truncated
    with pytest.raises(BadInput, match="allow-list"):
        backend.ask("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_a_rows_values_follow_the_projection_order_with_unbound_as_none():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    text = "SELECT ?o ?missing ?s WHERE { ?s ?p ?o OPTIONAL { ?s <urn:q> ?missing } }"
    local = LocalBackend(store=store).ask(text).result
    assert local.variables == ["o", "missing", "s"]
    assert local.rows == [(ox.Literal("o"), None, ox.NamedNode("urn:s"))]
    assert results.run_local(text, store).rows == local.rows  # the CLI's path reads rows the same way

def test_a_workers_error_is_the_commands_one_line_and_a_crash_exits_4():
    from citygraph.errors import error_line
    from citygraph.serve.http.workers import WorkerFailed

    assert error_line("worker 1: the store\n  is locked\t(by pid 7)") == "citygraph: error: worker 1: the store is locked (by pid 7)"
    assert [WorkerFailed("x", code).exit_code for code in (1, 2, 3, 4, 0, -9, 17, None)] == [1, 2, 3, 4, 4, 4, 4, 4]

def test_openapi_has_one_operation_per_stored_query():
    queries = catalogue()
    doc = openapi(queries)
    ops = {p: v["get"] for p, v in doc["paths"].items() if p.startswith("/api/queries/")}
    assert set(ops) == {f"/api/queries/{q.name}" for q in queries}
    for q in queries:
        params = {p["name"]: p for p in ops[f"/api/queries/{q.name}"]["parameters"]}
        assert set(params) == {p.name for p in q.parameters} | {"format"}
        for p in q.parameters:
            assert params[p.name]["required"] == p.required
        assert ops[f"/api/queries/{q.name}"]["summary"] == q.summary


def test_gate_queues_then_refuses_and_times_out():
    release = threading.Event()

    async def scenario():
        gate = Gate(Limits(concurrent=1, queue=1, queue_wait=0.2, timeout=5))
        first = asyncio.ensure_future(gate.run(lambda: release.wait(5) and "first"))
        await asyncio.sleep(0.05)
        second = asyncio.ensure_future(gate.run(lambda: "second"))  # waits in the queue
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):  # the queue (1) is full
            await gate.run(lambda: "third")
        with pytest.raises(Busy):  # the queued one waited past queue_wait
            await second
        release.set()
        assert await first == "first"
        assert await gate.run(lambda: "later") == "later"
        slow = threading.Event()
        with pytest.raises(TimedOut):
            await gate.run(lambda: slow.wait(2), timeout=0.1)
        slow.set()
        gate.close()

    asyncio.run(scenario())


def test_paths_and_links():
    site = Site(backend=LocalBackend(store=ox.Store()))
    assert site.iri_for("/id/place/Q1") == "https://w3id.org/citygraph/id/place/Q1"
    assert site.href("https://w3id.org/citygraph/id/place/Q1") == "/id/place/Q1"
    assert site.href("https://w3id.org/citygraph/ontology#City") == "/ontology#City"
    assert site.href("http://www.wikidata.org/entity/Q1") == "http://www.wikidata.org/entity/Q1"


def test_escaping_helpers():
    evil = "</script><script>alert(1)</script>"
    assert "<" not in script_json({"name": evil})
    html = term_html(ox.Literal(evil, language="en"), {}, lambda i: i)
    assert "<script>" not in html and "&lt;/script&gt;" in html
    link = term_html(ox.NamedNode("urn:x"), {"urn:x": '"><img src=x onerror=alert(1)>'}, lambda i: "/x")
    assert "<img" not in link


def test_cli_refuses_bad_options_before_any_work(cli, tmp_path):
    import socket

    missing = cli("serve", "--dumps", tmp_path / "no-such-folder")
    assert missing.exit_code == 2 and missing.stderr.startswith("citygraph: error: --dumps")
    mixed = cli("serve", "--endpoint", "http://127.0.0.1:9/sparql", "--scope", "nanjing")
    assert mixed.exit_code == 2 and "do not apply with --endpoint" in mixed.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = cli("serve", "--port", busy.getsockname()[1])
    assert taken.exit_code == 2 and "cannot listen there" in taken.stderr and "choose another port" in taken.stderr


