"""The JSON-LD writer on the awkward cases the curated data may not have: each must expand back
to exactly the triples it was written from (checked with pyld, an independent processor)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citygraph.publish.jsonld import Compactor, load_context, to_jsonld

CG = "https://w3id.org/citygraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
S = ox.NamedNode("https://w3id.org/citygraph/id/place/Q16666")

CASES = {
    "language map with several languages and repeats": [
        (S, RDFS_LABEL, ox.Literal("Nanjing", language="en")),
        (S, RDFS_LABEL, ox.Literal("Nanking", language="en")),
        (S, RDFS_LABEL, ox.Literal("南京市", language="zh-Hans")),
    ],
    "plain string under a language-map term": [(S, RDFS_LABEL, ox.Literal("Nanjing"))],
    "typed literal under a language-map term": [(S, RDFS_LABEL, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")))],
    "IRI under a language-map term": [(S, RDFS_LABEL, ox.NamedNode("https://example.org/x"))],
    "string under an @id-coerced term": [(S, CG + "party", ox.Literal("not an IRI"))],
    "typed literal under an @id-coerced term": [(S, CG + "party", ox.Literal("2019", datatype=ox.NamedNode(XSD + "gYear")))],
    "IRI without a prefix under an @id-coerced term": [(S, CG + "party", ox.NamedNode("urn:example:place"))],
    "IRI whose suffix starts with //": [(S, CG + "party", ox.NamedNode("https://w3id.org/citygraph/id/place//odd"))],
    "numbers and booleans keep their lexical form": [
        (S, CG + "quantity", ox.Literal("007", datatype=ox.NamedNode(XSD + "integer"))),
        (S, CG + "value", ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal"))),
        (S, CG + "value", ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
    "predicate with no prefix, and text with quotes, newlines and emoji": [
        (S, "https://example.org/p", ox.Literal('say "hi"\nthen \\ leave 🙂')),
    ],
    "a literal as rdf:type object": [(S, RDF_TYPE, ox.Literal("City"))],
    "several types": [(S, RDF_TYPE, ox.NamedNode(CG + "City")), (S, RDF_TYPE, ox.NamedNode(CG + "Place"))],
}


def _triples(rows):
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in rows]


def _lower(t):
    o = t.object
    if isinstance(o, ox.Literal) and o.language:
        o = ox.Literal(o.value, language=o.language.lower())
    return (t.subject, t.predicate, o)


@pytest.mark.parametrize("name", sorted(CASES))
def test_written_jsonld_expands_to_the_same_triples(name):
    from pyld import jsonld

    triples = _triples(CASES[name])
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    ordered = [q.triple for q in ox.parse(b"".join(sorted(nt.splitlines(keepends=True))), format=ox.RdfFormat.N_TRIPLES)]
    doc = json.loads(to_jsonld(ordered))
    back = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    got = {_lower(q) for q in ox.parse(back.encode(), format=ox.RdfFormat.N_QUADS)}
    assert got == {_lower(t) for t in triples}


def test_short_keys_are_used_where_they_fit():
    doc = json.loads(to_jsonld(_triples(CASES["language map with several languages and repeats"]
                                        + [(S, CG + "country", ox.NamedNode("https://w3id.org/citygraph/id/place/Q148"))])))
    node = doc["@graph"][0]
    zh = ox.Literal("南京市", language="zh-Hans").language  # pyoxigraph may normalise the tag's case
    assert node == {"id": "place:Q16666", "country": "place:Q148", "label": {"en": ["Nanjing", "Nanking"], zh: "南京市"}}


def test_written_twice_is_byte_identical():
    triples = [t for rows in CASES.values() for t in _triples(rows)]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    ordered = [q.triple for q in ox.parse(b"".join(sorted(set(nt.splitlines(keepends=True)))), format=ox.RdfFormat.N_TRIPLES)]
    assert to_jsonld(ordered) == to_jsonld(list(ordered))


def test_compactor_prefers_the_longest_namespace():
    comp = Compactor(load_context())
    assert comp.iri("https://w3id.org/citygraph/id/place/Q16666") == "place:Q16666"
    assert comp.iri("https://w3id.org/citygraph/ontology#party") == "cg:party"


def test_compactor_picks_the_longest_namespace_like_a_plain_search():
    # The compactor looks namespaces up by the IRI's beginnings up to a "/" or "#"; the rule it
    # must keep is the plain one: the longest namespace that begins the IRI and is not followed
    # by "//", of two names for one namespace the first by name.
    prefixes = {"ex": "http://e.org/", "deep": "http://e.org/a/b/", "hash": "http://e.org/a#", "zz": "http://e.org/a/b/",
                "aa": "http://e.org/a/b/", "sl": "http://e.org/s/"}
    comp = Compactor({"@context": prefixes})

    def plain(iri: str) -> str:
        for name, ns in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                return f"{name}:{iri[len(ns):]}"
        return iri

    iris = ["http://e.org/a/b/c", "http://e.org/a/b/c/d#e", "http://e.org/a#x/y", "http://e.org/a/bc", "http://e.org/s//x",
            "http://e.org/s/", "http://e.org/", "http://f.org/x", "http://e.org/a/b//c", "urn:x:y", "http://e.org/a#"]
    assert [comp.iri(i) for i in iris] == [plain(i) for i in iris]
    assert comp.iri("http://e.org/a/b/c") == "aa:c"
