"""The world layer: the shipped Wikidata-derived twinning files, imported straight into the store.

Inputs (data/world/, see its README): bothness-cities.csv (cities with coordinates and a
map-derived country), bothness-links.csv (undirected pairs), l3viathan-relations.tsv (directed
P190 statements), l3viathan-names.tsv (mostly German labels). Every input file is a cg:Source.

What the importer writes into graph/data/world (no rdflib on this path, no blank nodes):
- one partnership per unordered QID pair (ids.partnership_iri), typed and kinded
  cg:FormalPartnership (P190 is the formal tie), its two cg:party values, one cg:twinnedWith
  between the places, and prov:wasDerivedFrom every input file that lists the pair. A pair the
  curated data also has is the same node, so it ends up with both sources. No dates: the inputs
  have none.
- each place once: cg:qid, cg:wikidata; cg:City for bothness's cities (it keeps only cities), plain
  cg:Place for the rest (l3viathan also has towns, regions, districts); names as plain literals
  (no language tag: bothness's names are English-ish map names, l3viathan's mostly German):
  bothness's as rdfs:label, l3viathan's as rdfs:label where bothness has none, else as
  skos:altLabel when it differs; bothness coordinates as a WKT point.
- bothness's `country` comes from map boundaries and is wrong for some border cities. It is
  always kept as a cg:Claim about the place (schema:addressCountry with the ISO code, rdfs:label
  with the country name, cg:continent with bothness's continent name, derived from
  bothness-cities.csv; the continent is never asserted of the place). Where it contradicts the curated
  data, or is listed in data/world/known-faults.tsv, a cg:Discrepancy records both readings and
  no cg:country is asserted. Where the sources agree — no curated country for the place, no
  documented fault, and the name is that of exactly one country node the curated data holds
  (with its verified QID) — the place gets that cg:country, so `partners` shows it. Countries
  the curated data does not hold stay claims: no country node or QID is made up.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import ids
from ..errors import BadInput
from ..load import resources
from ..load.store import select
from ..namespaces import (
    CC0,
    CG,
    CLAIM,
    DCTERMS,
    GEO,
    PLACE,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    SOURCE,
    WD,
    data_graph,
)
from ..wkt import wkt_literal_text

WORLD = "world"
CITIES = "bothness-cities.csv"
LINKS = "bothness-links.csv"
RELATIONS = "l3viathan-relations.tsv"
NAMES = "l3viathan-names.tsv"
KNOWN_FAULTS = "known-faults.tsv"
INPUTS = (CITIES, LINKS, RELATIONS, NAMES)

# Coordinates take the curated data's form: place geo:hasCentroid <place/QID/centroid>, which
# has geo:asWKT. A place the curated data already gives a centroid (from the verified gazetteer)
# gets none from the world inputs: one centroid per place, and the verified one wins.
HAS_CENTROID = GEO["hasCentroid"]
AS_WKT = GEO["asWKT"]
GEOMETRY = GEO["Geometry"]

# One cg:Source per input file: (IRI local name, title, origin, extracted).
SOURCES: dict[str, tuple[str, str, str, str]] = {
    CITIES: ("world-bothness-cities", "bothness/twin-cities: cities (nodes.tsv)",
             "https://github.com/bothness/twin-cities", "republished unchanged as TidyTuesday 2026-05-12 'Twinned Cities'"),
    LINKS: ("world-bothness-links", "bothness/twin-cities: twinned pairs (links.tsv)",
            "https://github.com/bothness/twin-cities", "republished unchanged as TidyTuesday 2026-05-12 'Twinned Cities'"),
    RELATIONS: ("world-l3viathan-relations", "L3viathan/sister-cities: P190 statements",
                "https://github.com/L3viathan/sister-cities", "a 2016 crawl of Wikidata P190"),
    NAMES: ("world-l3viathan-names", "L3viathan/sister-cities: place names (mostly German)",
            "https://github.com/L3viathan/sister-cities", "a 2016 crawl of Wikidata"),
}


@dataclass
class City:
    qid: str
    name: str
    lng: str
    lat: str
    country: str
    countrycd: str
    continent: str = ""


@dataclass
class WorldInputs:
    """The parsed input files: places and pairs, each pair with the files that list it."""

    cities: dict[str, City] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    pairs: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (a, b) sorted -> input files
    faults: dict[str, str] = field(default_factory=dict)  # QID -> why its bothness country is wrong


def world_dir() -> Path:
    return resources.data_dir() / WORLD


def available(folder: Path | None = None) -> bool:
    folder = folder or world_dir()
    return all((folder / name).is_file() for name in INPUTS)


def _qid(text: str, path: Path, line: int) -> str:
    text = text.strip()
    if not ids.is_qid(text):
        raise BadInput(f"{path}:{line}: {text!r} is not a Wikidata item id (Q followed by digits); fix or remove that row")
    return text


def _pair(a: str, b: str) -> tuple[str, str]:
    return ids.ordered_pair(a, b)


def _rows(path: Path, delimiter: str, header: bool) -> Iterator[tuple[int, list[str]]]:
    # keep every cell as text: Namibia's code is the string "NA", not a missing value
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE)
        for row in reader:
            if header:
                header = False
                continue
            if row:
                yield reader.line_num, row


def read_inputs(folder: Path | None = None) -> WorldInputs:
    """Parse the four input files (and the known-faults list); BadInput names file and line."""
    folder = folder or world_dir()
    out = WorldInputs()
    path = folder / CITIES
    expected = ["id", "name", "lng", "lat", "country", "countrycd", "continent"]
    with open(path, newline="", encoding="utf-8") as f:
        first = next(csv.reader(f), [])
    if first != expected:
        raise BadInput(f"{path}:1: header {first} is not {expected}")
    for line, row in _rows(path, ",", header=True):
        if len(row) != len(expected):
            raise BadInput(f"{path}:{line}: {len(row)} fields, expected {len(expected)}")
        qid = _qid(row[0], path, line)
        for v in row[2:4]:
            try:
                float(v)
            except ValueError:
                raise BadInput(f"{path}:{line}: coordinate {v!r} is not a number") from None
        out.cities[qid] = City(qid, row[1].strip(), row[2].strip(), row[3].strip(), row[4].strip(), row[5].strip(), row[6].strip())
    for name, delim, header in ((LINKS, ",", True), (RELATIONS, "\t", False)):
        path = folder / name
        for line, row in _rows(path, delim, header):
            if len(row) != 2:
                raise BadInput(f"{path}:{line}: expected two QIDs, found {len(row)} field(s)")
            a, b = _qid(row[0], path, line), _qid(row[1], path, line)
            if a == b:
                continue  # a self-tie is no tie
            out.pairs.setdefault(_pair(a, b), set()).add(name)
    path = folder / NAMES
    for line, row in _rows(path, "\t", header=False):
        if len(row) != 2:
            raise BadInput(f"{path}:{line}: expected QID<TAB>name, found {len(row)} field(s)")
        out.names[_qid(row[0], path, line)] = row[1].strip()
    path = folder / KNOWN_FAULTS
    if path.is_file():
        for line, row in _rows(path, "\t", header=True):
            out.faults[_qid(row[0], path, line)] = row[-1].strip()
    return out


def _lit(text: str) -> ox.Literal:
    return ox.Literal(text)


@functools.cache  # a few hundred distinct names, compared ~500,000 times per build
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _names_agree(a: str, b: str) -> bool:
    """'United States' and 'United States of America' agree; 'Mexico' and 'United States...' do not."""
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a == b or a.startswith(b + " ") or b.startswith(a + " "))


def curated_countries(store: ox.Store, exclude_graph: str) -> dict[str, list[tuple[str, list[str]]]]:
    """QID -> [(country IRI, its labels)] for places that other graphs give a cg:country."""
    q = f"""
    SELECT ?qid ?country ?label WHERE {{
      GRAPH ?g {{ ?place {CG.country} ?country }}
      FILTER(?g != <{exclude_graph}>)
      ?place {CG.qid} ?qid .
      OPTIONAL {{ ?country {RDFS.label}|{SKOS.prefLabel}|{SKOS.altLabel} ?label }}
    }}"""
    out: dict[str, dict[str, list[str]]] = {}
    for row in select(store, q, use_default_graph_as_union=True):
        labels = out.setdefault(row["qid"].value, {}).setdefault(row["country"].value, [])
        if row["label"] is not None:
            labels.append(row["label"].value)
    return {k: sorted(v.items()) for k, v in out.items()}


def country_nodes(store: ox.Store, exclude_graph: str) -> list[tuple[str, list[str]]]:
    """[(country IRI, its labels)] for the cg:Country nodes other graphs hold, sorted by IRI."""
    q = f"""
    SELECT ?country ?label WHERE {{
      GRAPH ?g {{ ?country a {CG['Country']} }}
      FILTER(?g != <{exclude_graph}>)
      ?country {RDFS['label']}|{SKOS['altLabel']} ?label .
    }}"""
    out: dict[str, list[str]] = {}
    rows = store.query(q, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        out.setdefault(row["country"].value, []).append(row["label"].value)
    return sorted((c, sorted(labels)) for c, labels in out.items())


def agreed_country(city: City, curated: list, known_fault: str | None, countries: list[tuple[str, list[str]]]) -> str | None:
    """The country node the world sources agree on for `city`, or None (then only the claim)."""
    if curated or known_fault:
        return None
    matches = [c for c, labels in countries if any(_names_agree(city.country, lab) for lab in labels)]
    return matches[0] if len(matches) == 1 else None


def world_quads(inputs: WorldInputs, graph: str, curated: dict[str, list[tuple[str, list[str]]]] | None = None,
                centred: set[str] | frozenset[str] = frozenset(), countries: Iterable[tuple[str, list[str]]] = ()) -> list[ox.Quad]:
    """The world layer as quads in `graph`; `centred`: QIDs that already have a centroid elsewhere;
    `countries`: the curated country nodes a place's bothness country may be asserted as."""
    g = ox.NamedNode(graph)
    T = ox.NamedNode
    a, label, alt = RDF.type, RDFS.label, SKOS.altLabel
    derived, qid_p, wikidata = PROV.wasDerivedFrom, CG.qid, CG.wikidata
    formal, kind, party, twinned = CG.FormalPartnership, CG.kind, CG.party, CG.twinnedWith
    wkt = GEO.wktLiteral
    out: list[ox.Quad] = []
    add = out.append
    curated = curated or {}

    src: dict[str, ox.NamedNode] = {}
    for name, (local, title, origin, extracted) in SOURCES.items():
        s = src[name] = SOURCE[local]
        add(ox.Quad(s, a, CG.Source, g))
        add(ox.Quad(s, label, ox.Literal(title, language="en"), g))
        add(ox.Quad(s, DCTERMS.source, T(origin), g))
        add(ox.Quad(s, DCTERMS.license, CC0, g))
        add(ox.Quad(s, DCTERMS.description, ox.Literal(f"data/world/{name}: {extracted}; facts from Wikidata (CC0)", language="en"), g))

    places = sorted({q for pair in inputs.pairs for q in pair} | set(inputs.cities), key=ids.key_order)
    for qid in places:
        p = PLACE[qid]
        city = inputs.cities.get(qid)
        add(ox.Quad(p, a, CG.City if city else CG.Place, g))
        add(ox.Quad(p, qid_p, _lit(qid), g))
        add(ox.Quad(p, wikidata, WD[qid], g))
        german = inputs.names.get(qid)
        if city:
            add(ox.Quad(p, label, _lit(city.name), g))
            if qid not in centred:
                centroid = ids.centroid_iri(qid)
                add(ox.Quad(p, HAS_CENTROID, centroid, g))
                add(ox.Quad(centroid, a, GEOMETRY, g))
                add(ox.Quad(centroid, AS_WKT, ox.Literal(wkt_literal_text(city.lng, city.lat), datatype=wkt), g))
            if german and german != city.name:
                add(ox.Quad(p, alt, _lit(german), g))
            out.extend(_country_claim(city, p, src[CITIES], g, curated.get(qid, []), inputs.faults.get(qid)))
            agreed = agreed_country(city, curated.get(qid, []), inputs.faults.get(qid), list(countries))
            if agreed:
                add(ox.Quad(p, T(CG.country.value), T(agreed), g))
        elif german:
            add(ox.Quad(p, label, _lit(german), g))

    for (q1, q2), files in sorted(inputs.pairs.items(), key=lambda kv: (ids.key_order(kv[0][0]), ids.key_order(kv[0][1]))):
        n = ids.partnership_iri(q1, q2)
        p1, p2 = PLACE[q1], PLACE[q2]
        add(ox.Quad(n, a, formal, g))
        add(ox.Quad(n, kind, formal, g))
        add(ox.Quad(n, party, p1, g))
        add(ox.Quad(n, party, p2, g))
        add(ox.Quad(p1, twinned, p2, g))
        for name in sorted(files):
            add(ox.Quad(n, derived, src[name], g))
    return out



