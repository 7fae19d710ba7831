"""`link enrich`: facts from Wikidata about our places, kept in a graph of their own.

The `graph/enrichment` named graph holds, for each place with a QID: rdfs:label in languages
our data lacks, the Wikidata coordinates (a geo:Geometry reached by geo:hasGeometry — never our
own geo:hasCentroid), and the population (P1082) as a cg:Figure with its point in time (P585)
at its precision. The graph is stamped with PROV: the endpoint used and the retrieval time.
Unlike the dumps this file is not deterministic (the time is part of it); it enters a build
only with `citygraph build --with-enrichment`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from .. import ids, precision
from ..errors import BadInput
from ..ids import key_order
from ..io import atomic
from ..load.rdfio import load_file
from ..namespaces import CG, CLAIM, GEO, GRAPH_ENRICHMENT, ID, PROV, RDF, RDFS, WD, XSD
from .client import WikidataClient
from .dates import PreciseDate
from .ours import OurGraph
from .theirs import PREFIXES, qid_of

DEFAULT_LANGUAGES = ("en", "zh-hans", "zh", "ja", "ko", "de", "fr", "es", "pt", "ru", "ar")
P1082 = WD.P1082

LABELS_QUERY = PREFIXES + """SELECT ?item ?label WHERE {
  {values}
  ?item rdfs:label ?label .
  FILTER(LANG(?label) IN ({languages}))
}"""

COORDS_QUERY = PREFIXES + """SELECT ?item ?coord WHERE {
  {values}
  ?item wdt:P625 ?coord .
}"""

POPULATION_QUERY = PREFIXES + """SELECT ?item ?statement ?population ?rank ?time ?precision WHERE {
  {values}
  ?item p:P1082 ?statement .
  ?statement ps:P1082 ?population ; wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  OPTIONAL { ?statement pqv:P585 ?timeNode . ?timeNode wikibase:timeValue ?time ; wikibase:timePrecision ?precision }
}"""



def default_path() -> Path:
    from .client import cache_root

    return cache_root() / "enrichment.trig"


def _lang_list(languages) -> str:
    out = []
    for lang in languages:
        if not lang or not all(c.isalnum() or c == "-" for c in lang):
            raise BadInput(f"--lang {lang!r}: give a language tag such as de or zh-hans")
        out.append(f'"{lang.lower()}"')
    return ", ".join(out)


Triples = list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]


def enrich(ours: OurGraph, client: WikidataClient, languages=DEFAULT_LANGUAGES, now: dt.datetime | None = None) -> list[ox.Quad]:
    """The quads of graph/enrichment for every place of `ours`."""
    qids = sorted(ours.places, key=key_order)
    places = {q: ox.NamedNode(ours.places[q].iri) for q in qids}
    triples = (_labels(ours, client, places, languages) + _geometries(client, places)
               + _populations(client, places) + _provenance(client, now))
    return sorted({ox.Quad(s, p, o, GRAPH_ENRICHMENT) for s, p, o in triples}, key=str)


def _labels(ours: OurGraph, client: WikidataClient, places: dict[str, ox.NamedNode], languages) -> Triples:
    """Labels in the languages asked for that our data does not give."""
    out: Triples = []
    template = LABELS_QUERY.replace("{languages}", _lang_list(languages))
    for row in client.select_batched(template, "item", list(places), required=("item", "label")):
        qid = qid_of(row.get("item"))
        lang = row["label"].get("xml:lang", "")
        if qid in places and lang and lang.lower() not in ours.places[qid].languages:
            out.append((places[qid], RDFS.label, ox.Literal(row["label"]["value"], language=lang)))
    return out


def _geometries(client: WikidataClient, places: dict[str, ox.NamedNode]) -> Triples:
    """Wikidata's coordinates (P625), each a geometry of its own beside our curated centroid."""
    points: dict[str, set[str]] = {}
    for row in client.select_batched(COORDS_QUERY, "item", list(places), required=("item", "coord")):
        qid = qid_of(row.get("item"))
        if qid in places:
            points.setdefault(qid, set()).add(row["coord"]["value"])
    out: Triples = []
    for qid, wkts in points.items():
        for n, wkt in enumerate(sorted(wkts), start=1):
            geometry = ids.wikidata_geometry_iri(qid, n if len(wkts) > 1 else None)
            out += [
                (places[qid], GEO.hasGeometry, geometry),
                (geometry, RDF.type, GEO.Geometry),
                # Wikidata's "Point(lon lat)" is GeoSPARQL WKT in the default CRS (WGS84 lon/lat).
                (geometry, GEO.asWKT, ox.Literal(wkt.replace("Point(", "POINT("), datatype=GEO.wktLiteral)),
                (geometry, PROV.wasDerivedFrom, WD[qid]),
            ]
    return out


