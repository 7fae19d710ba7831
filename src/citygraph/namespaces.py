"""Every IRI and prefix citygraph uses, declared once, as pyoxigraph terms.

A namespace is a `str` (its base IRI, for prefixes and `startswith`) whose members are
`pyoxigraph.NamedNode`s: `CG.qid`, `CG["qid"]`. A NamedNode prints as `<iri>`, its SPARQL
and N-Triples form, so `f"?p {CG.party} ?o"` is a valid triple pattern; `.value` is the bare IRI.
"""

from __future__ import annotations

import pyoxigraph as ox


class Namespace(str):
    """A base IRI whose attributes and items are the NamedNodes under it.

    Every public attribute is a term, str's method names included (DCTERMS.title, not str.title);
    the base IRI itself is the str value, for `+`, `len`, `startswith(ns)` and f-strings.
    """

    __slots__ = ()

    def __getitem__(self, local: str) -> ox.NamedNode:  # type: ignore[override]
        return ox.NamedNode(str.__add__(self, local))

    def __getattribute__(self, local: str) -> ox.NamedNode:
        if local.startswith("_"):
            return object.__getattribute__(self, local)
        return ox.NamedNode(str.__add__(self, local))


BASE = "https://w3id.org/citygraph/"

CG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
PLACE = Namespace(BASE + "id/place/")
PARTNERSHIP = Namespace(BASE + "id/partnership/")
EVENT = Namespace(BASE + "id/event/")
PERSON = Namespace(BASE + "id/person/")
ORGANISATION = Namespace(BASE + "id/organisation/")
POST = Namespace(BASE + "id/post/")
LANDMARK = Namespace(BASE + "id/landmark/")
SOURCE = Namespace(BASE + "id/source/")
CLAIM = Namespace(BASE + "id/claim/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")
DATASET = ox.NamedNode(BASE + "dataset")
CC0 = ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")  # the licence of Wikidata's facts

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PQV = Namespace("http://www.wikidata.org/prop/qualifier/value/")
GEONAMES = Namespace("https://sws.geonames.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# Named graphs of a built dataset (DESIGN §4).
GRAPH_ONTOLOGY = GRAPH.ontology
GRAPH_SHAPES = GRAPH.shapes
GRAPH_INFERRED = GRAPH.inferred
GRAPH_ENRICHMENT = GRAPH.enrichment


def data_graph(name: str) -> ox.NamedNode:
    """The named graph of one data source, e.g. data_graph('nanjing')."""
    return GRAPH["data/" + name]


# Prefixes for serialisations and queries, in a fixed order.
PREFIXES: dict[str, str] = {
    "cg": CG,
    "place": PLACE,
    "partnership": PARTNERSHIP,
    "event": EVENT,
    "person": PERSON,
    "organisation": ORGANISATION,
    "post": POST,
    "landmark": LANDMARK,
    "source": SOURCE,
    "claim": CLAIM,
    "vocab": VOCAB,
    "graph": GRAPH,
    "wd": WD,
    "wdt": WDT,
    "geonames": GEONAMES,
    "geo": GEO,
    "schema": SCHEMA,
    "org": ORG,
    "prov": PROV,
    "time": TIME,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "vann": VANN,
    "spdx": SPDX,
    "sh": SH,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}
PREFIXES = {k: str(v) for k, v in PREFIXES.items()}  # plain str values: what serialisers expect

# The prefixes of queries sent to Wikidata's query service.
WIKIDATA_PREFIXES: dict[str, str] = {
    name: str(ns) for name, ns in (("wd", WD), ("wdt", WDT), ("p", P), ("ps", PS), ("pq", PQ), ("pqv", PQV),
                                   ("wikibase", WIKIBASE), ("rdfs", RDFS), ("owl", OWL))
}


def sparql_prefixes(prefixes: dict[str, str]) -> str:
    """'PREFIX name: <iri>' lines for a SPARQL query, one per prefix, in the order given."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())

__all__ = [name for name in dir() if name.isupper() or name in ("data_graph", "sparql_prefixes", "Namespace")]
