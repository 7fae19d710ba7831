"""Our side of the Wikidata link: the places and partnerships of a loaded citygraph Dataset.

Read through `citygraph.build.load_sources` (asserted data only: the link compares what our
sources say, and needs neither the OWL closure nor a SHACL run). Places: cg:qid, the English
rdfs:label, cg:country (the country place's cg:qid), geo:hasCentroid/geo:asWKT. Partnerships:
the two cg:party places, cg:kind, and the dates of their cg:Formalisation (start) and
cg:Termination (end) events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput
from ..ids import is_qid, pair_key
from ..namespaces import CG, PREFIXES, data_graph
from .dates import PreciseDate

WORLD_GRAPH = str(data_graph("world"))
FORMAL_KINDS = {"FormalPartnership", "SisterCity", "TwinTown", "FriendshipCity"}
# Dates that only bound the event (no later than …) or announce it (planned) are shown, never
# compared or handed to Wikidata as the start of a tie.
INEXACT_QUALIFIERS = {"NoLaterThan", "Planned"}
_WKT_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)

_HEAD = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@dataclass
class Place:
    iri: str
    qid: str
    label: str | None = None
    country_qid: str | None = None
    point: tuple[float, float] | None = None  # (lon, lat)
    languages: set[str] = field(default_factory=set)  # of its rdfs:labels, lower case


@dataclass
class SourceRef:
    """What a QuickStatements reference may say about our source: its title and section."""

    iri: str
    title: str | None = None
    title_lang: str = "en"
    section: str | None = None


@dataclass
class OurDate:
    date: PreciseDate
    event: str
    qualifier: str | None = None
    sources: list[SourceRef] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.qualifier not in INEXACT_QUALIFIERS

    def as_json(self) -> dict:
        out = self.date.as_json() | {"event": self.event}
        if self.qualifier:
            out["qualifier"] = self.qualifier
        return out


@dataclass
class Partnership:
    iri: str
    pair: tuple[str, str]
    kinds: list[str] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)
    starts: list[OurDate] = field(default_factory=list)
    ends: list[OurDate] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)

    @property
    def formal(self) -> bool:
        return bool(FORMAL_KINDS & set(self.kinds))


@dataclass
class OurGraph:
    places: dict[str, Place]
    partnerships: dict[tuple[str, str], Partnership]

    def label(self, qid: str) -> str | None:
        place = self.places.get(qid)
        return place.label if place else None

    def curated_cities(self) -> list[str]:
        """QIDs of places with ties in any data graph but the Wikidata-derived world layer."""
        out = {q for p in self.partnerships.values() if p.graphs - {WORLD_GRAPH} for q in p.pair}
        return sorted(out, key=qid_order)


def qid_order(qid: str) -> tuple:
    return (int(qid[1:]), qid) if is_qid(qid) else (1 << 62, qid)


def sorted_pair(a: str, b: str) -> tuple[str, str]:
    first, second = pair_key(a, b).split("-", 1)
    return first, second


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) from 'POINT(lon lat)' (GeoSPARQL) or 'Point(lon lat)' (Wikidata)."""
    m = _WKT_POINT.match(wkt)
    return (float(m.group(1)), float(m.group(2))) if m else None


def load(scope: str = "nanjing", data_files: tuple[Path, ...] = ()) -> OurGraph:
    """Our graph from the packaged data (`scope`) or, if given, only from `data_files`."""
    if data_files:
        from ..load.rdfio import load_file

        store = ox.Store()
        graphs = []
        for path in data_files:
            g = str(data_graph(Path(path).stem))
            load_file(store, Path(path), g)
            graphs.append(g)
    else:
        from .. import cache
        from ..build import load_sources

        kept = cache.existing_entry(scope)  # the store `citygraph build` left: its asserted graphs
        if kept is not None:
            store, graphs = kept[0], list(kept[1].manifest["data_graphs"])
        else:
            built = load_sources(scope)
            store, graphs = built.store, built.data_graphs
    return read(store, graphs)


