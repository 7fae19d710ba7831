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

import hashlib
import logging
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import BadInput
from ..load.rdfio import from_rdflib_triples, graph_to_ntriples, to_rdflib
from ..namespaces import GRAPH_INFERRED, ID, OWL, RDF, RDFS, XSD
from . import DEFAULT_REASONER, REASONERS, coverage, fixpoint, schema_cache

if TYPE_CHECKING:
    import rdflib
# rdflib (~50 ms to import) is owlrl's door only: the owlrl reasoner and compiling a schema that is
# not cached yet. The fast path with a cached schema (every build and `validate` after the first)
# never imports it; the rdflib terms `is_useful` also accepts can only exist once rdflib is imported.

_META_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property}
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


def _iri(term) -> str | None:
    """The IRI of an rdflib URIRef or a pyoxigraph NamedNode; None for literals and blank nodes."""
    if isinstance(term, ox.NamedNode):
        return term.value
    rdflib = sys.modules.get("rdflib")  # not imported: no rdflib term exists
    if rdflib is not None and isinstance(term, rdflib.URIRef):
        return str(term)
    return None


def _is_bnode(term) -> bool:
    rdflib = sys.modules.get("rdflib")
    return isinstance(term, ox.BlankNode) or (rdflib is not None and isinstance(term, rdflib.BNode))


_TRIVIAL_TYPE_IRIS = {t.value for t in _TRIVIAL_TYPES}
_REFLEXIVE_IRIS = {t.value for t in _REFLEXIVE}
_TOP_IRIS = {OWL.Thing.value, RDFS.Resource.value}
_SCHEMA_PROPS = {RDFS.subClassOf.value, RDFS.subPropertyOf.value, RDFS.domain.value, RDFS.range.value}


def is_useful(s, p, o) -> bool:
    """Is an entailed triple worth keeping in the inferred graph? (rdflib or pyoxigraph terms)"""
    s_iri, p_iri, o_iri = _iri(s), _iri(p), _iri(o)
    if s_iri is None or _is_bnode(o):
        return False
    if s_iri.startswith(_META_NAMESPACES):
        return False  # axioms about the RDF/OWL vocabulary itself
    if p_iri in _REFLEXIVE_IRIS and s_iri == o_iri:
        return False
    if p_iri == RDF.type.value and o_iri in _TRIVIAL_TYPE_IRIS:
        return False
    if p_iri in (RDFS.subClassOf.value, OWL.equivalentClass.value) and o_iri in _TOP_IRIS:
        return False
    if o_iri is not None and p_iri != RDF.type.value and o_iri.startswith(_META_NAMESPACES) and p_iri in _SCHEMA_PROPS:
        return False  # e.g. cg:party rdfs:subPropertyOf owl:topObjectProperty
    return _read(p_iri, o_iri)


# Slim inference: keep what queries, shapes and users read (docs/model.md, "What inference keeps").
# Types: citygraph's own classes (cg:Partnership, cg:FormalPartnership, cg:Place, cg:Event …) and
# the reused classes the shapes check with sh:class; not the superclasses from schema.org, PROV,
# GeoSPARQL that nothing reads (a reader who wants them materialises the alignments).
# Properties: citygraph's own (cg:partnership, cg:eventOf, the symmetric cg:tiedWith and
# cg:twinnedWith) and the schema axioms (rdfs:/owl:); not super-properties in other vocabularies
# (skos:exactMatch from cg:wikidata, prov:wasAssociatedWith, schema:containedInPlace).
# The reused vocabularies whose inferred types and properties nothing reads: their superclasses
# and super-properties are left out. Everything else is kept, including the vocabularies of a
# user's own --add files (their inferences are theirs to read).
_UNREAD_NAMESPACES = ("https://schema.org/", "http://www.w3.org/ns/prov#", "http://www.opengis.net/ont/geosparql#",
                      "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/",
                      "http://www.w3.org/2006/time#", "http://xmlns.com/foaf/0.1/")
_READ_TYPES = {"http://www.w3.org/ns/prov#Agent", "http://www.w3.org/ns/prov#Association",
               "http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#Post"}


def _read(p_iri: str | None, o_iri: str | None) -> bool:
    if p_iri == RDF.type.value:
        return o_iri is not None and (o_iri in _READ_TYPES or not o_iri.startswith(_UNREAD_NAMESPACES))
    return p_iri is not None and not p_iri.startswith(_UNREAD_NAMESPACES)


# One triple representation inside the reasoner: a key (s, p, o) with IRIs as plain str (cheap
# to hash and compare) and literals and blank nodes as pyoxigraph terms. rdflib appears only at
# owlrl's door (`_owlrl_keys`); pyoxigraph quads only when the result goes into the store.
Term = str | ox.Literal | ox.BlankNode
Key = tuple[Term, str, Term]
RDF_TYPE = RDF.type.value


