"""ties.csv, places.csv, events.csv and their CSV on the Web metadata (W3C CSVW).

Plain RFC 4180 CSV (UTF-8, CRLF, a header row), one row per tie / place / event, sorted by
IRI. Each table has a `NAME.csv-metadata.json` describing every column — its title, what it
means, its datatype — and, for the columns that state a fact of the graph, how it converts
back to RDF (aboutUrl, propertyUrl, valueUrl, separator), so a CSVW processor recreates
exactly those triples of the graph. Columns computed for people (labels, intervals, status on
the release date, counts) are described but `suppressOutput`: they are not triples of the graph.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ...namespaces import CG, GEO, PLACE, PROV, RDF
from .tables import Tables

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    datatype: str | dict = "string"
    property_url: str | None = None  # None: suppressed (not a triple of the graph)
    value_url: str | None = None
    about_url: str | None = None
    separator: str | None = None

    def metadata(self) -> dict:
        out: dict = {"name": self.name, "titles": self.name, "dc:description": self.description, "datatype": self.datatype}
        if self.separator:
            out["separator"] = self.separator
        if self.property_url is None:
            out["suppressOutput"] = True
            return out
        out["propertyUrl"] = self.property_url
        for key, value in (("valueUrl", self.value_url), ("aboutUrl", self.about_url)):
            if value:
                out[key] = value
        return out


def _people(name: str, description: str, datatype: str = "string") -> Column:
    return Column(name, description + " (for people; not converted to RDF).", datatype)


TIE_COLUMNS = [
    Column("tie", "The tie's IRI: one node per unordered pair of places.", "anyURI"),
    _people("label", "The tie's English label"),
    Column("party_a_qid", "The Wikidata QID of the first party (by IRI order).", "string", CG.party.value, str(PLACE) + "{party_a_qid}"),
    _people("party_a", "The first party's English label, else its untagged name"),
    _people("party_a_country", "The first party's country (curated cg:country; blank for world-layer places)"),
    Column("party_b_qid", "The Wikidata QID of the second party.", "string", CG.party.value, str(PLACE) + "{party_b_qid}"),
    _people("party_b", "The second party's English label, else its untagged name"),
    _people("party_b_country", "The second party's country (curated cg:country; blank for world-layer places)"),
    _people("kind", "The source's word for the tie (label of its cg:kind; the curated word where the world layer also lists the tie)"),
    _people("kind_normalised", "formal (a cg:FormalPartnership under any regional name), preliminary, or unspecified"),
    Column("listed_year", "The year the source lists the tie under (cg:listedYear).", "gYear", CG.listedYear.value),
    _people("start_earliest", "The earliest day the tie can have been formalised (or, never formalised, its preliminary stage established)", "date"),
    _people("start_latest", "The latest day the tie can have been formalised (or its preliminary stage established)", "date"),
    _people("end_earliest", "The earliest day the tie can have ended (cg:Termination)", "date"),
    _people("end_latest", "The latest day the tie can have ended", "date"),
    _people("status", "The tie's status on the release date, from the stored query status-on; unknown where no status event counts by then"),
    _people("events", "How many events of the tie's history the graph holds", "integer"),
    _people("sources", "The labels of the sources the tie is derived from, separated by '; '"),
    Column("source_iris", "The sources the tie is derived from (prov:wasDerivedFrom), separated by spaces.", "anyURI",
           PROV.wasDerivedFrom.value, "{+source_iris}", separator=" "),
    Column("kind_iri", "The tie's kinds (cg:kind), separated by spaces.", "anyURI", CG.kind.value, "{+kind_iri}", separator=" "),
    Column("party_a_iri", "The first party's IRI.", "anyURI"),
    Column("party_b_iri", "The second party's IRI.", "anyURI"),
]
PLACE_COLUMNS = [
    Column("place", "The place's IRI.", "anyURI"),
    Column("qid", "Its Wikidata QID (cg:qid).", "string", CG.qid.value),
    _people("label", "Its English label, else its untagged name"),
    _people("label_zh", "Its Chinese label, where the graph has one"),
    _people("country", "Its country's English label (curated cg:country; blank for world-layer places)"),
    _people("country_qid", "Its country's QID"),
    _people("latitude", "Latitude of its point (WGS 84), as written in the WKT", "decimal"),
    _people("longitude", "Longitude of its point (WGS 84), as written in the WKT", "decimal"),
    Column("wkt", "Its point as GeoSPARQL WKT (geo:asWKT of its centroid).", {"base": "string", "@id": GEO.wktLiteral.value},
           GEO.asWKT.value, about_url="{+centroid}"),
    Column("centroid", "The IRI of its centroid geometry (geo:hasCentroid).", "anyURI", GEO.hasCentroid.value, "{+centroid}"),
    Column("wikidata", "Its Wikidata entity (cg:wikidata).", "anyURI", CG.wikidata.value, "{+wikidata}"),
    Column("geonames", "Its GeoNames feature (cg:geonames).", "anyURI", CG.geonames.value, "{+geonames}"),
    _people("ties", "How many ties it is party to", "integer"),
]
EVENT_COLUMNS = [
    Column("event", "The event's IRI.", "anyURI"),
    Column("tie", "The tie whose history it belongs to (the tie's cg:event).", "anyURI", CG.event.value, "{+event}", about_url="{+tie}"),
    _people("type", "Its kind of event (class name)"),
    Column("type_iri", "Its class as asserted by its source (rdf:type).", "anyURI", RDF.type.value, "{+type_iri}"),
    _people("label", "Its English label"),
    _people("date", "Its date as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD (cg:date; blank if undated)"),
    _people("date_precision", "day, month or year"),
    _people("date_qualifier", "How to read the date (names of its cg:dateQualifier values)"),
    Column("date_qualifier_iri", "How to read the date (cg:dateQualifier), separated by spaces.", "anyURI", CG.dateQualifier.value,
           "{+date_qualifier_iri}", separator=" "),
    _people("earliest", "The earliest day it can have happened on (blank: open)", "date"),
    _people("latest", "The latest day it can have happened on", "date"),
    _people("sources", "The labels of its sources, separated by '; '"),
    Column("source_iris", "Its sources (prov:wasDerivedFrom), separated by spaces.", "anyURI", PROV.wasDerivedFrom.value,
           "{+source_iris}", separator=" "),
]
TABLES = {  # file -> (columns, the column naming each row's subject, description)
    "ties.csv": (TIE_COLUMNS, "tie", "One row per city-diplomacy tie."),
    "places.csv": (PLACE_COLUMNS, "place", "One row per place that is party to a tie."),
    "events.csv": (EVENT_COLUMNS, "event", "One row per event in the history of a tie."),
}


def csv_bytes(rows: list[dict], columns: list[Column]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.name for c in columns])
    for row in rows:
        w.writerow([row.get(c.name, "") for c in columns])
    return buf.getvalue().encode("utf-8")


def metadata(name: str, status_date: str) -> dict:
    columns, subject, description = TABLES[name]
    cols = [c.metadata() for c in columns]
    for c in cols:
        if c["name"] == "status":
            c["dc:description"] = c["dc:description"].replace("the release date", f"the release date, {status_date}")
    return {
        "@context": CSVW_CONTEXT,
        "url": name,
        "dc:title": name,
        "dc:description": description,
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": cols, "primaryKey": subject, "aboutUrl": "{+" + subject + "}"},
    }


def rows_of(t: Tables, name: str) -> list[dict]:
    return {"ties.csv": t.ties, "places.csv": t.places, "events.csv": t.events}[name]


def write(t: Tables, folder: Path) -> None:
    for name, (columns, _, _) in TABLES.items():
        (folder / name).write_bytes(csv_bytes(rows_of(t, name), columns))
        meta = json.dumps(metadata(name, t.status_date), ensure_ascii=False, indent=2) + "\n"
        (folder / f"{name}-metadata.json").write_text(meta, encoding="utf-8")

