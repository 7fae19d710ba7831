"""ties.json: the ties as framed JSON-LD for JSON developers, and its context ties.context.jsonld.

What a JSON developer gets: `doc["ties"]` is an array of plain objects with short keys —
`id`, `type`, `label`, `kind`, `party` (each with `id`, `qid`, `label` or `name`, `country`,
`wikidata`), `listedYear`, `event` (each with `id`, `type`, `label`, one of `date` /
`yearMonth` / `year`, `dateQualifier`, `source`), `source`. A property that may repeat is
always an array (`type`, `kind`, `party`, `event`, `dateQualifier`, `source`), even with one
value; single-valued ones are never arrays. Types are the asserted ones only (what the
sources say: cg:SisterCity, not also the inferred cg:FormalPartnership, cg:Partnership,
prov:Entity). Places are embedded in each tie (`@embed: @always`).

The context is written once at the top of ties.json and also as ties.context.jsonld, to be
referenced by URL (`--base-url` gives it one). It is a JSON-LD 1.1 context, so a JSON-LD
processor reads ties.json as RDF: exactly triples of the graph (tests check with pyld). The
date keys map to cg:date with the datatype of the date's precision, so no literal changes.
Built straight from the tables (publish/tabular/tables.py), not by a framing algorithm: pyld's framing
with `@embed: @always` did not finish in minutes on the world build; this takes a second.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...namespaces import CG, PROV, RDFS, XSD
from .tables import Tables

NAME = "ties.json"
CONTEXT_NAME = "ties.context.jsonld"
DATE_KEYS = {"day": "date", "month": "yearMonth", "year": "year"}
CG_NS = str(CG)

CONTEXT: dict = {
    "@version": 1.1,
    "@vocab": CG_NS,
    "cg": CG_NS,
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "prov": str(PROV),
    "id": "@id",
    "type": {"@id": "@type", "@container": "@set"},
    "ties": "@graph",
    "label": {"@id": "rdfs:label", "@language": "en"},
    "name": {"@id": "rdfs:label", "@language": None},
    "kind": {"@id": "cg:kind", "@type": "@vocab", "@container": "@set"},
    "party": {"@id": "cg:party", "@container": "@set"},
    "qid": {"@id": "cg:qid"},
    "country": {"@id": "cg:country", "@type": "@id"},
    "wikidata": {"@id": "cg:wikidata", "@type": "@id"},
    "listedYear": {"@id": "cg:listedYear", "@type": "xsd:gYear"},
    "event": {"@id": "cg:event", "@container": "@set"},
    "date": {"@id": "cg:date", "@type": "xsd:date"},
    "yearMonth": {"@id": "cg:date", "@type": "xsd:gYearMonth"},
    "year": {"@id": "cg:date", "@type": "xsd:gYear"},
    "dateQualifier": {"@id": "cg:dateQualifier", "@type": "@vocab", "@container": "@set"},
    "source": {"@id": "prov:wasDerivedFrom", "@type": "@id", "@container": "@set"},
}


def _short(iri: str) -> str:
    """A class or concept of the ontology by its local name (the context's @vocab), else the IRI."""
    return iri[len(CG_NS):] if iri.startswith(CG_NS) else iri


def _place(p: dict) -> dict:
    out: dict = {"id": p["place"]}
    if p.get("qid"):
        out["qid"] = p["qid"]
    if p.get("label"):
        out["label" if p.get("label_lang") == "en" else "name"] = p["label"]
    for key, col in (("country", "country_iri"), ("wikidata", "wikidata")):
        if p.get(col):
            out[key] = p[col]
    return out


def _event(e: dict) -> dict:
    out: dict = {"id": e["event"], "type": [_short(e["type_iri"])] if e["type_iri"] else []}
    if e["label"]:
        out["label"] = e["label"]
    if e["date"] and e["date_precision"] in DATE_KEYS:
        out[DATE_KEYS[e["date_precision"]]] = e["date"]
    out["dateQualifier"] = [_short(q) for q in e["date_qualifier_iri"].split()]
    out["source"] = e["source_iris"].split()
    return out


def ties(t: Tables, types: dict[str, list[str]]) -> list[dict]:
    places = {p["place"]: p for p in t.places}
    events: dict[str, list[dict]] = {}
    for e in t.events:
        events.setdefault(e["tie"], []).append(_event(e))
    out = []
    for tie in t.ties:
        obj: dict = {"id": tie["tie"], "type": [_short(c) for c in types.get(tie["tie"], [])]}
        if tie["label"]:
            obj["label"] = tie["label"]
        obj["kind"] = [_short(k) for k in tie["kind_iri"].split()]
        obj["party"] = [_place(places[p]) for p in (tie["party_a_iri"], tie["party_b_iri"]) if p in places]
        if tie["listed_year"]:
            obj["listedYear"] = tie["listed_year"]
        obj["event"] = events.get(tie["tie"], [])
        obj["source"] = tie["source_iris"].split()
        out.append(obj)
    return out


def document(t: Tables, types: dict[str, list[str]]) -> dict:
    return {"@context": CONTEXT, "ties": ties(t, types)}


def write(t: Tables, types: dict[str, list[str]], folder: Path) -> None:
    folder = Path(folder)
    text = json.dumps(document(t, types), ensure_ascii=False, indent=1) + "\n"
    (folder / NAME).write_text(text, encoding="utf-8")
    (folder / CONTEXT_NAME).write_text(json.dumps({"@context": CONTEXT}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