def _populations(client: WikidataClient, places: dict[str, ox.NamedNode]) -> Triples:
    """One population figure per place: the best-ranked, most recent P1082 statement."""
    best: dict[str, tuple] = {}
    for row in client.select_batched(POPULATION_QUERY, "item", list(places), required=("item", "statement", "population", "rank")):
        qid = qid_of(row.get("item"))
        if qid not in places:
            continue
        date = None
        if "time" in row and "precision" in row:
            date = PreciseDate.from_wikidata(row["time"]["value"], row["precision"]["value"])
        preferred = row["rank"]["value"].endswith("PreferredRank")
        # The best-ranked, most recent figure; the statement IRI breaks ties so the pick is stable.
        key = (preferred, date is not None, date or PreciseDate(0, 0, 0, 0), row["statement"]["value"])
        if qid not in best or key > best[qid][0]:
            best[qid] = (key, row, date)
    out: Triples = []
    for qid in sorted(best, key=key_order):
        _key, row, date = best[qid]
        figure = CLAIM[f"{qid}-population-wikidata"]
        datatype = ox.NamedNode(row["population"].get("datatype", XSD.decimal.value))
        out += [(figure, RDF.type, CG.Figure), (figure, CG.about, places[qid]), (figure, CG.measure, P1082),
                (figure, CG.value, ox.Literal(row["population"]["value"], datatype=datatype))]
        if date is not None and date.precision in precision.DATATYPES:
            out.append((figure, CG.asOf, ox.Literal(date.iso(), datatype=precision.DATATYPES[date.precision])))
        out.append((figure, PROV.wasDerivedFrom, ox.NamedNode(row["statement"]["value"])))
    return out


def _provenance(client: WikidataClient, now: dt.datetime | None) -> Triples:
    """The graph's PROV: the endpoint it came from and when."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    activity = ID[f"activity/wikidata-enrichment-{stamp}"]
    assert client.endpoint is not None  # set by WikidataClient.__post_init__
    endpoint = ox.NamedNode(client.endpoint)
    when = ox.Literal(now.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    g = GRAPH_ENRICHMENT
    return [
        (g, RDF.type, PROV.Entity),
        (g, RDFS.label, ox.Literal("Facts about citygraph's places retrieved from Wikidata", language="en")),
        (g, PROV.wasGeneratedBy, activity),
        (g, PROV.generatedAtTime, when),
        (g, PROV.wasDerivedFrom, endpoint),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.used, endpoint),
        (activity, PROV.endedAtTime, when),
    ]


def write(path: Path, quads: list[ox.Quad]) -> None:
    """TriG, atomically (temp file beside the target, then rename)."""
    from ..namespaces import PREFIXES as NS

    atomic.write_bytes(path, ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=NS) or b"", make_parents=True)


def load_into(built, path: Path) -> str:
    """Load an enrichment file into graph/enrichment of a built dataset (for build --with-enrichment)."""
    graph = GRAPH_ENRICHMENT.value
    if not Path(path).is_file():
        raise BadInput(f"--with-enrichment {path}: no such file; write it first with `citygraph link enrich --out {path}`")
    load_file(built.store, Path(path), graph)
    if graph not in built.data_graphs:
        built.data_graphs.append(graph)
    return graph


__all__ = ["enrich", "write", "load_into", "default_path", "DEFAULT_LANGUAGES"]
