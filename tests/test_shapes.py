"""Each SHACL shape catches what it is for: one small invalid fixture per constraint.

tests/data/invalid/<name>.ttl is a self-contained graph that breaks one rule; manifest.tsv lists
what it must produce as (severity, focus node, path, constraint component). Every fixture is
loaded with the real ontology, reasoned and validated the way `citygraph build` does it, with
both validation engines (the fast compiled checker and pyshacl, the reference), and must give
exactly its expected results: no more (the fixture breaks only that rule) and no fewer.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph
from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, data_graph
from citygraph.reason import materialise as reason
from citygraph.validate import report as validate

INVALID = Path(__file__).parent / "data" / "invalid"
MANIFEST = INVALID / "manifest.tsv"
ENGINES = ("fast", "pyshacl")


def read_manifest() -> dict[str, set[tuple]]:
    expected: dict[str, set[tuple]] = defaultdict(set)
    with MANIFEST.open(encoding="utf-8") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            name, severity, focus, path, constraint = row
            expected[name].add((severity, focus, None if path == "-" else path, constraint))
    return dict(expected)


EXPECTED = read_manifest()
FIXTURES = sorted(p.stem for p in INVALID.glob("*.ttl") if not p.name.startswith("_"))


_compile_schema = reason.compile_schema


@functools.lru_cache(maxsize=4)
def _schema_for(triples: frozenset):
    import rdflib

    g = rdflib.Graph()
    for t in triples:
        g.add(t)
    return _compile_schema(g)


def compiled_once(ontology):
    """reason.compile_schema, computed once per distinct ontology (the same for every fixture)."""
    return _schema_for(frozenset(ontology))


@pytest.fixture(autouse=True)
def _reuse_compiled_ontology(monkeypatch):
    # Closing the ontology with owlrl takes ~2 s and is identical for all 128 runs; the data
    # closure is still computed per fixture by the real reasoner.
    monkeypatch.setattr(reason, "compile_schema", compiled_once)


def validate_file(path: Path, engine: str) -> validate.ValidationReport:
    """Ontology + shapes + the file, reasoned and validated as the build does it."""
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, str(GRAPH_ONTOLOGY))
    for f in resources.shapes_files():
        load_file(store, f, str(GRAPH_SHAPES))
    graph = str(data_graph("fixture"))
    load_file(store, path, graph)
    built = BuiltGraph(store=store, ontology_graphs=[str(GRAPH_ONTOLOGY)], shape_graphs=[str(GRAPH_SHAPES)], data_graphs=[graph])
    reason.materialise(built)
    return validate.validate_built(built, engine=engine)


def meaning(report: validate.ValidationReport) -> set[tuple]:
    return {(r.severity, r.focus, r.path, r.constraint) for r in report.results}


def test_the_shipped_data_conforms_without_warnings(curated):
    # the build's own report (default engine): no violation, and nothing desirable missing either
    assert curated.report.conforms
    assert curated.report.results == []


def test_the_shipped_data_conforms_under_the_reference_engine(curated):
    report = validate.validate_built(curated, engine="pyshacl")
    assert [r for r in report.results] == []


def test_every_fixture_has_expectations_and_every_expectation_a_fixture():
    assert set(FIXTURES) == set(EXPECTED)


def test_how_many_fixtures_ran():
    # A filter or a lost file must not shrink the suite silently: 66 fixtures, 2 engines each.
    assert len(FIXTURES) == 66
    assert len(FIXTURES) * len(ENGINES) == 132


@pytest.mark.parametrize("engine", ENGINES)
def test_the_context_fixtures_start_from_is_valid(engine):
    report = validate_file(INVALID / "_valid-context.ttl", engine)
    assert report.results == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", FIXTURES)
def test_invalid_fixture_is_caught(name, engine):
    report = validate_file(INVALID / f"{name}.ttl", engine)
    assert meaning(report) == EXPECTED[name]
    assert all(r.message for r in report.results)


def test_every_constraint_has_a_message_that_says_what_and_how():
    """Every property shape and SPARQL constraint carries a sh:message (what is wrong and the fix)."""
    store = ox.Store()
    for f in resources.shapes_files():
        load_file(store, f, None)
    q = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    SELECT ?shape WHERE {
      { ?shape a sh:PropertyShape } UNION { ?shape a sh:SPARQLConstraint }
      UNION { ?shape a sh:NodeShape ; sh:targetClass|sh:targetSubjectsOf|sh:targetObjectsOf ?t FILTER NOT EXISTS { ?shape sh:property|sh:sparql ?x } }
      FILTER NOT EXISTS { ?shape sh:message ?m }
      # helpers used only inside the vocabulary-scheme checks carry no target and no message
      FILTER NOT EXISTS { ?shape sh:path <http://www.w3.org/2004/02/skos/core#inScheme> }
    }"""
    missing = sorted(str(row["shape"]) for row in store.query(q, use_default_graph_as_union=True))
    assert missing == []


def test_shapes_graph_has_no_blank_nodes():
    for f in resources.shapes_files():
        store = ox.Store()
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
        assert not any(isinstance(t, ox.BlankNode) for q in store for t in (q.subject, q.object)), f


def test_messages_name_the_fix():
    """A message says what to do: each contains an instruction (add/give/write/use/...)."""
    store = ox.Store()
    for f in resources.shapes_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    verbs = ("add", "give", "write", "use", "say", "point", "type", "check", "keep", "replace", "list", "tag")
    rows = store.query("SELECT ?s ?m WHERE { ?s <http://www.w3.org/ns/shacl#message> ?m }")
    vague = [str(r["s"]) for r in rows if not any(v in r["m"].value.lower() for v in verbs)]
    assert vague == []
