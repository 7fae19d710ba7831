"""The notebook API: light answers, typed data frames, any SPARQL on the built graph."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

import citygraph
from citygraph import build as build_module
from citygraph.errors import BadInput

NAGOYA = "https://w3id.org/citygraph/id/place/Q11751"


@pytest.fixture
def trig(curated_dumps):
    return curated_dumps / "citygraph.trig"


@pytest.fixture
def cached(tmp_path, monkeypatch, curated):
    """A fresh cache whose one build is the session's curated build (scope nanjing)."""
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(build_module, "build", lambda *a, **k: curated)
    return curated


def test_construct_answers_are_light_triples_with_rdflib_on_request(trig):
    triples = citygraph.run_query("twinned-with", graph=trig, city="place:Q11751")
    assert isinstance(triples, citygraph.query.api.Triples) and len(triples) == 2
    assert all(isinstance(t, ox.Triple) for t in triples)
    assert "rdflib" not in type(triples).__module__
    graph = triples.to_rdflib()
    assert len(graph) == 2 and {str(s) for s in graph.subjects()} >= {NAGOYA}
    lines = triples.ntriples().splitlines()
    assert lines == sorted(set(lines))  # the dumps' byte order


def test_sparql_runs_any_query_form(trig):
    rows = citygraph.sparql(f"SELECT ?label WHERE {{ <{NAGOYA}> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
                            "FILTER(LANG(?label) = 'en') }", graph=trig)
    assert rows.variables == ["label"] and [r["label"] for r in rows] == ["Nagoya"]
    assert citygraph.sparql(f"ASK {{ <{NAGOYA}> ?p ?o }}", graph=trig) is True
    described = citygraph.sparql(f"DESCRIBE <{NAGOYA}>", graph=trig)
    assert described and all(t.subject == ox.NamedNode(NAGOYA) for t in described)
    with pytest.raises(BadInput, match="SERVICE"):
        citygraph.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", graph=trig)
    with pytest.raises(BadInput, match="does not parse"):
        citygraph.sparql("SELECT WHERE {", graph=trig)


def test_to_dataframe_gives_typed_columns(trig):
    pytest.importorskip("pandas")
    rows = citygraph.sparql(
        'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n'
        'SELECT ?day ?n ?share ?year ?flag ?mixed WHERE { VALUES (?day ?n ?share ?year ?flag ?mixed) {\n'
        '  ("2015-01-01"^^xsd:date 3 2.5 "2019"^^xsd:gYear true "2019"^^xsd:gYear)\n'
        '  ("2016-02-29"^^xsd:date UNDEF 0.5e0 "2020"^^xsd:gYear false "2020-05-01"^^xsd:date) } }', graph=trig)
    frame = rows.to_dataframe()
    assert str(frame["day"].dtype).startswith("datetime64")
    assert frame["day"].iloc[1].day == 29
    assert str(frame["n"].dtype) == "Int64" and frame["n"].iloc[0] == 3 and frame["n"].isna().iloc[1]
    assert str(frame["share"].dtype) == "float64" and list(frame["share"]) == [2.5, 0.5]
    assert str(frame["flag"].dtype) == "boolean" and not frame["flag"].iloc[1]
    assert list(frame["year"]) == ["2019", "2020"]  # a year is not a date
    assert list(frame["mixed"]) == ["2019", "2020-05-01"]


def test_store_and_dataset_come_from_the_built_graph(cached):
    store = citygraph.store(scope="nanjing")
    assert len(store) == len(cached.store)
    dataset = citygraph.dataset(scope="nanjing")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert set(cached.graph_sizes()) <= names
    assert len(citygraph.sparql("SELECT ?s WHERE { ?s a <https://w3id.org/citygraph/ontology#Partnership> }",
                                scope="nanjing")) > 10


def test_import_citygraph_stays_light_with_the_new_api():
    code = ("import sys, citygraph; assert callable(citygraph.sparql) and callable(citygraph.store); "
            "print(sorted(m for m in ('rdflib', 'pandas', 'yaml') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
