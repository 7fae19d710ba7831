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
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
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
    PARTNERSHIP,
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
    if not _QID_MATCH(text):
        raise BadInput(f"{path}:{line}: {text!r} is not a Wikidata item id (Q followed by digits); fix or remove that row")
    return text


_QID_MATCH = ids.QID_RE.match


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


def _read_pairs(folder: Path, pairs: dict[tuple[str, str], set[str]]) -> None:
    """The pairs of bothness-links.csv and l3viathan-relations.tsv, each with the files that list it.

    The hot loop of the import (~45,000 rows): a row is checked with one regex match per QID, and
    the pair ordered as ids.ordered_pair orders QIDs (by number: a longer QID is a larger one)."""
    match = _QID_MATCH
    for name, delim, header in ((LINKS, ",", True), (RELATIONS, "\t", False)):
        path = folder / name
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=delim, quoting=csv.QUOTE_MINIMAL if delim == "," else csv.QUOTE_NONE)
            if header:
                next(reader, None)
            for row in reader:
                if len(row) != 2:
                    if not row:
                        continue
                    raise BadInput(f"{path}:{reader.line_num}: expected two QIDs, found {len(row)} field(s)")
                a, b = row[0].strip(), row[1].strip()
                if not (match(a) and match(b)):
                    a, b = _qid(a, path, reader.line_num), _qid(b, path, reader.line_num)  # raises, naming the cell
                if a == b:
                    continue  # a self-tie is no tie
                key = (a, b) if len(a) < len(b) or (len(a) == len(b) and a < b) else (b, a)
                files = pairs.get(key)
                if files is None:
                    pairs[key] = {name}
                else:
                    files.add(name)


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
    _read_pairs(folder, out.pairs)
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


# The importer writes N-Triples text, which the engine parses in Rust (`Store.load`): a Python
# `Quad` per triple costs more than the whole parse. Terms are written as pyoxigraph prints them.
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'["\\\n\r]').search


def _lit(text: str) -> str:
    """A plain literal's N-Triples text (escaped as N-Triples' STRING_LITERAL_QUOTE requires)."""
    return f'"{text.translate(_ESCAPES)}"' if _NEEDS_ESCAPE(text) else f'"{text}"'


def _en(text: str) -> str:
    return f"{_lit(text)}@en"


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


def country_matcher(countries: Iterable[tuple[str, list[str]]]) -> Callable[[str], str | None]:
    """name -> the one country node whose labels agree with it, else None; asked once per name
    (a few hundred bothness country names for ~5,500 cities)."""
    nodes = list(countries)
    memo: dict[str, str | None] = {}

    def match(name: str) -> str | None:
        if name not in memo:
            matches = [c for c, labels in nodes if any(_names_agree(name, lab) for lab in labels)]
            memo[name] = matches[0] if len(matches) == 1 else None
        return memo[name]

    return match


def agreed_country(city: City, curated: list, known_fault: str | None, match: Callable[[str], str | None]) -> str | None:
    """The country node the world sources agree on for `city` (`match`: a country_matcher), or None (then only the claim)."""
    if curated or known_fault:
        return None
    return match(city.country)


def _nt(term: ox.NamedNode) -> str:
    """An IRI's N-Triples text."""
    return f"<{term.value}>"


# N-Triples text of the terms every place, tie and claim uses
_A, _LABEL, _ALT, _DERIVED = _nt(RDF.type), _nt(RDFS.label), _nt(SKOS.altLabel), _nt(PROV.wasDerivedFrom)
_QID, _WIKIDATA, _COUNTRY = _nt(CG.qid), _nt(CG.wikidata), _nt(CG.country)
_CITY, _PLACE, _FORMAL, _KIND = _nt(CG.City), _nt(CG.Place), _nt(CG.FormalPartnership), _nt(CG.kind)
_PARTY, _TWINNED, _CENTROID, _AS_WKT = _nt(CG.party), _nt(CG.twinnedWith), _nt(HAS_CENTROID), _nt(AS_WKT)
_GEOMETRY, _WKT_TYPE = _nt(GEOMETRY), _nt(GEO.wktLiteral)
_CLAIM, _DISCREPANCY, _ABOUT, _READING = _nt(CG.Claim), _nt(CG.Discrepancy), _nt(CG.about), _nt(CG.reading)
_ADDRESS_COUNTRY, _CONTINENT, _RESOLUTION = _nt(SCHEMA.addressCountry), _nt(CG.continent), _nt(CG.resolution)
_KEPT_AS_CLAIM = _en("The bothness country is kept only as a claim of its source, never as cg:country; "
                     "the curated or documented reading stands.")


def _place(qid: str) -> str:
    return f"<{PLACE}{qid}>"


