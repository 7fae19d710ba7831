"""The fast SHACL checker (fastshacl.py) gives pyshacl's report, result for result.

tests/test_shapes.py checks each engine against the fixtures' expected meaning; this file checks
the two engines against each other on everything a result carries (severity, focus, path,
constraint, shape, message, value) — on every invalid fixture and on the curated data — and that
the fast engine is really used for our shapes (no silent fallback to pyshacl).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph
from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, data_graph
from citygraph.reason import materialise as reason
from citygraph.validate import fastshacl
from citygraph.validate import report as validate

INVALID = Path(__file__).parent / "data" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.glob("*.ttl"))


@functools.lru_cache(maxsize=1)
def _ontology_store() -> ox.Store:
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, str(GRAPH_ONTOLOGY))
    for f in resources.shapes_files():
        load_file(store, f, str(GRAPH_SHAPES))
    return store


def built_for(path: Path) -> BuiltGraph:
    store = ox.Store()
    store.extend(_ontology_store())
    graph = str(data_graph("fixture"))
    load_file(store, path, graph)
    built = BuiltGraph(store=store, ontology_graphs=[str(GRAPH_ONTOLOGY)], shape_graphs=[str(GRAPH_SHAPES)], data_graphs=[graph])
    reason.materialise(built)
    return built


def differences(fast: validate.ValidationReport, ref: validate.ValidationReport) -> str:
    f, r = set(fast.results), set(ref.results)
    lines = [f"fast only: {x}" for x in sorted(f - r)] + [f"pyshacl only: {x}" for x in sorted(r - f)]
    return "\n".join(lines)


def test_our_shapes_are_within_the_fast_checkers_subset():
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                 for q in _ontology_store().quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH_SHAPES))))
    assert fastshacl.unsupported(fastshacl.ShapesGraph(store, ox.DefaultGraph())) == []


def test_the_suite_is_not_empty():
    assert len(FIXTURES) >= 50


@pytest.mark.parametrize("name", FIXTURES)
def test_fast_checker_equals_pyshacl_on_invalid_fixture(name, monkeypatch):
    built = built_for(INVALID / name)
    ref = validate.validate_built(built, engine="pyshacl")
    fast = validate.validate_built(built, engine="fast")
    assert ref.results or name.startswith("_"), "a fixture meant to be invalid produced no results"
    assert fast.graph is None  # the compiled checker ran, not the fallback
    assert sorted(fast.results) == sorted(ref.results), differences(fast, ref)


def test_fast_checker_equals_pyshacl_on_the_curated_data(curated):
    fast = validate.validate_built(curated, engine="fast")
    ref = validate.validate_built(curated, engine="pyshacl")
    assert fast.graph is None
    assert sorted(fast.results) == sorted(ref.results), differences(fast, ref)


def test_unsupported_shapes_fall_back_to_pyshacl():
    store = ox.Store()
    store.load(
        b"@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> ."
        b" ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( ex:A ex:B ) .",
        format=ox.RdfFormat.TURTLE,
    )
    why = fastshacl.unsupported(fastshacl.ShapesGraph(store, ox.DefaultGraph()))
    assert why == ["<http://example.org/S> uses sh:or"]


def test_fast_report_serialises_as_a_shacl_results_graph(curated):
    import rdflib

    report = validate.validate_built(curated, engine="fast")
    g = rdflib.Graph().parse(data=report.to_turtle(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(g.subjects(rdflib.RDF.type, sh.ValidationResult))) == len(report.results)
