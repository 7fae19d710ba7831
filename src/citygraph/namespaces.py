"""Every IRI and prefix citygraph uses, defined once."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

BASE = "https://w3id.org/citygraph/"

CG = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
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
DATASET_IRI = BASE + "dataset"

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PQV = Namespace("http://www.wikidata.org/prop/qualifier/value/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
GEONAMES = Namespace("https://sws.geonames.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
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


# Prefixes for serialisations and queries, in a fixed order.
PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "place": str(PLACE),
    "partnership": str(PARTNERSHIP),
    "event": str(EVENT),
    "person": str(PERSON),
    "organisation": str(ORGANISATION),
    "post": str(POST),
    "landmark": str(LANDMARK),
    "source": str(SOURCE),
    "claim": str(CLAIM),
    "vocab": str(VOCAB),
    "graph": str(GRAPH),
    "wd": str(WD),
    "wdt": str(WDT),
    "geonames": str(GEONAMES),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "vann": str(VANN),
    "spdx": str(SPDX),
    "sh": str(SH),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

__all__ = [name for name in dir() if name.isupper() or name == "data_graph"]