def world_lines(inputs: WorldInputs, curated: dict[str, list[tuple[str, list[str]]]] | None = None,
                centred: set[str] | frozenset[str] = frozenset(), countries: Iterable[tuple[str, list[str]]] = ()) -> list[str]:
    """The world layer as N-Triples lines ("s p o ."); `centred`: QIDs that already have a centroid
    elsewhere; `countries`: the curated country nodes a place's bothness country may be asserted as."""
    curated = curated or {}
    match = country_matcher(countries)
    out: list[str] = []
    add = out.append
    src: dict[str, str] = {}
    for name, (local, title, origin, extracted) in SOURCES.items():
        s = src[name] = _nt(SOURCE[local])
        add(f"{s} {_A} {CG.Source} .")
        add(f"{s} {_LABEL} {_en(title)} .")
        add(f"{s} {DCTERMS.source} <{origin}> .")
        add(f"{s} {DCTERMS.license} {CC0} .")
        add(f"{s} {DCTERMS.description} {_en(f'data/world/{name}: {extracted}; facts from Wikidata (CC0)')} .")

    # every QID was checked by read_inputs, so its number orders it (ids.key_order)
    places = sorted({q for pair in inputs.pairs for q in pair} | set(inputs.cities), key=lambda q: int(q[1:]))
    for qid in places:
        p = _place(qid)
        city = inputs.cities.get(qid)
        add(f"{p} {_A} {_CITY if city else _PLACE} .")
        add(f"{p} {_QID} {_lit(qid)} .")
        add(f"{p} {_WIKIDATA} <{WD}{qid}> .")
        german = inputs.names.get(qid)
        if city:
            out.extend(_city_lines(city, p, german, qid not in centred, src[CITIES], curated.get(qid, []),
                                   inputs.faults.get(qid), match))
        elif german:
            add(f"{p} {_LABEL} {_lit(german)} .")

    for (q1, q2), files in inputs.pairs.items():  # in the order the input files list them
        n = f"<{PARTNERSHIP}{q1}-{q2}>"  # ids.partnership_iri(q1, q2): the pair is in ids.ordered_pair order
        p1, p2 = _place(q1), _place(q2)
        add(f"{n} {_A} {_FORMAL} .")
        add(f"{n} {_KIND} {_FORMAL} .")
        add(f"{n} {_PARTY} {p1} .")
        add(f"{n} {_PARTY} {p2} .")
        add(f"{p1} {_TWINNED} {p2} .")
        for name in sorted(files) if len(files) > 1 else files:
            add(f"{n} {_DERIVED} {src[name]} .")
    return out


def _city_lines(city: City, p: str, german: str | None, centroid: bool, source: str,
                curated: list[tuple[str, list[str]]], known_fault: str | None,
                match: Callable[[str], str | None]) -> list[str]:
    """A bothness city's name, centroid, other name, country claim and (agreed) country."""
    out = [f"{p} {_LABEL} {_lit(city.name)} ."]
    if centroid:
        c = str(ids.centroid_iri(city.qid))
        out += [f"{p} {_CENTROID} {c} .", f"{c} {_A} {_GEOMETRY} .",
                f"{c} {_AS_WKT} {_lit(wkt_literal_text(city.lng, city.lat))}^^{_WKT_TYPE} ."]
    if german and german != city.name:
        out.append(f"{p} {_ALT} {_lit(german)} .")
    out += _country_claim(city, p, source, curated, known_fault)
    agreed = agreed_country(city, curated, known_fault, match)
    if agreed:
        out.append(f"{p} {_COUNTRY} <{agreed}> .")
    return out


def world_quads(inputs: WorldInputs, graph: str, curated: dict[str, list[tuple[str, list[str]]]] | None = None,
                centred: set[str] | frozenset[str] = frozenset(), countries: Iterable[tuple[str, list[str]]] = ()) -> list[ox.Quad]:
    """The world layer as quads in `graph` (world_lines, read by the engine)."""
    g = ox.NamedNode(graph)
    doc = "\n".join(world_lines(inputs, curated, centred, countries)).encode("utf-8")
    return [ox.Quad(q.subject, q.predicate, q.object, g) for q in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)]


def _country_claim(city: City, place: str, source: str, curated: list[tuple[str, list[str]]],
                   known_fault: str | None) -> list[str]:
    claim = f"<{CLAIM}{city.qid}-bothness-country>"
    out = [f"{claim} {_A} {_CLAIM} .", f"{claim} {_ABOUT} {place} .",
           f"{claim} {_ADDRESS_COUNTRY} {_lit(city.countrycd)} ."]
    if city.continent:
        out.append(f"{claim} {_CONTINENT} {_lit(city.continent)} .")
    out.append(f"{claim} {_LABEL} {_en(f'bothness map country of {city.name}: {city.country} ({city.countrycd})')} .")
    out.append(f"{claim} {_DERIVED} {source} .")
    readings = []
    contradicted = [(c, labels) for c, labels in curated if labels and not any(_names_agree(city.country, lab) for lab in labels)]
    for country, labels in contradicted:
        readings.append(f"the curated data places {city.name} in {sorted(labels)[0]} (<{country}>)")
    if known_fault:
        readings.append(known_fault)
    if not readings:
        return out
    d = f"<{CLAIM}{city.qid}-bothness-country-discrepancy>"
    out += [f"{d} {_A} {_DISCREPANCY} .", f"{d} {_ABOUT} {place} .", f"{d} {_ABOUT} {claim} .",
            f"{d} {_READING} {_en(f'bothness-cities.csv (country from map boundaries) places {city.name} in {city.country} ({city.countrycd})')} ."]
    out += [f"{d} {_READING} {_en(r)} ." for r in readings]
    out += [f"{d} {_RESOLUTION} {_KEPT_AS_CLAIM} .", f"{d} {_DERIVED} {source} ."]
    return out


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
    lines = world_lines(inputs, curated_countries(store, graph), centred_places(store, graph), country_nodes(store, graph))
    # lenient: the engine skips re-validating IRIs (a quarter of the load): every IRI here is a
    # checked QID under a fixed namespace, a constant, or a country node read from the store
    store.load("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph), lenient=True)
    return graph


__all__ = ["import_world", "read_inputs", "world_lines", "world_quads", "available", "WorldInputs", "world_dir", "INPUTS"]