def key_of(s, p: ox.NamedNode, o) -> Key:
    """The key of a pyoxigraph triple."""
    return (_key(s), p.value, _key(o))


def _key(term):
    """IRIs as plain strings; literals and blank nodes stay pyoxigraph terms."""
    return term.value if isinstance(term, ox.NamedNode) else term


def to_terms(k: Key) -> tuple:
    """A key's pyoxigraph terms (s, p, o)."""
    return tuple(ox.NamedNode(x) if isinstance(x, str) else x for x in k)


def _keys_from_rdflib(triples) -> set[Key]:
    """rdflib triples as keys; the generalised triples owlrl entails (a literal subject, say) are
    no RDF and never useful, so they are left out."""
    import rdflib  # lazy: see the imports (rdflib triples come from owlrl)

    rdf = (t for t in triples if isinstance(t[0], (rdflib.URIRef, rdflib.BNode)) and isinstance(t[1], rdflib.URIRef))
    return {key_of(q.subject, q.predicate, q.object) for q in from_rdflib_triples(rdf, GRAPH_INFERRED.value)}


def _owlrl_keys(graph: rdflib.Graph) -> tuple[set[Key], set[Key]]:
    """(asserted, closed): `graph` and its closure under owlrl's OWL 2 RL semantics, as keys."""
    return _keys_from_rdflib(graph), _keys_from_rdflib(_owlrl_expand(graph))


def _useful_key(k: Key) -> bool:
    return is_useful(*to_terms(k))


def closure_owlrl(graph: rdflib.Graph) -> set[Key]:
    """The useful triples owlrl's OWL 2 RL closure adds to `graph` (the reference semantics)."""
    asserted, closed = _owlrl_keys(graph)
    return {k for k in closed - asserted if _useful_key(k)}


