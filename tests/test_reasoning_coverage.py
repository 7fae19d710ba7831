"""The fast reasoner says what it skips: axioms it does not implement send the build to owlrl.

Each case adds one small file to the real ontology and reasons it as `citygraph build --add`
does: the fast reasoner finds the construct (reason/coverage.py), names it on stderr, and the
closure is owlrl's, so the entailment the fast rules would have missed is there.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph, load_sources
from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, data_graph
from citygraph.reason import coverage
from citygraph.reason import materialise as reason
from conftest import run_cli

PREFIXES = """@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix ex: <https://example.org/cov/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
EX = "https://example.org/cov/"
CG = "https://w3id.org/citygraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

CASES = {
    # name: (file body, the construct named in the warning, a triple owlrl infers and the fast rules would not)
    "same-as": ("ex:a owl:sameAs ex:b . ex:b cg:party ex:c .", "owl:sameAs",
                (EX + "a", CG + "party", EX + "c")),
    "restriction": ("ex:Twinned owl:equivalentClass [ a owl:Restriction ; owl:onProperty cg:twinnedWith ; owl:someValuesFrom cg:Place ] .\n"
                    "ex:c a cg:Place . ex:d cg:twinnedWith ex:c .", "class restriction",
                    (EX + "d", RDF_TYPE, EX + "Twinned")),
    "property-chain": ("ex:grandParty owl:propertyChainAxiom ( cg:event cg:eventOf ) .\nex:t cg:event ex:e . ex:e cg:eventOf ex:u .",
                       "property chain", (EX + "t", EX + "grandParty", EX + "u")),
    "schema-in-add": ("ex:MyTie rdfs:subClassOf cg:Partnership . ex:t a ex:MyTie .", "schema axiom (rdfs:subClassOf) outside the ontology",
                      (EX + "t", RDF_TYPE, CG + "Partnership")),
}


def reasoned(tmp_path: Path, body: str) -> BuiltGraph:
    path = tmp_path / "added.ttl"
    path.write_text(PREFIXES + body + "\n", encoding="utf-8")
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, GRAPH_ONTOLOGY.value)
    graph = data_graph("added").value
    load_file(store, path, graph)
    built = BuiltGraph(store=store, ontology_graphs=[GRAPH_ONTOLOGY.value], shape_graphs=[], data_graphs=[graph])
    reason.materialise(built)
    return built


def inferred(built: BuiltGraph, triple: tuple) -> bool:
    s, p, o = (ox.NamedNode(x) for x in triple)
    return any(True for _ in built.store.quads_for_pattern(s, p, o, ox.NamedNode(GRAPH_INFERRED.value)))


def test_the_shipped_data_needs_nothing_the_fast_reasoner_lacks():
    built = load_sources("all")
    assert coverage.scan(built.store, built.ontology_graphs, built.data_graphs) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_unimplemented_axiom_is_named_and_owlrl_reasons_the_build(name, tmp_path, caplog):
    body, named, expected = CASES[name]
    with caplog.at_level(logging.WARNING, logger="citygraph.reason"):
        built = reasoned(tmp_path, body)
    warnings = [r.getMessage() for r in caplog.records]
    assert any(named in w and "owlrl" in w for w in warnings), warnings
    assert inferred(built, expected)  # owlrl's entailment, which the fast rules do not make
    from citygraph.reason.materialise import inferred_fast
    fast = inferred_fast(built.store, built.ontology_graphs, built.data_graphs)
    assert ox.Triple(*(ox.NamedNode(x) for x in expected)) not in fast  # so the fallback mattered


def test_two_values_of_a_functional_property_are_named_without_fallback(tmp_path, caplog):
    body = "ex:x cg:country ex:c1 , ex:c2 ."
    with caplog.at_level(logging.WARNING, logger="citygraph.reason"):
        built = reasoned(tmp_path, body)
    warnings = [r.getMessage() for r in caplog.records]
    assert any("functional property <https://w3id.org/citygraph/ontology#country>" in w and "prp-fp" in w for w in warnings), warnings
    same = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    assert not list(built.store.quads_for_pattern(None, same, None, ox.NamedNode(GRAPH_INFERRED.value)))  # not merged


def test_the_cli_names_what_the_fast_reasoner_skips(tmp_path):
    path = tmp_path / "alias.ttl"
    path.write_text(PREFIXES + "ex:a owl:sameAs ex:b .\n", encoding="utf-8")
    r = run_cli("validate", path)
    assert "citygraph: warning: the fast reasoner does not implement owl:sameAs" in r.stderr
    assert "Traceback" not in r.stderr
