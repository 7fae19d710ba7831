"""Every prefix citygraph uses, as plain strings: importable without rdflib (cold CLI paths).

namespaces.py builds its rdflib Namespaces from these; query text, dumps and tables use them as
they are. One place for each IRI: namespaces.py reads its IRIs from here.
"""

from __future__ import annotations

BASE = "https://w3id.org/citygraph/"

# Prefixes for serialisations and queries, in a fixed order.
PREFIXES: dict[str, str] = {
    "cg": BASE + "ontology#",
    "place": BASE + "id/place/",
    "partnership": BASE + "id/partnership/",
    "event": BASE + "id/event/",
    "person": BASE + "id/person/",
    "organisation": BASE + "id/organisation/",
    "post": BASE + "id/post/",
    "landmark": BASE + "id/landmark/",
    "source": BASE + "id/source/",
    "claim": BASE + "id/claim/",
    "vocab": BASE + "vocab/",
    "graph": BASE + "graph/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "geonames": "https://sws.geonames.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vann": "http://purl.org/vocab/vann/",
    "spdx": "http://spdx.org/rdf/terms#",
    "sh": "http://www.w3.org/ns/shacl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

__all__ = ["BASE", "PREFIXES", "ordered_prefixes"]


def ordered_prefixes(data: bytes, prefixes: dict[str, str]) -> bytes:
    """Rewrite a Turtle serialiser's @prefix header in the order of `prefixes` (the serialiser's
    own order is a hash map's), keeping only the prefixes it declared."""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    declared = {line.split(b" ", 2)[1].rstrip(b":").decode() for line in lines[:n]}
    head = [f"@prefix {k}: <{v}> .".encode() for k, v in prefixes.items() if k in declared]
    return b"\n".join(head + lines[n:])
