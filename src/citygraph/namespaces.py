"""Every IRI citygraph uses, as rdflib Namespaces built on the plain prefixes of prefixes.py."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD  # noqa: F401  (re-exported)

from .prefixes import BASE, PREFIXES  # noqa: F401  (re-exported: the plain-string prefixes)

CG = Namespace(PREFIXES["cg"])
ONTOLOGY_IRI = BASE + "ontology"
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
DATASET_IRI = BASE + "dataset"

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
DBO = Namespace("http://dbpedia.org/ontology/")

# Named graphs of a built dataset (DESIGN §4).
GRAPH_ONTOLOGY = GRAPH["ontology"]
GRAPH_SHAPES = GRAPH["shapes"]
GRAPH_INFERRED = GRAPH["inferred"]
GRAPH_METADATA = GRAPH["metadata"]
GRAPH_ALIGNMENT = GRAPH["alignment"]
GRAPH_ENRICHMENT = GRAPH["enrichment"]


def data_graph(name: str):
    """The named graph of one data source, e.g. data_graph('nanjing')."""
    return GRAPH["data/" + name]


__all__ = [name for name in dir() if name.isupper() or name == "data_graph"]  # PREFIXES and BASE included
