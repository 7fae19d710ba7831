"""OWL 2 RL closure into the `inferred` named graph; the input graphs are left untouched.

The closure is computed over the ontology and data graphs together. Only *useful* entailments
are kept (see `is_useful`): OWL 2 RL also entails that every resource is owl:sameAs itself, is an
owl:Thing, that every class is its own subclass, and a set of axioms about the RDF/OWL
vocabulary itself. Those say nothing about city diplomacy and would double the dumps, so they
are dropped — the same filter for every reasoner, so reasoners can be compared triple by triple.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import BadInput
from .namespaces import GRAPH_INFERRED
from .rdfio import from_rdflib_triples, to_rdflib

REASONERS = ("owlrl",)

_META_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property}
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


def is_useful(s, p, o) -> bool:
    """Is an entailed triple worth keeping in the inferred graph?"""
    if not isinstance(s, rdflib.URIRef) or isinstance(o, rdflib.BNode):
        return False
    if str(s).startswith(_META_NAMESPACES):
        return False  # axioms about the RDF/OWL vocabulary itself
    if p in _REFLEXIVE and s == o:
        return False
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    if p in (RDFS.subClassOf, OWL.equivalentClass) and o in (OWL.Thing, RDFS.Resource):
        return False
    if isinstance(o, rdflib.URIRef) and p != RDF.type and str(o).startswith(_META_NAMESPACES) and p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        return False  # e.g. cg:party rdfs:subPropertyOf owl:topObjectProperty
    return True


def closure_owlrl(graph: rdflib.Graph) -> set[tuple]:
    """The useful triples owlrl's OWL 2 RL closure adds to `graph` (the reference semantics)."""
    import owlrl

    asserted = set(graph)
    work = rdflib.Graph()
    for t in asserted:
        work.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return {t for t in work if t not in asserted and is_useful(*t)}


def materialise(built, reasoner: str = "owlrl") -> int:
    """Compute the closure of ontology + data into the inferred graph. Returns its size."""
    if reasoner not in REASONERS:
        raise BadInput(f"--reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
    inputs = built.ontology_graphs + built.data_graphs
    graph = to_rdflib(built.store, inputs)
    inferred = closure_owlrl(graph)
    target = str(GRAPH_INFERRED)
    built.store.remove_graph(ox.NamedNode(target)) if _has_graph(built.store, target) else None
    quads = from_rdflib_triples(inferred, target)
    built.store.extend(quads)
    built.inferred_graph = target
    return len(quads)


def _has_graph(store: ox.Store, iri: str) -> bool:
    return store.contains_named_graph(ox.NamedNode(iri))