def _owlrl_expand(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of `graph` closed under owlrl's OWL 2 RL semantics (everything, unfiltered)."""
    import owlrl
    import rdflib  # lazy: see the imports

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
    axioms: set[Key] = field(default_factory=set)  # useful entailments of the ontology alone


_SCHEMA_TABLES = {RDFS.subClassOf.value: "supers", RDFS.subPropertyOf.value: "superprops", RDFS.domain.value: "domain",
                  RDFS.range.value: "range"}
_PROPERTY_KINDS = {OWL.SymmetricProperty.value: "symmetric", OWL.TransitiveProperty.value: "transitive"}
_INVERSE_OF = OWL.inverseOf.value


def compile_schema(ontology: rdflib.Graph) -> Schema:
    """Close the ontology with owlrl (the reference) and read the instance rules off the closure."""
    asserted, closed = _owlrl_keys(ontology)
    schema = Schema(axioms={k for k in closed - asserted if _useful_key(k)})
    for s, p, o in closed:
        if isinstance(s, str) and isinstance(o, str):
            _read_rule(schema, s, p, o)
    return schema


def _read_rule(schema: Schema, s: str, p: str, o: str) -> None:
    """One schema triple between two IRIs, into the rule tables."""
    if p == RDF_TYPE and o in _PROPERTY_KINDS:
        getattr(schema, _PROPERTY_KINDS[o]).add(s)
    elif p == _INVERSE_OF and s == o:
        schema.symmetric.add(s)  # a property that is its own inverse behaves as symmetric
    elif s == o:
        return
    elif p == _INVERSE_OF:
        schema.inverse[s].add(o)
        schema.inverse[o].add(s)
    elif p in _SCHEMA_TABLES:
        getattr(schema, _SCHEMA_TABLES[p])[s].add(o)


def closure_lines(store: ox.Store, graphs: Iterable[str], schema: Schema) -> list[str]:
    """The useful instance-level entailments of `graphs` under `schema`'s rules, to a fixpoint, as
    N-Triples lines (reason/fixpoint.py runs the rules on the terms' N-Triples text)."""
    return fixpoint.entailed_lines(store, graphs, fixpoint.Rules.of(schema), _keep())


def _nt_term(text: str):
    """The pyoxigraph term of one N-Triples term text."""
    if text.startswith("<"):
        return ox.NamedNode(text[1:-1])
    triple = next(iter(ox.parse(f"<{ID.probe.value}> <{ID.probe.value}> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def _keep() -> fixpoint.Keep:
    """is_useful for N-Triples terms, asked once per predicate (and object, where its verdict can
    depend on it); the subject test is a prefix test: the same filter as for every other reasoner."""
    verdicts: dict[tuple[str, str], bool] = {}
    probe = ID.probe
    blank = ox.BlankNode("probe")

    def verdict(p: str, o: str) -> bool:
        v = verdicts.get((p, o))
        if v is None:
            obj = probe if o == "" else blank if o == "_:" else _nt_term(o)
            v = verdicts[(p, o)] = is_useful(probe, ox.NamedNode(p[1:-1]), obj)
        return v

    depends_on_object = _REFLEXIVE_IRIS | _SCHEMA_PROPS | {RDF_TYPE, OWL.equivalentClass.value}
    return fixpoint.Keep(tuple(f"<{ns}" for ns in _META_NAMESPACES), verdict, frozenset(map(fixpoint.nt, depends_on_object)),
                         frozenset(map(fixpoint.nt, _REFLEXIVE_IRIS)))


def materialise(built, reasoner: str = DEFAULT_REASONER) -> int:
    """Compute the closure of ontology + data into the inferred graph. Returns its size."""
    if reasoner not in REASONERS:
        raise BadInput(f"--reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
    if reasoner == "fast":
        reasoner = _covered_by(built)  # owlrl when the input needs rules the fast reasoner lacks
    target = GRAPH_INFERRED.value
    if built.store.contains_named_graph(GRAPH_INFERRED):
        built.store.remove_graph(GRAPH_INFERRED)
    if reasoner == "owlrl":
        keys = closure_owlrl(to_rdflib(built.store, built.ontology_graphs + built.data_graphs))
        lines = [key_line(k) for k in keys]
    else:
        lines = _inferred_lines(built.store, built.ontology_graphs, built.data_graphs)
    # one N-Triples document, parsed by the engine: no Python Quad per triple; lenient (no IRI
    # re-validation): every term in it was read from the store, which checked it on the way in
    built.store.load("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=GRAPH_INFERRED,
                     lenient=True)
    built.inferred_graph = target
    return len(lines)


def key_line(k: Key) -> str:
    """A key as an N-Triples line ("s p o .")."""
    s, p, o = k
    return f"{_nt(s)} <{p}> {_nt(o)} ."


def _nt(x: Term) -> str:
    return f"<{x}>" if isinstance(x, str) else str(x)


def _covered_by(built) -> str:
    """'fast', or 'owlrl' if the input holds axioms the fast reasoner does not implement (named on stderr)."""
    findings = coverage.scan(built.store, built.ontology_graphs, built.data_graphs)
    for f in findings:
        if f.fallback:
            _log.warning(f"citygraph: warning: the fast reasoner does not implement {f}; this build is reasoned "
                         "with owlrl, the reference, instead (slower)")
        else:
            _log.warning(f"citygraph: warning: {f}: the fast reasoner does not merge them; the shapes report it")
    return "owlrl" if any(f.fallback for f in findings) else "fast"


class _Stderr(logging.Handler):
    """Warnings as plain lines on the current stderr (the CLI's own, even when it is redirected)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


_log = logging.getLogger("citygraph.reason")
if not any(isinstance(h, _Stderr) for h in _log.handlers):
    _log.addHandler(_Stderr(logging.WARNING))
_SCHEMAS: dict[str, Schema] = {}


def schema_for(store: ox.Store, ontology_graphs: list[str]) -> Schema:
    """compile_schema for the store's ontology, memoised per ontology content within a process."""
    data = graph_to_ntriples(store, ontology_graphs)
    key = hashlib.sha256(b"\n".join(sorted(data.splitlines()))).hexdigest()
    if key not in _SCHEMAS:
        disk_key = schema_cache.key_for(key)  # on disk across runs, keyed by the ontology
        schema = schema_cache.load(disk_key, Schema)
        if schema is None:
            schema = compile_schema(to_rdflib(store, ontology_graphs))
            schema_cache.save(disk_key, schema)
        _SCHEMAS[key] = schema
    return _SCHEMAS[key]


def inferred_fast(store: ox.Store, ontology_graphs: list[str], data_graphs: list[str]) -> set[ox.Triple]:
    """The fast path: schema entailments (owlrl on the ontology) plus compiled instance rules."""
    doc = "\n".join(_inferred_lines(store, ontology_graphs, data_graphs)).encode("utf-8")
    return {q.triple for q in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)}


def _inferred_lines(store: ox.Store, ontology_graphs: list[str], data_graphs: list[str]) -> list[str]:
    schema = schema_for(store, ontology_graphs)
    inputs = list(ontology_graphs) + list(data_graphs)
    out = closure_lines(store, inputs, schema)
    seen = set(out)
    graphs = [ox.NamedNode(g) for g in inputs]
    for k in sorted(schema.axioms, key=key_line):
        line = key_line(k)
        if line not in seen and not _asserted_in(store, k, graphs):
            out.append(line)
            seen.add(line)
    return out


def _asserted_in(store: ox.Store, k: Key, graphs: list[ox.NamedNode]) -> bool:
    s, p, o = to_terms(k)
    return any(True for g in graphs for _ in store.quads_for_pattern(s, p, o, g))