def _rows(store: ox.Store, graphs: list[str], query: str):
    return store.query(_HEAD + query, default_graph=[ox.NamedNode(g) for g in graphs])


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def read(store: ox.Store, graphs: list[str]) -> OurGraph:
    places: dict[str, Place] = {}
    for row in _rows(store, graphs, """
        SELECT ?place ?qid ?label ?countryQid ?wkt WHERE {
          VALUES ?type { cg:City cg:Region cg:Country cg:Place }
          ?place a ?type ; cg:qid ?qid .
          OPTIONAL { ?place rdfs:label ?label FILTER(LANG(?label) = "en") }
          OPTIONAL { ?place cg:country/cg:qid ?countryQid }
          OPTIONAL { ?place geo:hasCentroid/geo:asWKT ?wkt }
        } ORDER BY ?place ?label ?countryQid ?wkt"""):
        qid = row["qid"].value
        if not is_qid(qid):
            raise BadInput(f"{row['place'].value}: cg:qid {qid!r} is not a Wikidata QID; fix the data")
        place = places.setdefault(qid, Place(row["place"].value, qid))
        if row["label"] is not None and place.label is None:
            place.label = row["label"].value
        if row["countryQid"] is not None and place.country_qid is None:
            place.country_qid = row["countryQid"].value
        if row["wkt"] is not None and place.point is None:
            place.point = parse_point(row["wkt"].value)

    for row in _rows(store, graphs, "SELECT DISTINCT ?qid (LCASE(LANG(?l)) AS ?lang) WHERE { ?place cg:qid ?qid ; rdfs:label ?l }"):
        if row["qid"].value in places and row["lang"].value:
            places[row["qid"].value].languages.add(row["lang"].value)
    sources = _read_sources(store, graphs)
    partnerships: dict[tuple[str, str], Partnership] = {}
    by_iri: dict[str, Partnership] = {}
    parties: dict[str, set[str]] = {}
    in_graph: dict[str, set[str]] = {}
    for row in store.query(_HEAD + """
        SELECT ?p ?qid ?g WHERE { GRAPH ?g { ?p cg:party ?place } ?place cg:qid ?qid }""",
                           use_default_graph_as_union=True):
        if row["g"].value not in graphs:
            continue
        parties.setdefault(row["p"].value, set()).add(row["qid"].value)
        in_graph.setdefault(row["p"].value, set()).add(row["g"].value)
    for iri, qids in sorted(parties.items()):
        if len(qids) != 2:
            continue  # not a pair of places with QIDs: nothing Wikidata's P190 could say
        pair = sorted_pair(*qids)
        p = partnerships.get(pair)
        if p is None:
            p = partnerships[pair] = Partnership(iri, pair)
        p.graphs |= in_graph[iri]
        by_iri[iri] = p
    for row in _rows(store, graphs, """
        SELECT DISTINCT ?p ?kind WHERE { ?p cg:party ?x . { ?p cg:kind ?kind } UNION { ?p a ?kind } }"""):
        p = by_iri.get(row["p"].value)
        if p is not None and str(row["kind"].value).startswith(str(CG)):
            name = _local(row["kind"].value)
            if name not in p.kinds:
                p.kinds.append(name)
    for row in _rows(store, graphs, """
        SELECT DISTINCT ?p ?src WHERE { ?p cg:party ?x ; prov:wasDerivedFrom ?src }"""):
        p = by_iri.get(row["p"].value)
        if p is not None:
            p.sources.append(sources.get(row["src"].value) or SourceRef(row["src"].value))
    for row in _rows(store, graphs, """
        SELECT DISTINCT ?p ?e ?type ?date ?qualifier ?src WHERE {
          VALUES ?type { cg:Formalisation cg:Termination }
          { ?p cg:event ?e } UNION { ?e cg:eventOf ?p }
          ?e a ?type ; cg:date ?date .
          OPTIONAL { ?e cg:dateQualifier ?qualifier }
          OPTIONAL { ?e prov:wasDerivedFrom ?src }
        } ORDER BY ?p ?e ?src"""):
        p = by_iri.get(row["p"].value)
        if p is None:
            continue
        lit = row["date"]
        date = PreciseDate.from_xsd(lit.value, lit.datatype.value)
        if date is None:
            raise BadInput(f"{row['e'].value}: cg:date {lit} is not xsd:date, xsd:gYearMonth or xsd:gYear; fix the data")
        target = p.starts if row["type"].value == str(CG.Formalisation) else p.ends
        existing = next((d for d in target if d.event == row["e"].value), None)
        if existing is None:
            qualifier = _local(row["qualifier"].value) if row["qualifier"] is not None else None
            existing = OurDate(date, row["e"].value, qualifier)
            target.append(existing)
        if row["src"] is not None:
            existing.sources.append(sources.get(row["src"].value) or SourceRef(row["src"].value))
    for p in partnerships.values():
        p.kinds.sort()
        p.starts.sort(key=lambda d: (d.date, d.event))
        p.ends.sort(key=lambda d: (d.date, d.event))
        p.sources.sort(key=lambda s: s.iri)
    return OurGraph(places, dict(sorted(partnerships.items(), key=lambda kv: (qid_order(kv[0][0]), qid_order(kv[0][1])))))


def _read_sources(store: ox.Store, graphs: list[str]) -> dict[str, SourceRef]:
    """Source nodes: a passage's title is its document's (dcterms:isPartOf), its section its own."""
    out: dict[str, SourceRef] = {}
    for row in _rows(store, graphs, """
        SELECT ?s ?title ?section WHERE {
          ?s a cg:Source .
          OPTIONAL { ?s cg:section ?section }
          OPTIONAL {
            { ?s dcterms:isPartOf ?doc . ?doc dcterms:title|rdfs:label ?title }
            UNION { FILTER NOT EXISTS { ?s dcterms:isPartOf ?any } ?s dcterms:title|rdfs:label ?title }
          }
          FILTER(!BOUND(?title) || LANG(?title) = "" || LANGMATCHES(LANG(?title), "en"))
        } ORDER BY ?s ?title ?section"""):
        iri = row["s"].value
        ref = out.setdefault(iri, SourceRef(iri))
        if ref.title is None and row["title"] is not None:
            ref.title = row["title"].value
        if ref.section is None and row["section"] is not None:
            ref.section = row["section"].value
    return out


__all__ = ["OurGraph", "Place", "Partnership", "OurDate", "SourceRef", "load", "read", "parse_point", "qid_order", "sorted_pair"]
