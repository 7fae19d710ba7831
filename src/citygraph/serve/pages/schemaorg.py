"""schema.org JSON-LD for search engines: a page's thing, and the landing page's Dataset."""

from __future__ import annotations

import pyoxigraph as ox

from ...wkt import parse_point
from .facts import CG, SKOS_ALT, Facts

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

_TYPES = [  # our class -> schema.org type, most specific first
    (CG + "City", "City"), (CG + "Country", "Country"), (CG + "Region", "AdministrativeArea"), (CG + "Place", "Place"),
    (CG + "Event", "Event"), (CG + "Person", "Person"), (CG + "Organisation", "Organization"),
    (CG + "Source", "CreativeWork"),
]


def schema_type(facts: Facts) -> str:
    types = facts.types
    for ours, theirs in _TYPES:
        if ours in types:
            return theirs
    return "Thing"


def thing(facts: Facts, url: str) -> dict:
    """The page's subject as a schema.org node: name, other names, sameAs links, geo, kind."""
    node: dict = {"@context": "https://schema.org", "@type": schema_type(facts), "@id": facts.iri,
                  "name": facts.label(), "url": url}
    names = sorted({o.value for p in ("http://www.w3.org/2000/01/rdf-schema#label", SKOS_ALT)
                    for o in facts.values(p) if isinstance(o, ox.Literal)} - {facts.label()})
    if names:
        node["alternateName"] = names
    same = sorted({t.object.value for t in facts.outgoing if isinstance(t.object, ox.NamedNode)
                   and t.object.value.startswith((WIKIDATA, GEONAMES))})
    if same:
        node["sameAs"] = same
    for o in facts.values(CG + "date"):
        if isinstance(o, ox.Literal) and node["@type"] == "Event":
            node["startDate"] = o.value
    return node


def with_geo(node: dict, wkt: str | None) -> dict:
    point = parse_point(wkt)
    if point:
        node["geo"] = {"@type": "GeoCoordinates", "longitude": point[0], "latitude": point[1]}
    return node


def dataset(title: str, description: str, url: str, licence: str | None, downloads: list[dict]) -> dict:
    node: dict = {"@context": "https://schema.org", "@type": "Dataset", "@id": url, "name": title, "url": url,
                  "description": description, "isAccessibleForFree": True,
                  "keywords": ["sister cities", "twin towns", "friendship cities", "city diplomacy", "RDF", "SPARQL"]}
    if licence:
        node["license"] = licence
    if downloads:
        node["distribution"] = [{"@type": "DataDownload", "contentUrl": d["url"], "encodingFormat": d["media"],
                                 "name": d["name"], "contentSize": str(d["size"])} for d in downloads]
    return node
