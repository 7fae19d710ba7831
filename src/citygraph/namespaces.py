"""Every IRI citygraph uses, as pyoxigraph terms, built on the plain prefixes of prefixes.py.

A namespace is a `str` (its base IRI, for prefixes and `startswith`) whose members are
`pyoxigraph.NamedNode`s: `CG.qid`, `CG["qid"]`. A NamedNode prints as `<iri>`, its SPARQL
and N-Triples form, so `f"?p {CG.party} ?o"` is a valid triple pattern; `.value` is the bare IRI.
"""

from __future__ import annotations

import pyoxigraph as ox

from .prefixes import BASE, PREFIXES  # re-exported: the plain-string prefixes


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


CG = Namespace(PREFIXES["cg"])
ID = Namespace(BASE + "id/")
PLACE = Namespace(PREFIXES["place"])
PARTNERSHIP = Namespace(PREFIXES["partnership"])
EVENT = Namespace(PREFIXES["event"])
PERSON = Namespace(PREFIXES["person"])
ORGANISATION = Namespace(PREFIXES["organisation"])
POST = Namespace(PREFIXES["post"])
LANDMARK = Namespace(PREFIXES["landmark"])
SOURCE = Namespace(PREFIXES["source"])
CLAIM = Namespace(PREFIXES["claim"])
VOCAB = Namespace(PREFIXES["vocab"])
GRAPH = Namespace(PREFIXES["graph"])
DATASET = ox.NamedNode(BASE + "dataset")
ONTOLOGY_IRI = BASE + "ontology"  # the owl:Ontology (a plain IRI string)
CC0 = ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")  # the licence of Wikidata's facts

WD = Namespace(PREFIXES["wd"])
WDT = Namespace(PREFIXES["wdt"])
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PQV = Namespace("http://www.wikidata.org/prop/qualifier/value/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
GEONAMES = Namespace(PREFIXES["geonames"])
GEO = Namespace(PREFIXES["geo"])
SCHEMA = Namespace(PREFIXES["schema"])
ORG = Namespace(PREFIXES["org"])
VANN = Namespace(PREFIXES["vann"])
SH = Namespace(PREFIXES["sh"])
SPDX = Namespace(PREFIXES["spdx"])
PROV = Namespace(PREFIXES["prov"])
TIME = Namespace(PREFIXES["time"])
SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])
DCAT = Namespace(PREFIXES["dcat"])
VOID = Namespace(PREFIXES["void"])
OWL = Namespace(PREFIXES["owl"])
RDF = Namespace(PREFIXES["rdf"])
RDFS = Namespace(PREFIXES["rdfs"])
XSD = Namespace(PREFIXES["xsd"])
DBO = Namespace("http://dbpedia.org/ontology/")

# Named graphs of a built dataset (DESIGN §4).
GRAPH_ONTOLOGY = GRAPH.ontology
GRAPH_SHAPES = GRAPH.shapes
GRAPH_INFERRED = GRAPH.inferred
GRAPH_ENRICHMENT = GRAPH.enrichment
GRAPH_ALIGNMENT = GRAPH.alignment  # ontology/alignments/: mapping triples, materialised only on request


def data_graph(name: str) -> ox.NamedNode:
    """The named graph of one data source, e.g. data_graph('nanjing')."""
    return GRAPH["data/" + name]


# The prefixes of queries sent to Wikidata's query service.
WIKIDATA_PREFIXES: dict[str, str] = {
    name: str(ns) for name, ns in (("wd", WD), ("wdt", WDT), ("p", P), ("ps", PS), ("pq", PQ), ("pqv", PQV),
                                   ("wikibase", WIKIBASE), ("rdfs", RDFS), ("owl", OWL))
}


def sparql_prefixes(prefixes: dict[str, str]) -> str:
    """'PREFIX name: <iri>' lines for a SPARQL query, one per prefix, in the order given."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())

__all__ = [name for name in dir() if name.isupper() or name in ("data_graph", "sparql_prefixes", "Namespace")]