def _country_claim(city: City, place: ox.NamedNode, source: ox.NamedNode, g: ox.NamedNode,
                   curated: list[tuple[str, list[str]]], known_fault: str | None) -> Iterable[ox.Quad]:
    claim = CLAIM[f"{city.qid}-bothness-country"]
    derived = PROV.wasDerivedFrom
    yield ox.Quad(claim, RDF.type, CG.Claim, g)
    yield ox.Quad(claim, CG.about, place, g)
    yield ox.Quad(claim, SCHEMA.addressCountry, _lit(city.countrycd), g)
    if city.continent:
        yield ox.Quad(claim, CG.continent, _lit(city.continent), g)
    yield ox.Quad(claim, RDFS.label, ox.Literal(f"bothness map country of {city.name}: {city.country} ({city.countrycd})", language="en"), g)
    yield ox.Quad(claim, derived, source, g)
    readings = []
    contradicted = [(c, labels) for c, labels in curated if labels and not any(_names_agree(city.country, lab) for lab in labels)]
    for country, labels in contradicted:
        readings.append(f"the curated data places {city.name} in {sorted(labels)[0]} (<{country}>)")
    if known_fault:
        readings.append(known_fault)
    if not readings:
        return
    d = CLAIM[f"{city.qid}-bothness-country-discrepancy"]
    yield ox.Quad(d, RDF.type, CG.Discrepancy, g)
    yield ox.Quad(d, CG.about, place, g)
    yield ox.Quad(d, CG.about, claim, g)
    yield ox.Quad(d, CG.reading, ox.Literal(f"bothness-cities.csv (country from map boundaries) places {city.name} in {city.country} ({city.countrycd})", language="en"), g)
    for r in readings:
        yield ox.Quad(d, CG.reading, ox.Literal(r, language="en"), g)
    yield ox.Quad(d, CG.resolution, ox.Literal("The bothness country is kept only as a claim of its source, never as cg:country; the curated or documented reading stands.", language="en"), g)
    yield ox.Quad(d, derived, source, g)


def centred_places(store: ox.Store, exclude_graph: str) -> set[str]:
    """QIDs of places that graphs other than `exclude_graph` already give a centroid."""
    q = f"""
    SELECT DISTINCT ?qid WHERE {{
      GRAPH ?g {{ ?place {GEO.hasCentroid} ?c }}
      FILTER(?g != <{exclude_graph}>)
      ?place {CG.qid} ?qid .
    }}"""
    return {row["qid"].value for row in select(store, q, use_default_graph_as_union=True)}


def import_world(store: ox.Store, folder: Path | None = None, graph: str | None = None) -> str:
    """Read the shipped world inputs and add them to `store` as the data/world graph."""
    graph = graph or data_graph(WORLD).value
    inputs = read_inputs(folder)
    quads = world_quads(inputs, graph, curated_countries(store, graph), centred_places(store, graph), country_nodes(store, graph))
    store.extend(quads)
    return graph


__all__ = ["import_world", "read_inputs", "world_quads", "available", "WorldInputs", "world_dir", "INPUTS"]
