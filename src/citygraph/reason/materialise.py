"""OWL 2 RL closure into the `inferred` named graph; the input graphs are left untouched.

The closure is computed over the ontology and data graphs together. Only *useful* entailments
are kept (see `is_useful`): OWL 2 RL also entails that every resource is owl:sameAs itself, is an
owl:Thing, that every class is its own subclass, and a set of axioms about the RDF/OWL
vocabulary itself. Those say nothing about city diplomacy and would double the dumps, so they
are dropped — the same filter for every reasoner, so reasoners can be compared triple by triple.

Two reasoners:
- `fast` (the default): the ontology alone is closed by owlrl (a few hundred triples, well under
  a second), which yields the schema entailments exactly as the reference computes them; from
  that closed schema the instance-level OWL 2 RL rules the ontology actually uses are compiled
  (cax-sco/cax-eqc, prp-dom, prp-rng, prp-spo1/eqp, prp-inv, prp-symp, prp-trp) and run to a
  fixpoint in Python over the store's quads, with no rdflib on the data. Not covered: the
  equality rules (owl:sameAs from functional/inverse-functional properties, eq-rep-*), the
  restriction rules (cls-*, which need blank-node class expressions; the ontology has none) and
  the disjointness check cax-dw (the ontology's one disjointness, preliminary vs formal ties, is
  the SHACL shape cg:PreliminaryNotFormalShape instead, so both validation engines report it).
  tests/test_reasoning*.py checks the result against owlrl on the curated data.
- `owlrl`: the pure-Python reference (RDFLib's owlrl), slow beyond ~10k triples.
`reasonable` (Rust) was measured and not used: on the world layer it took 11 s, and on the
ontology it misses rules owlrl applies (scm-dom1/scm-rng1, equivalentClass transitivity) and
types plain literals as xsd:string, so it would not match the reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..errors import BadInput
from ..load.rdfio import from_rdflib_triples, graph_to_ntriples, to_rdflib
from ..namespaces import GRAPH_INFERRED

REASONERS = ("fast", "owlrl")
DEFAULT_REASONER = "fast"

_META_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property}
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


def _iri(term) -> str | None:
    """The IRI of an rdflib URIRef or a pyoxigraph NamedNode; None for literals and blank nodes."""
    if isinstance(term, (rdflib.URIRef, ox.NamedNode)):
        return term.value if isinstance(term, ox.NamedNode) else str(term)
    return None


def _is_bnode(term) -> bool:
    return isinstance(term, (rdflib.BNode, ox.BlankNode))


_TRIVIAL_TYPE_IRIS = {str(t) for t in _TRIVIAL_TYPES}
_REFLEXIVE_IRIS = {str(t) for t in _REFLEXIVE}
_TOP_IRIS = {str(OWL.Thing), str(RDFS.Resource)}
_SCHEMA_PROPS = {str(RDFS.subClassOf), str(RDFS.subPropertyOf), str(RDFS.domain), str(RDFS.range)}


def is_useful(s, p, o) -> bool:
    """Is an entailed triple worth keeping in the inferred graph? (rdflib or pyoxigraph terms)"""
    s_iri, p_iri, o_iri = _iri(s), _iri(p), _iri(o)
    if s_iri is None or _is_bnode(o):
        return False
    if s_iri.startswith(_META_NAMESPACES):
        return False  # axioms about the RDF/OWL vocabulary itself
    if p_iri in _REFLEXIVE_IRIS and s_iri == o_iri:
        return False
    if p_iri == str(RDF.type) and o_iri in _TRIVIAL_TYPE_IRIS:
        return False
    if p_iri in (str(RDFS.subClassOf), str(OWL.equivalentClass)) and o_iri in _TOP_IRIS:
        return False
    if o_iri is not None and p_iri != str(RDF.type) and o_iri.startswith(_META_NAMESPACES) and p_iri in _SCHEMA_PROPS:
        return False  # e.g. cg:party rdfs:subPropertyOf owl:topObjectProperty
    return _read(p_iri, o_iri)


# Slim inference: keep what queries, shapes and users read (docs/model.md, "What inference keeps").
# Types: citygraph's own classes (cg:Partnership, cg:FormalPartnership, cg:Place, cg:Event …) and
# the reused classes the shapes check with sh:class; not the superclasses from schema.org, PROV,
# GeoSPARQL that nothing reads (a reader who wants them materialises the alignments).
# Properties: citygraph's own (cg:partnership, cg:eventOf, the symmetric cg:tiedWith and
# cg:twinnedWith) and the schema axioms (rdfs:/owl:); not super-properties in other vocabularies
# (skos:exactMatch from cg:wikidata, prov:wasAssociatedWith, schema:containedInPlace).
_CG_NS = "https://w3id.org/citygraph/ontology#"
_READ_TYPES = {"http://www.w3.org/ns/prov#Agent", "http://www.w3.org/ns/prov#Association",
               "http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#Post"}


def _read(p_iri: str | None, o_iri: str | None) -> bool:
    if p_iri == str(RDF.type):
        return o_iri is not None and (o_iri.startswith(_CG_NS) or o_iri in _READ_TYPES)
    return p_iri is not None and p_iri.startswith((_CG_NS, *_META_NAMESPACES))


def closure_owlrl(graph: rdflib.Graph) -> set[tuple]:
    """The useful triples owlrl's OWL 2 RL closure adds to `graph` (the reference semantics)."""

    asserted = set(graph)
    work = _owlrl_expand(graph)
    return {t for t in work if t not in asserted and is_useful(*t)}


