"""The parts of `citygraph publish` that need no store: endpoints, credentials, geometry comparison."""

from __future__ import annotations

import pytest

from citygraph.errors import BadInput
from citygraph.publish import graph_store as gs


@pytest.mark.parametrize(("graph_store", "sparql"), [
    ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/query"),
    ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql"),
    ("http://h:8890/sparql-graph-crud", "http://h:8890/sparql"),
    ("http://h:3030/ds/data", "http://h:3030/ds/sparql"),
    ("http://h/rdf4j/repositories/r/rdf-graphs/service", "http://h/rdf4j/repositories/r"),
])
def test_the_sparql_endpoint_beside_a_known_graph_store(graph_store, sparql):
    assert gs.sparql_endpoint_for(graph_store) == sparql


def test_an_unknown_layout_asks_for_sparql():
    with pytest.raises(BadInput, match="give it with --sparql URL"):
        gs.target("http://h/somewhere", environ={})
    assert gs.target("http://h/somewhere", "http://h/q", environ={}).sparql == "http://h/q"


def test_credentials_in_the_url_are_refused_without_echoing_them(cli):
    result = cli("publish", "--graph-store", "http://dba:secret@127.0.0.1:1/store", "--scope", "nanjing")
    assert result.exit_code == 2
    assert "secret" not in result.stderr
    assert "CITYGRAPH_STORE_USER" in result.stderr


def test_credentials_come_from_the_environment_then_netrc(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine store.example login alice password wonder\n")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc)}
    assert gs.credentials("https://store.example/data", env) == ("alice", "wonder")
    assert gs.credentials("https://other.example/data", env) is None
    env |= {gs.ENV_USER: "bob", gs.ENV_PASSWORD: "builder"}
    assert gs.credentials("https://store.example/data", env) == ("bob", "builder")
    with pytest.raises(BadInput, match="set both"):
        gs.credentials("https://store.example/data", {gs.ENV_USER: "bob", "NETRC": str(netrc)})


def test_a_broken_netrc_is_named(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine\n")
    with pytest.raises(BadInput, match=str(netrc)):
        gs.credentials("https://store.example/data", {"NETRC": str(netrc)})


@pytest.mark.parametrize(("a", "b", "same"), [
    ("POINT(17.0 -22.0)", "POINT(17 -22)", True),
    ("POINT(30.3449 53.9168)", "POINT(30.344900131226 53.916801452637)", True),  # Virtuoso's single precision
    ("POINT(30.3449 53.9168)", "POINT(30.3450 53.9168)", False),
    ("POINT(1 2)", "POINT(2 1)", False),
    ("POINT(1 2)", "LINESTRING(1 2)", False),
])
def test_geometries_compare_by_coordinates(a, b, same):
    assert gs.same_geometry(a, b) is same
