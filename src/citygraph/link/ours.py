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
from ..ids import is_qid, key_order, ordered_pair
from ..load.store import select
from ..namespaces import CG, PREFIXES, data_graph, sparql_prefixes
from ..wkt import parse_point
from .dates import PreciseDate

WORLD_GRAPH = data_graph("world").value
FORMAL_KINDS = {"FormalPartnership", "SisterCity", "TwinTown", "FriendshipCity"}
# Dates that only bound the event (no later than …) or announce it (planned) are shown, never
# compared or handed to Wikidata as the start of a tie.
INEXACT_QUALIFIERS = {"NoLaterThan", "Planned"}

_HEAD = sparql_prefixes(PREFIXES)


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
        return sorted(out, key=key_order)


def load(scope: str = "nanjing", data_files: tuple[Path, ...] = ()) -> OurGraph:
    """Our graph from the packaged data (`scope`) or, if given, only from `data_files`."""
    if data_files:
        from ..load.rdfio import load_file

        store = ox.Store()
        graphs = []
        for path in data_files:
            g = data_graph(Path(path).stem).value
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


def _rows(store: ox.Store, graphs: list[str], query: str) -> ox.QuerySolutions:
    return select(store, _HEAD + query, default_graph=[ox.NamedNode(g) for g in graphs])


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def read(store: ox.Store, graphs: list[str]) -> OurGraph:
    """Our places (by QID) and partnerships (by QID pair) in `graphs`, with kinds, dates and sources."""
    places = _read_places(store, graphs)
    sources = _read_sources(store, graphs)
    partnerships, by_iri = _read_pairs(store, graphs)
    _read_kinds(store, graphs, by_iri)
    for row in _rows(store, graphs, """
        SELECT DISTINCT ?p ?src WHERE { ?p cg:party ?x ; prov:wasDerivedFrom ?src }"""):
        p = by_iri.get(row["p"].value)
        if p is not None:
            p.sources.append(sources.get(row["src"].value) or SourceRef(row["src"].value))
    _read_dates(store, graphs, by_iri, sources)
    for p in partnerships.values():
        p.kinds.sort()
        p.starts.sort(key=lambda d: (d.date, d.event))
        p.ends.sort(key=lambda d: (d.date, d.event))
        p.sources.sort(key=lambda s: s.iri)
    return OurGraph(places, dict(sorted(partnerships.items(), key=lambda kv: (key_order(kv[0][0]), key_order(kv[0][1])))))


def _read_places(store: ox.Store, graphs: list[str]) -> dict[str, Place]:
    """Places with a QID: the first English label, country and centroid, and every label language."""
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
    return places


def _read_pairs(store: ox.Store, graphs: list[str]) -> tuple[dict[tuple[str, str], Partnership], dict[str, Partnership]]:
    """Partnerships between two places with QIDs, one per pair (by pair, and by each IRI that states it)."""
    parties: dict[str, set[str]] = {}
    in_graph: dict[str, set[str]] = {}
    for row in select(store, _HEAD + """
        SELECT ?p ?qid ?g WHERE { GRAPH ?g { ?p cg:party ?place } ?place cg:qid ?qid }""",
                      use_default_graph_as_union=True):
        if row["g"].value not in graphs:
            continue
        parties.setdefault(row["p"].value, set()).add(row["qid"].value)
        in_graph.setdefault(row["p"].value, set()).add(row["g"].value)
    partnerships: dict[tuple[str, str], Partnership] = {}
    by_iri: dict[str, Partnership] = {}
    for iri, qids in sorted(parties.items()):
        if len(qids) != 2:
            continue  # not a pair of places with QIDs: nothing Wikidata's P190 could say
        pair = ordered_pair(*qids)
        p = partnerships.get(pair)
        if p is None:
            p = partnerships[pair] = Partnership(iri, pair)
        p.graphs |= in_graph[iri]
        by_iri[iri] = p
    return partnerships, by_iri


def _read_kinds(store: ox.Store, graphs: list[str], by_iri: dict[str, Partnership]) -> None:
    for row in _rows(store, graphs, """
        SELECT DISTINCT ?p ?kind WHERE { ?p cg:party ?x . { ?p cg:kind ?kind } UNION { ?p a ?kind } }"""):
        p = by_iri.get(row["p"].value)
        if p is not None and row["kind"].value.startswith(CG):
            name = _local(row["kind"].value)
            if name not in p.kinds:
                p.kinds.append(name)


def _read_dates(store: ox.Store, graphs: list[str], by_iri: dict[str, Partnership], sources: dict[str, SourceRef]) -> None:
    """Formalisation and termination dates, each with its qualifier and sources."""
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
        target = p.starts if row["type"].value == CG.Formalisation.value else p.ends
        existing = next((d for d in target if d.event == row["e"].value), None)
        if existing is None:
            qualifier = _local(row["qualifier"].value) if row["qualifier"] is not None else None
            existing = OurDate(date, row["e"].value, qualifier)
            target.append(existing)
        if row["src"] is not None:
            existing.sources.append(sources.get(row["src"].value) or SourceRef(row["src"].value))


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


__all__ = ["OurGraph", "Place", "Partnership", "OurDate", "SourceRef", "load", "read"]
