"""What the fast reasoner does not implement, found in the graphs it is asked to close.

The fast reasoner (materialise.closure_lines, run by fixpoint.py) compiles the instance rules of a closed ontology:
subclasses, sub-properties, domains, ranges, inverses, symmetric and transitive properties. It
does not implement OWL 2 RL's equality rules (owl:sameAs, eq-*), the class-restriction rules
(cls-*: someValuesFrom, allValuesFrom, hasValue, intersectionOf, unionOf, ...), property chains
(prp-spo2) or keys (prp-key), and it reads schema axioms from the ontology graphs only.

`scan` looks for each of these in the input and returns findings, each naming the construct, the
rule and where it was found:

- `fallback` findings would make the fast closure differ from the reference: the build then
  uses owlrl (the reference) for the whole closure, with a warning naming them;
- `warn` findings are only reported: two values of a functional object property (prp-fp, which
  owlrl turns into owl:sameAs between the values) are a SHACL violation (sh:maxCount) already,
  and merging two countries by reasoning would only hide it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = RDF + "type"

# predicate -> (what it is, the OWL 2 RL rules it needs), looked for in every input graph
UNIMPLEMENTED_PREDICATES = {
    OWL + "sameAs": ("owl:sameAs", "eq-sym, eq-trans, eq-rep-*"),
    OWL + "propertyChainAxiom": ("a property chain (owl:propertyChainAxiom)", "prp-spo2"),
    OWL + "hasKey": ("a key (owl:hasKey)", "prp-key"),
    OWL + "onProperty": ("a class restriction (owl:onProperty)", "cls-svf*, cls-avf, cls-hv*, cls-maxc*"),
    OWL + "someValuesFrom": ("a class restriction (owl:someValuesFrom)", "cls-svf1/2"),
    OWL + "allValuesFrom": ("a class restriction (owl:allValuesFrom)", "cls-avf"),
    OWL + "hasValue": ("a class restriction (owl:hasValue)", "cls-hv1/2"),
    OWL + "intersectionOf": ("a class expression (owl:intersectionOf)", "cls-int1/2"),
    OWL + "unionOf": ("a class expression (owl:unionOf)", "cls-uni"),
    OWL + "oneOf": ("an enumeration (owl:oneOf)", "cls-oo"),
    OWL + "maxCardinality": ("a cardinality restriction (owl:maxCardinality)", "cls-maxc1/2"),
    OWL + "maxQualifiedCardinality": ("a cardinality restriction (owl:maxQualifiedCardinality)", "cls-maxqc*"),
}
UNIMPLEMENTED_TYPES = {
    OWL + "Restriction": ("a class restriction (owl:Restriction)", "cls-*"),
    OWL + "InverseFunctionalProperty": ("an inverse-functional property", "prp-ifp"),
}
# Schema axioms: the fast reasoner compiles them from the ontology graphs only.
SCHEMA_PREDICATES = (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                     OWL + "equivalentClass", OWL + "equivalentProperty", OWL + "inverseOf", OWL + "disjointWith")
SCHEMA_TYPES = (OWL + "TransitiveProperty", OWL + "SymmetricProperty", OWL + "FunctionalProperty")


@dataclass(frozen=True)
class Finding:
    what: str        # the construct, e.g. "owl:sameAs"
    rule: str        # the OWL 2 RL rule(s) the fast reasoner lacks
    where: str       # the graph, and an example triple
    fallback: bool   # True: use owlrl for this build; False: only warn

    def __str__(self) -> str:
        return f"{self.what} ({self.rule}) in {self.where}"


def _short(iri: str) -> str:
    for ns, prefix in ((OWL, "owl:"), (RDFS, "rdfs:"), (RDF, "rdf:")):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _first(store: ox.Store, p: str, o, graph: str):
    return next(iter(store.quads_for_pattern(None, ox.NamedNode(p), o, ox.NamedNode(graph))), None)


def _example(q: ox.Quad) -> str:
    return f"{q.subject} {_short(q.predicate.value)} {q.object}"


def scan(store: ox.Store, ontology_graphs: Iterable[str], data_graphs: Iterable[str]) -> list[Finding]:
    """Every construct of the input that the fast reasoner does not implement (first example of each)."""
    ontology_graphs, data_graphs = list(ontology_graphs), list(data_graphs)
    found: list[Finding] = []
    for graph in ontology_graphs + data_graphs:
        for p, (what, rule) in UNIMPLEMENTED_PREDICATES.items():
            q = _first(store, p, None, graph)
            if q is not None:
                found.append(Finding(what, rule, f"graph <{graph}> ({_example(q)})", True))
        for t, (what, rule) in UNIMPLEMENTED_TYPES.items():
            q = _first(store, RDF_TYPE, ox.NamedNode(t), graph)
            if q is not None:
                found.append(Finding(what, rule, f"graph <{graph}> ({_example(q)})", True))
    for graph in data_graphs:
        for p in SCHEMA_PREDICATES:
            q = _first(store, p, None, graph)
            if q is not None:
                found.append(Finding(f"a schema axiom ({_short(p)}) outside the ontology", "schema compiled from the ontology only",
                                     f"graph <{graph}> ({_example(q)})", True))
        for t in SCHEMA_TYPES:
            q = _first(store, RDF_TYPE, ox.NamedNode(t), graph)
            if q is not None:
                found.append(Finding(f"a schema axiom (rdf:type {_short(t)}) outside the ontology", "schema compiled from the ontology only",
                                     f"graph <{graph}> ({_example(q)})", True))
    found += _functional_conflicts(store, ontology_graphs, data_graphs)
    return found


def _functional_conflicts(store: ox.Store, ontology_graphs: list[str], data_graphs: list[str]) -> list[Finding]:
    """prp-fp: a subject with two IRI values of a functional property (owlrl would make them owl:sameAs)."""
    functional = {q.subject for g in ontology_graphs
                  for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "FunctionalProperty"), ox.NamedNode(g))
                  if isinstance(q.subject, ox.NamedNode)}
    out = []
    for p in sorted(functional, key=lambda n: n.value):
        values: dict = {}
        for g in data_graphs:
            for q in store.quads_for_pattern(None, p, None, ox.NamedNode(g)):
                if isinstance(q.object, ox.NamedNode):
                    values.setdefault(q.subject, set()).add(q.object)
        clash = next((s for s in sorted(values, key=str) if len(values[s]) > 1), None)
        if clash is not None:
            two = ", ".join(sorted(str(v) for v in values[clash]))
            out.append(Finding(f"two values of the functional property {_short(p.value)}", "prp-fp (owl:sameAs between the values)",
                               f"{clash} ({two})", False))
    return out


__all__ = ["scan", "Finding"]
