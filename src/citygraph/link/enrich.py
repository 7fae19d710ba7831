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
import os
from pathlib import Path

import pyoxigraph as ox

from .. import ids
from ..errors import BadInput
from ..load.rdfio import load_file
from ..namespaces import CG, CLAIM, GEO, GRAPH_ENRICHMENT, ID, PROV, RDF, RDFS, WD, XSD
from .client import WikidataClient
from .dates import DAY, MONTH, YEAR, PreciseDate
from .ours import OurGraph, qid_order
from .theirs import PREFIXES, qid_of

DEFAULT_LANGUAGES = ("en", "zh-hans", "zh", "ja", "ko", "de", "fr", "es", "pt", "ru", "ar")
P1082 = "http://www.wikidata.org/entity/P1082"

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

_XSD_BY_PRECISION = {YEAR: XSD.gYear, MONTH: XSD.gYearMonth, DAY: XSD.date}


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


def enrich(ours: OurGraph, client: WikidataClient, languages=DEFAULT_LANGUAGES, now: dt.datetime | None = None) -> list[ox.Quad]:
    """The quads of graph/enrichment for every place of `ours`."""
    g = ox.NamedNode(str(GRAPH_ENRICHMENT))
    quads: list[ox.Quad] = []

    def add(s, p, o):
        quads.append(ox.Quad(s, ox.NamedNode(str(p)), o, g))

    qids = sorted(ours.places, key=qid_order)
    places = {q: ox.NamedNode(ours.places[q].iri) for q in qids}
    template = LABELS_QUERY.replace("{languages}", _lang_list(languages))
    for row in client.select_batched(template, "item", qids, required=("item", "label")):
        qid = qid_of(row.get("item"))
        lang = row["label"].get("xml:lang", "")
        if qid in places and lang and lang.lower() not in ours.places[qid].languages:
            add(places[qid], RDFS.label, ox.Literal(row["label"]["value"], language=lang))
    points: dict[str, set[str]] = {}
    for row in client.select_batched(COORDS_QUERY, "item", qids, required=("item", "coord")):
        qid = qid_of(row.get("item"))
        if qid in places:
            points.setdefault(qid, set()).add(row["coord"]["value"])
    for qid, wkts in points.items():
        for n, wkt in enumerate(sorted(wkts), start=1):
            geometry = ox.NamedNode(str(ids.wikidata_geometry_iri(qid, n if len(wkts) > 1 else None)))
            add(places[qid], GEO.hasGeometry, geometry)
            add(geometry, RDF.type, ox.NamedNode(str(GEO.Geometry)))
            # Wikidata's "Point(lon lat)" is GeoSPARQL WKT in the default CRS (WGS84 lon/lat).
            add(geometry, GEO.asWKT, ox.Literal(wkt.replace("Point(", "POINT("), datatype=ox.NamedNode(str(GEO.wktLiteral))))
            add(geometry, PROV.wasDerivedFrom, ox.NamedNode(str(WD[qid])))
    best: dict[str, tuple] = {}
    for row in client.select_batched(POPULATION_QUERY, "item", qids, required=("item", "statement", "population", "rank")):
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
    for qid in sorted(best, key=qid_order):
        _key, row, date = best[qid]
        figure = ox.NamedNode(str(CLAIM[f"{qid}-population-wikidata"]))
        add(figure, RDF.type, ox.NamedNode(str(CG.Figure)))
        add(figure, CG.about, places[qid])
        add(figure, CG.measure, ox.NamedNode(P1082))
        add(figure, CG.value, ox.Literal(row["population"]["value"], datatype=ox.NamedNode(row["population"].get("datatype", str(XSD.decimal)))))
        if date is not None and date.precision in _XSD_BY_PRECISION:
            add(figure, CG.asOf, ox.Literal(date.iso(), datatype=ox.NamedNode(str(_XSD_BY_PRECISION[date.precision]))))
        add(figure, PROV.wasDerivedFrom, ox.NamedNode(row["statement"]["value"]))
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    activity = ox.NamedNode(str(ID[f"activity/wikidata-enrichment-{stamp}"]))
    endpoint = ox.NamedNode(client.endpoint)
    when = ox.Literal(now.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(str(XSD.dateTime)))
    add(g, RDF.type, ox.NamedNode(str(PROV.Entity)))
    add(g, RDFS.label, ox.Literal("Facts about citygraph's places retrieved from Wikidata", language="en"))
    add(g, PROV.wasGeneratedBy, activity)
    add(g, PROV.generatedAtTime, when)
    add(g, PROV.wasDerivedFrom, endpoint)
    add(activity, RDF.type, ox.NamedNode(str(PROV.Activity)))
    add(activity, PROV.used, endpoint)
    add(activity, PROV.endedAtTime, when)
    return sorted(set(quads), key=str)


def write(path: Path, quads: list[ox.Quad]) -> None:
    """TriG, atomically (temp file beside the target, then rename)."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"--out {path}: is a folder; give a file name ending in .trig")
    path.parent.mkdir(parents=True, exist_ok=True)
    from ..namespaces import PREFIXES as NS

    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=NS) or b""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def load_into(built, path: Path) -> str:
    """Load an enrichment file into graph/enrichment of a built dataset (for build --with-enrichment)."""
    graph = str(GRAPH_ENRICHMENT)
    if not Path(path).is_file():
        raise BadInput(f"--with-enrichment {path}: no such file; write it first with `citygraph link enrich --out {path}`")
    load_file(built.store, Path(path), graph)
    if graph not in built.data_graphs:
        built.data_graphs.append(graph)
    return graph


__all__ = ["enrich", "write", "load_into", "default_path", "DEFAULT_LANGUAGES"]
