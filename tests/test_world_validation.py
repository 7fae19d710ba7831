"""The fast SHACL checker (fastshacl.py) gives pyshacl's report, result for result.

On every invalid fixture tests/test_shapes.py runs both engines once and compares them (and
the expected meaning). This file compares them on the curated data, checks that the fast engine
is really used for our shapes (no silent fallback to pyshacl), and that it falls back for what
it does not support.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
import pytest

from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES
from citygraph.validate import fastshacl
from citygraph.validate import report as validate


@functools.lru_cache(maxsize=1)
def _ontology_store() -> ox.Store:
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, GRAPH_ONTOLOGY.value)
    for f in resources.shapes_files():
        load_file(store, f, GRAPH_SHAPES.value)
    return store


def differences(fast: validate.ValidationReport, ref: validate.ValidationReport) -> str:
    f, r = set(fast.results), set(ref.results)
    lines = [f"fast only: {x}" for x in sorted(f - r)] + [f"pyshacl only: {x}" for x in sorted(r - f)]
    return "\n".join(lines)


def test_our_shapes_are_within_the_fast_checkers_subset():
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                 for q in _ontology_store().quads_for_pattern(None, None, None, GRAPH_SHAPES))
    assert fastshacl.unsupported(fastshacl.ShapesGraph(store, ox.DefaultGraph())) == []


@pytest.mark.slow  # pyshacl on the curated core: about 30 s
def test_fast_checker_equals_pyshacl_on_the_curated_data(curated):
    fast = validate.validate_built(curated, engine="fast")
    ref = validate.validate_built(curated, engine="pyshacl")
    assert fast.graph is None
    assert sorted(fast.results) == sorted(ref.results), differences(fast, ref)
    assert ref.results == [] and curated.report.results == []  # the shipped data: no violation, nothing missing


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