def _owlrl_expand(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of `graph` closed under owlrl's OWL 2 RL semantics (everything, unfiltered)."""
    import owlrl

    work = rdflib.Graph()
    for t in graph:
        work.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return work


@dataclass
class Schema:
    """The instance-level rules a closed ontology implies, keyed by IRI."""

    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # class -> superclasses
    superprops: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverse: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    domain: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    range: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    axioms: set[tuple] = field(default_factory=set)  # useful entailments of the ontology alone (rdflib)

    @property
    def rule_predicates(self) -> set[str]:
        """Predicates whose triples any rule reads."""
        out = set(self.superprops) | set(self.inverse) | self.symmetric | self.transitive | set(self.domain) | set(self.range)
        return out | {q for qs in self.superprops.values() for q in qs} | {q for qs in self.inverse.values() for q in qs}


def compile_schema(ontology: rdflib.Graph) -> Schema:
    """Close the ontology with owlrl (the reference) and read the instance rules off the closure."""
    closed = _owlrl_expand(ontology)
    asserted = set(ontology)
    schema = Schema(axioms={t for t in closed if t not in asserted and is_useful(*t)})
    for s, p, o in closed:
        if not (isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)) or s == o:
            continue
        s_, o_ = str(s), str(o)
        if p == RDFS.subClassOf:
            schema.supers[s_].add(o_)
        elif p == RDFS.subPropertyOf:
            schema.superprops[s_].add(o_)
        elif p == OWL.inverseOf:
            schema.inverse[s_].add(o_)
            schema.inverse[o_].add(s_)
        elif p == RDFS.domain:
            schema.domain[s_].add(o_)
        elif p == RDFS.range:
            schema.range[s_].add(o_)
    for s in closed.subjects(RDF.type, OWL.SymmetricProperty):
        schema.symmetric.add(str(s))
    for s in closed.subjects(RDF.type, OWL.TransitiveProperty):
        schema.transitive.add(str(s))
    for s, p, o in closed.triples((None, OWL.inverseOf, None)):
        if s == o and isinstance(s, rdflib.URIRef):
            schema.symmetric.add(str(s))  # a property that is its own inverse behaves as symmetric
    return schema


def _key(term):
    """IRIs as plain strings (cheap to hash); literals and blank nodes stay pyoxigraph terms."""
    return term.value if isinstance(term, ox.NamedNode) else term


def closure_keys(store: ox.Store, graphs: Iterable[str], schema: Schema) -> list[tuple]:
    """The useful instance-level entailments of `graphs` under `schema`'s rules, to a fixpoint.

    Triples are (s, p, o) keys: IRIs as str, other terms as pyoxigraph terms.
    """
    rdf_type = str(RDF.type)
    wanted = schema.rule_predicates | {rdf_type}
    asserted: set[tuple] = set()
    for g in [ox.NamedNode(g) for g in graphs]:
        for p in wanted:
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None, g):
                asserted.add((_key(q.subject), p, _key(q.object)))
    facts = set(asserted)
    todo = [t for t in asserted if t[1] != rdf_type]
    by_pred: dict[str, set[tuple]] = defaultdict(set)  # for the transitive join
    for s, p, o in todo:
        if p in schema.transitive:
            by_pred[p].add((s, o))
    superprops, inverse, symmetric, transitive = schema.superprops, schema.inverse, schema.symmetric, schema.transitive

    def add(t: tuple) -> None:
        if t not in facts:
            facts.add(t)
            todo.append(t)

    while todo:  # property rules: prp-spo1, prp-inv1/2, prp-symp, prp-trp
        s, p, o = todo.pop()
        for q in superprops.get(p, ()):
            add((s, q, o))
        if isinstance(o, str):  # only an IRI can be a subject
            for q in inverse.get(p, ()):
                add((o, q, s))
            if p in symmetric:
                add((o, p, s))
            if p in transitive:
                pairs = by_pred[p]
                pairs.add((s, o))
                for s2, o2 in list(pairs):
                    if s2 == o:
                        add((s, p, o2))
                    if o2 == s:
                        add((s2, p, o))
    types: set[tuple] = set()
    domain, range_ = schema.domain, schema.range
    for s, p, o in facts:  # prp-dom, prp-rng
        if p == rdf_type:
            if isinstance(o, str):
                types.add((s, o))
            continue
        for c in domain.get(p, ()):
            types.add((s, c))
        if isinstance(o, str):
            for c in range_.get(p, ()):
                types.add((o, c))
    for s, c in list(types):  # cax-sco over every type
        for d in schema.supers.get(c, ()):
            types.add((s, d))

    # is_useful, asked once per predicate (and object, where its verdict can depend on it) and
    # once per subject namespace: the same filter as for every other reasoner
    verdicts: dict[tuple, bool] = {}
    probe = ox.NamedNode("https://w3id.org/citygraph/id/probe")
    depends_on_object = _REFLEXIVE_IRIS | _SCHEMA_PROPS | {rdf_type, str(OWL.equivalentClass)}

    def useful(s, p: str, o) -> bool:
        if not isinstance(s, str) or s.startswith(_META_NAMESPACES):
            return False
        if p in _REFLEXIVE_IRIS and s == o:
            return False
        key = (p, o) if p in depends_on_object else (p, isinstance(o, ox.BlankNode))
        v = verdicts.get(key)
        if v is None:
            v = verdicts[key] = is_useful(probe, ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o)
        return v

    out = [t for t in facts if t[1] != rdf_type and t not in asserted and useful(*t)]
    out += [(s, rdf_type, c) for s, c in types if (s, rdf_type, c) not in asserted and useful(s, rdf_type, c)]
    return out


