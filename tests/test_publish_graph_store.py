"""`citygraph publish --graph-store`: the curated build pushed into two real stores.

Each store (Oxigraph, Virtuoso) runs on 127.0.0.1 with a temporary database (tests/stores.py).
What the store holds is asked through its own SPARQL endpoint with SPARQLWrapper, independently
of the checks publish makes itself.
"""

from __future__ import annotations

import urllib.request

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from citygraph.namespaces import GRAPH
from citygraph.publish import graph_store as gs
from conftest import run_cli
from stores import STARTERS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=sorted(STARTERS))
def store(request, tmp_path_factory):
    s = STARTERS[request.param](tmp_path_factory.mktemp(request.param))
    yield s
    s.stop()


@pytest.fixture
def env(store, monkeypatch, tmp_path):
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.delenv(gs.ENV_USER, raising=False)
    monkeypatch.delenv(gs.ENV_PASSWORD, raising=False)
    for k, v in store.env.items():
        monkeypatch.setenv(k, v)
    return store


def counts_in(store) -> dict[str, int]:
    """Triples per named graph, asked through the store's SPARQL endpoint."""
    client = SPARQLWrapper(store.sparql)
    client.setReturnFormat(JSON)
    client.setQuery(f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }} GROUP BY ?g')
    rows = client.queryAndConvert()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def build_counts(curated) -> dict[str, int]:
    return {g: n for g, n in curated.graph_sizes().items() if g}


def publish(store, *args):
    return run_cli("publish", "--graph-store", store.graph_store, "--scope", "nanjing", *args)


def test_publish_puts_every_graph_with_the_builds_triples_and_a_rerun_changes_nothing(env, curated):
    first = publish(env)
    assert first.exit_code == 0, first.stderr
    assert counts_in(env) == build_counts(curated)
    for graph in build_counts(curated):
        assert any(graph in line and ("replaced" in line or "unchanged" in line) for line in first.stdout.splitlines())

    second = publish(env)
    assert second.exit_code == 0, second.stderr
    assert counts_in(env) == build_counts(curated)
    actions = [line.split()[1] for line in second.stdout.splitlines()[1:]]
    assert actions == ["unchanged"] * len(build_counts(curated))


def _add_triple(store, graph: str) -> None:
    """Add one foreign triple to `graph` straight through the store's Graph Store endpoint."""
    t = gs.target(store.graph_store, store.sparql)
    body = b"<https://example.org/s> <https://example.org/p> \"not from the build\" .\n"
    req = urllib.request.Request(f"{store.graph_store}?graph={graph}", data=body, method="POST",
                                 headers={"Content-Type": "application/n-triples"})
    with t.opener.open(req, timeout=30):
        pass


def test_a_graph_that_differs_is_named_with_exit_3_and_replaced_by_the_next_publish(env, curated):
    assert publish(env).exit_code == 0
    graph = GRAPH["data/nanjing"].value
    _add_triple(env, graph)

    checked = publish(env, "--check")
    assert checked.exit_code == 3
    assert checked.stderr.startswith("citygraph: error: graph " + graph)
    assert f"the build {build_counts(curated)[graph]}" in checked.stderr

    merged = publish(env, "--merge")  # merge keeps the foreign triple; every build triple is there
    assert merged.exit_code == 0, merged.stderr
    assert counts_in(env)[graph] == build_counts(curated)[graph] + 1

    fixed = publish(env, "--chunk", "300")  # data/nanjing in several requests: PUT, then POSTs
    assert fixed.exit_code == 0, fixed.stderr
    actions = {line.split()[2]: line.split()[1] for line in fixed.stdout.splitlines()[1:]}
    assert actions[graph] == "replaced"
    assert {a for g, a in actions.items() if g != graph} == {"unchanged"}
    assert counts_in(env) == build_counts(curated)


def test_a_trig_dump_publishes_the_same_graphs(env, curated, curated_dumps):
    result = run_cli("publish", "--graph-store", env.graph_store, "--graph", curated_dumps / "citygraph.trig")
    assert result.exit_code == 0, result.stderr
    assert counts_in(env) == build_counts(curated)


def test_only_publishes_the_named_graph(env, curated):
    result = publish(env, "--only", "data/nanjing")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    bad = publish(env, "--only", "data/nowhere")
    assert bad.exit_code == 2
    assert "--only data/nowhere: the build has no such graph" in bad.stderr


@pytest.mark.parametrize("kind", sorted(STARTERS))
def test_a_store_stopped_midway_is_reported_graph_by_graph(kind, curated, tmp_path, monkeypatch):
    store = STARTERS[kind](tmp_path / kind)
    try:
        for k, v in store.env.items():
            monkeypatch.setenv(k, v)
        t = gs.target(store.graph_store, store.sparql, timeout=30)
        graphs = gs.publishable_graphs(curated.store)
        pushed = []

        def stop_after_first(outcome):
            pushed.append(outcome.graph)
            store.stop()

        with pytest.raises(gs.PartialPublish) as err:
            gs.publish(curated.store, t, on_graph=stop_after_first)
        assert pushed == graphs[:1]
        assert err.value.done == graphs[:1]
        assert err.value.failed == graphs[1]
        assert err.value.untouched == graphs[2:]
        message = str(err.value)
        assert f"already holding this build: {graphs[0]};" in message
        assert f"may hold part of it: {graphs[1]};" in message
        assert f"not touched (previous content): {', '.join(graphs[2:])};" in message
        assert gs.ENV_PASSWORD not in message and "dba" not in message
    finally:
        store.stop()


def test_stopped_store_exits_3_naming_the_first_graph(tmp_path, monkeypatch):
    store = STARTERS["oxigraph"](tmp_path / "ox")
    store.stop()
    monkeypatch.delenv(gs.ENV_USER, raising=False)
    result = publish(store)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"citygraph: error: --graph-store {store.graph_store}: the store failed while writing graph ")
    assert "already holding this build: none" in result.stderr


def test_virtuoso_refuses_without_credentials_and_takes_them_from_netrc(curated, tmp_path, monkeypatch):
    store = STARTERS["virtuoso"](tmp_path / "vt")
    try:
        monkeypatch.delenv(gs.ENV_USER, raising=False)
        monkeypatch.delenv(gs.ENV_PASSWORD, raising=False)
        monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
        refused = publish(store, "--only", "ontology")
        assert refused.exit_code == 3
        assert "HTTP 401" in refused.stderr

        (tmp_path / "netrc").write_text("machine 127.0.0.1 login dba password dba\n")
        (tmp_path / "netrc").chmod(0o600)
        accepted = publish(store, "--only", "ontology")
        assert accepted.exit_code == 0, accepted.stderr
        assert counts_in(store) == {GRAPH["ontology"].value: build_counts(curated)[GRAPH["ontology"].value]}
        assert "dba" not in accepted.stdout + accepted.stderr
    finally:
        store.stop()


