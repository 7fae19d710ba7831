"""The fast reasoner's fixpoint (reason/fixpoint.py) against owlrl on a small graph of its own.

The graph exercises every rule the fast reasoner compiles — sub-properties in a chain, inverses,
a symmetric and a transitive property, domains and ranges, superclasses — with literal objects
that need escaping in N-Triples, a blank node, and literals reached through a transitive chain
(one of them on a pair that is itself entailed),
so a term that does not survive the trip through N-Triples text would show as a difference.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph
from citygraph.load.rdfio import to_rdflib
from citygraph.reason import fixpoint
from citygraph.reason import materialise as reason

ONTOLOGY = "urn:x-test:ontology"
DATA = "urn:x-test:data"
EX = "https://example.org/t#"

SCHEMA_TTL = f"""
@prefix ex: <{EX}> . @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:twin rdfs:subPropertyOf ex:tied . ex:tied rdfs:subPropertyOf ex:linked .
ex:twin a owl:SymmetricProperty . ex:tied a owl:SymmetricProperty .
ex:member owl:inverseOf ex:hasMember .
ex:within a owl:TransitiveProperty . ex:deep rdfs:subPropertyOf ex:within .
ex:member rdfs:domain ex:Party ; rdfs:range ex:Tie .
ex:twin rdfs:domain ex:Town ; rdfs:range ex:Town .
ex:Town rdfs:subClassOf ex:Place . ex:Place rdfs:subClassOf ex:Thing .
ex:Tie rdfs:subClassOf ex:Thing .
ex:note rdfs:subPropertyOf ex:remark .
"""

DATA_TTL = f"""
@prefix ex: <{EX}> .
ex:a ex:twin ex:b . ex:b ex:twin ex:c .
ex:a ex:member ex:t1 . ex:b ex:member ex:t1 . _:x ex:member ex:t2 .
ex:t1 ex:hasMember ex:d .
ex:a ex:within ex:r1 . ex:r1 ex:within ex:r2 . ex:r2 ex:within ex:r3 . ex:r3 ex:within "the \\"top\\"\\nlevel"@en , ex:r4 . ex:r4 ex:deep "derived" .
ex:a ex:note "a \\\\ backslash and a \\"quote\\"" , "2"^^<http://www.w3.org/2001/XMLSchema#integer> .
ex:c a ex:Town .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(SCHEMA_TTL.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY))
    s.load(DATA_TTL.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(DATA))
    return s


def test_fast_closure_is_owlrl_s_on_every_rule_it_compiles(store):
    fast = reason.inferred_fast(store, [ONTOLOGY], [DATA])
    ref = {ox.Triple(*reason.to_terms(k)) for k in reason.closure_owlrl(to_rdflib(store, [ONTOLOGY, DATA]))}
    # not vacuous: each rule contributed, and the literals came through the N-Triples text unchanged
    ex = lambda local: ox.NamedNode(EX + local)  # noqa: E731
    for t in [ox.Triple(ex("c"), ex("twin"), ex("b")),        # prp-symp
              ox.Triple(ex("a"), ex("linked"), ex("b")),      # prp-spo1, two steps
              ox.Triple(ex("t1"), ex("hasMember"), ex("a")),  # prp-inv1
              ox.Triple(ex("d"), ex("member"), ex("t1")),     # prp-inv2
              ox.Triple(ex("a"), ex("within"), ex("r3")),     # prp-trp
              ox.Triple(ex("a"), ex("within"), ox.Literal('the "top"\nlevel', language="en")),
              ox.Triple(ex("a"), ex("within"), ox.Literal("derived")),  # prp-trp on a derived pair with a literal
              ox.Triple(ex("a"), ex("remark"), ox.Literal('a \\ backslash and a "quote"')),
              ox.Triple(ex("a"), ex("remark"), ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
              ox.Triple(ex("b"), reason.RDF.type, ex("Thing")),   # prp-dom, then cax-sco
              ox.Triple(ex("t1"), reason.RDF.type, ex("Tie")),    # prp-rng
              ox.Triple(ex("c"), reason.RDF.type, ex("Place"))]:  # cax-sco on an asserted type
        assert t in ref and t in fast, t
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in fast)
    assert fast == ref, f"owlrl only: {sorted(map(str, ref - fast))}\nfast only: {sorted(map(str, fast - ref))}"


def test_the_build_loads_exactly_the_lines_it_computed(store):
    # materialise hands the engine one N-Triples document: the inferred graph holds those triples
    copy = ox.Store()
    copy.extend(store.quads_for_pattern(None, None, None, None))
    built = BuiltGraph(store=copy, ontology_graphs=[ONTOLOGY], shape_graphs=[], data_graphs=[DATA])
    n = reason.materialise(built)
    inferred = {q.triple for q in built.store.quads_for_pattern(None, None, None, reason.GRAPH_INFERRED)}
    assert n == len(inferred) and inferred == reason.inferred_fast(store, [ONTOLOGY], [DATA])


def test_transitive_step_joins_new_pairs_on_both_sides():
    pairs = {("<a>", "<b>"), ("<b>", "<c>"), ("<c>", "<d>")}
    assert fixpoint._transitive_step({("<b>", "<c>")}, pairs) == {("<a>", "<c>"), ("<b>", "<d>")}