def closure_fast(store: ox.Store, graphs: Iterable[str], schema: Schema) -> set[ox.Triple]:
    """closure_keys as pyoxigraph triples."""
    return {ox.Triple(*_terms(t)) for t in closure_keys(store, graphs, schema)}


def _terms(t: tuple) -> tuple:
    return tuple(ox.NamedNode(x) if isinstance(x, str) else x for x in t)


def materialise(built, reasoner: str = DEFAULT_REASONER) -> int:
    """Compute the closure of ontology + data into the inferred graph. Returns its size."""
    if reasoner not in REASONERS:
        raise BadInput(f"--reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
    inputs = built.ontology_graphs + built.data_graphs
    target = str(GRAPH_INFERRED)
    if _has_graph(built.store, target):
        built.store.remove_graph(ox.NamedNode(target))
    if reasoner == "owlrl":
        quads = from_rdflib_triples(closure_owlrl(to_rdflib(built.store, inputs)), target)
    else:
        g = ox.NamedNode(target)
        nodes: dict[str, ox.NamedNode] = {}

        def term(x):
            if not isinstance(x, str):
                return x
            n = nodes.get(x)
            if n is None:
                n = nodes[x] = ox.NamedNode(x)
            return n

        quads = [ox.Quad(term(s), term(p), term(o), g) for s, p, o in _inferred_keys(built.store, built.ontology_graphs, built.data_graphs)]
    built.store.extend(quads)
    built.inferred_graph = target
    return len(quads)


_SCHEMAS: dict[str, Schema] = {}


def schema_for(store: ox.Store, ontology_graphs: list[str]) -> Schema:
    """compile_schema for the store's ontology, memoised per ontology content within a process."""
    import hashlib

    data = graph_to_ntriples(store, ontology_graphs)
    key = hashlib.sha256(b"\n".join(sorted(data.splitlines()))).hexdigest()
    if key not in _SCHEMAS:
        _SCHEMAS[key] = compile_schema(to_rdflib(store, ontology_graphs))
    return _SCHEMAS[key]


def inferred_fast(store: ox.Store, ontology_graphs: list[str], data_graphs: list[str]) -> set[ox.Triple]:
    """The fast path: schema entailments (owlrl on the ontology) plus compiled instance rules."""
    return {ox.Triple(*_terms(t)) for t in _inferred_keys(store, ontology_graphs, data_graphs)}


def _inferred_keys(store: ox.Store, ontology_graphs: list[str], data_graphs: list[str]) -> list[tuple]:
    schema = schema_for(store, ontology_graphs)
    inputs = list(ontology_graphs) + list(data_graphs)
    out = closure_keys(store, inputs, schema)
    seen = set(out)
    graphs = [ox.NamedNode(g) for g in inputs]
    for t in _to_ox(schema.axioms):
        k = (_key(t.subject), t.predicate.value, _key(t.object))
        if k not in seen and not any(True for g in graphs for _ in store.quads_for_pattern(t.subject, t.predicate, t.object, g)):
            out.append(k)
            seen.add(k)
    return out


def _to_ox(triples) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in from_rdflib_triples(triples, str(GRAPH_INFERRED))]


def _has_graph(store: ox.Store, iri: str) -> bool:
    return store.contains_named_graph(ox.NamedNode(iri))
