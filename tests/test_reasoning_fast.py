"""The fast reasoner against the reference (owlrl) on the curated data.

Issue 6: the fast path must infer exactly the triples owlrl infers, for every triple whose
predicate (or, for rdf:type, whose class) the stored queries or the shapes use.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from citygraph.build import load_sources
from citygraph.load import resources
from citygraph.load.rdfio import to_rdflib
from citygraph.namespaces import CG, PREFIXES, RDF
from citygraph.reason import materialise as reason

IRI_RE = re.compile(r"<([^<>\s]+)>")
PNAME_RE = re.compile(r"(?<![\w<\"'])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
PREFIX_DECL_RE = re.compile(r"PREFIX\s+([\w-]*):\s*<([^>]+)>", re.IGNORECASE)


def used_terms() -> set[str]:
    """Every IRI the shapes mention, and every IRI or prefixed name in queries/*.rq."""
    terms: set[str] = set()
    built = load_sources("nanjing")
    for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(built.shape_graphs[0])):
        for t in (q.subject, q.predicate, q.object):
            if isinstance(t, ox.NamedNode):
                terms.add(t.value)
    try:
        files = sorted(resources.queries_dir().glob("*.rq"))
    except FileNotFoundError:
        files = []
    for path in files:
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
        prefixes = dict(PREFIXES) | {p: iri for p, iri in PREFIX_DECL_RE.findall(text)}
        terms.update(IRI_RE.findall(text))
        for prefix, local in PNAME_RE.findall(text):
            if prefix in prefixes:
                terms.add(prefixes[prefix] + local)
    terms.add(RDF.type.value)
    return terms


def relevant(triples: set[ox.Triple], terms: set[str]) -> set[ox.Triple]:
    rdf_type = RDF.type.value
    return {
        t for t in triples
        if (t.predicate.value != rdf_type and t.predicate.value in terms)
        or (t.predicate.value == rdf_type and isinstance(t.object, ox.NamedNode) and t.object.value in terms)
    }


@pytest.fixture(scope="module")
def closures():
    built = load_sources("nanjing")
    fast = reason.inferred_fast(built.store, built.ontology_graphs, built.data_graphs)
    ref_keys = reason.closure_owlrl(to_rdflib(built.store, built.ontology_graphs + built.data_graphs))
    ref = {ox.Triple(*reason.to_terms(k)) for k in ref_keys}
    return fast, ref


@pytest.mark.slow  # owlrl, the pure-Python reference, on the curated core
def test_fast_closure_equals_owlrl_on_what_queries_and_shapes_use(closures):
    fast, ref = closures
    terms = used_terms()
    fast_r, ref_r = relevant(fast, terms), relevant(ref, terms)
    # not vacuous: the shapes target cg:Partnership, which ties get only by reasoning from their kind
    assert any(t.predicate.value == RDF.type.value and t.object == CG.Partnership for t in ref_r)
    missing = sorted(map(str, ref_r - fast_r))
    extra = sorted(map(str, fast_r - ref_r))
    assert not missing and not extra, "fast path differs from owlrl:\nowlrl only:\n  " + "\n  ".join(missing) + "\nfast only:\n  " + "\n  ".join(extra)


@pytest.mark.slow
def test_fast_closure_adds_nothing_owlrl_does_not(closures):
    # every fast-path rule is an OWL 2 RL rule, so the fast closure is contained in owlrl's
    fast, ref = closures
    extra = sorted(map(str, fast - ref))
    assert not extra, "fast only:\n  " + "\n  ".join(extra)


def test_fast_path_types_a_partnership_by_its_kinds_equivalents():
    # a tie typed cg:SisterCity (older data) is read as a cg:FormalPartnership and cg:Partnership,
    # and not typed with the synonyms cg:TwinTown, cg:FriendshipCity (one class per real difference)
    store = ox.Store()
    built = load_sources("nanjing")
    store.extend(q for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(built.ontology_graphs[0])))
    data = "urn:x-test:data"
    store.load(
        b"<https://w3id.org/citygraph/id/partnership/Q1-Q2> a <https://w3id.org/citygraph/ontology#SisterCity> ;"
        b" <https://w3id.org/citygraph/ontology#party> <https://w3id.org/citygraph/id/place/Q1> .",
        format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(data),
    )
    out = reason.inferred_fast(store, built.ontology_graphs, [data])
    tie, place = ox.NamedNode("https://w3id.org/citygraph/id/partnership/Q1-Q2"), ox.NamedNode("https://w3id.org/citygraph/id/place/Q1")
    a = RDF.type
    for cls in ("FormalPartnership", "Partnership"):
        assert ox.Triple(tie, a, CG[cls]) in out
    for cls in ("TwinTown", "FriendshipCity"):
        assert ox.Triple(tie, a, CG[cls]) not in out
    assert ox.Triple(place, CG.partnership, tie) in out
    assert ox.Triple(place, a, CG.Place) in out


def test_unknown_reasoner_is_bad_input(cli, tmp_path):
    r = cli("build", "--scope", "nanjing", "--reasoner", "nonesuch", "--out", tmp_path / "d")
    assert r.exit_code == 2
    assert "nonesuch" in (r.stderr + r.stdout)
