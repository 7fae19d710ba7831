"""The same answers on a real SPARQL server: every local stored query, run on an Oxigraph server.

The session starts `oxigraph serve --union-default-graph` on 127.0.0.1 and a free port, with the
curated core loaded by `oxigraph load`, and stops it when the session ends. Nothing touches the
internet (the federated examples are never run).
"""

from __future__ import annotations

import collections
import socket
import threading
import time

import pytest
import rdflib
import rdflib.compare

from citygraph.query import catalogue
from citygraph.query import run as runner
from citygraph.query.results import write
from stores import free_port

LOCAL_QUERIES = sorted(q.name for q in catalogue.catalogue() if not q.federated)


def same_answer(query, local, remote):
    assert local.form == remote.form
    if local.is_graph:
        g1, g2 = rdflib.Graph(), rdflib.Graph()
        g1.parse(data=write(local, "ntriples"), format="nt")
        g2.parse(data=write(remote, "ntriples"), format="nt")
        assert len(g1) > 0 and rdflib.compare.isomorphic(g1, g2)
        assert set(local.triples) == set(remote.triples)  # the same pyoxigraph terms, not only the same graph
    elif local.form == "ASK":
        assert local.boolean == remote.boolean
    else:
        assert local.variables == remote.variables
        assert local.rows, "an empty answer proves nothing"
        if "ORDER BY" in query.text.upper():
            assert local.rows == remote.rows
        else:
            assert collections.Counter(local.rows) == collections.Counter(remote.rows)


def test_the_suite_covers_every_local_query():
    assert len(LOCAL_QUERIES) >= 16


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_same_answer_locally_and_on_the_server(curated, oxigraph_server, name):
    q = catalogue.get(name)
    params = q.example_values()
    local = runner.run(q, params, store=curated.store)
    remote = runner.run(q, params, endpoint=oxigraph_server, timeout=30)
    same_answer(q, local, remote)


def _formats(name):
    from citygraph.query.results import FORMATS

    form = catalogue.get(name).form
    return [f for f, (_writer, forms) in FORMATS.items() if form in forms]


@pytest.mark.parametrize("name, fmt", [(n, f) for n in LOCAL_QUERIES for f in _formats(n)])
def test_cli_output_is_byte_identical_locally_and_remotely(cli, curated_nquads, oxigraph_server, name, fmt):
    """Every local query in every format it has: the same bytes from the dump and from the server."""
    args = [a for k, v in catalogue.get(name).example_values().items() for a in ("-p", f"{k}={v}")]
    local = cli("query", name, *args, "--format", fmt, "--graph", curated_nquads)
    remote = cli("query", name, *args, "--format", fmt, "--endpoint", oxigraph_server)
    assert local.exit_code == remote.exit_code == 0, (local.stderr, remote.stderr)
    assert local.stdout == remote.stdout and local.stdout.strip()


def test_the_api_runs_on_the_endpoint(oxigraph_server):
    import citygraph

    rows = citygraph.run_query("status-on", endpoint=oxigraph_server, date="2012-02-21")  # "on the 21 February"
    assert {r["tie"]: r["status"] for r in rows}["https://w3id.org/citygraph/id/partnership/Q11751-Q16666"] == "suspended"


def test_unreachable_endpoint_exits_3(cli):
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    result = cli("query", "partners", "--endpoint", url, "--timeout", "5")
    assert result.exit_code == 3
    assert url in result.stderr and "Traceback" not in result.stderr


def test_http_error_exits_3(cli, oxigraph_server):
    url = oxigraph_server.rsplit("/", 1)[0] + "/no-such-service"
    result = cli("query", "partners", "--endpoint", url)
    assert result.exit_code == 3 and url in result.stderr


def test_silent_endpoint_times_out_with_exit_3(cli):
    """A server that accepts the connection and never answers: --timeout ends the wait."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/query"
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = cli("query", "partners", "--endpoint", url, "--timeout", "1")
        assert result.exit_code == 3 and url in result.stderr
        assert time.monotonic() - started < 30
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()



@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
@pytest.mark.parametrize("ask, answer", [("ASK { ?a cg:twinnedWith place:Q11751 }", True), ("ASK { ?a cg:twinnedWith place:Q16666 , place:Q17 }", False)])
def test_ask_is_the_same_on_the_server(cli, curated_nquads, oxigraph_server, tmp_path, fmt, ask, answer):
    rq = tmp_path / "ask.rq"
    rq.write_text("PREFIX cg: <https://w3id.org/citygraph/ontology#>\n"
                  "PREFIX place: <https://w3id.org/citygraph/id/place/>\n" + ask + "\n", encoding="utf-8")
    local = cli("query", "--file", rq, "--format", fmt, "--graph", curated_nquads)
    remote = cli("query", "--file", rq, "--format", fmt, "--endpoint", oxigraph_server)
    assert local.exit_code == remote.exit_code == 0
    assert local.stdout == remote.stdout
    assert ("true" if answer else "false") in local.stdout.lower() or ("yes" if answer else "no") in local.stdout
