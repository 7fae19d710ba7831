"""The three tables every export for people without RDF is made from: ties, places, events.

Read from the built store with a handful of SPARQL queries over the union of the named graphs
(a few seconds on the world build), assembled in Python, sorted by IRI. Labels, not IRIs,
where people read; the IRIs are kept in their own columns for machines (and for the CSVW
conversion back to RDF).

- A tie's **kind** is the source's word (the label of its cg:kind; where a curated source and
  the Wikidata-derived layer both list the tie, the curated word, as the partners query does)
  and a normalised kind: formal (the tie is a cg:FormalPartnership, under any regional name),
  preliminary (cg:PreliminaryPartnership) or unspecified.
- **start** is the tie's formalisation (for a tie never formalised, the establishment of its
  preliminary stage), **end** its termination; each as an interval, the earliest and latest day
  the sources allow (a year 1978 is 1978-01-01 .. 1978-12-31; "no later than 2019" has no
  earliest day). Several sources: the interval spans them all.
- **status** is the stored query `status-on` run for the release date (not the clock):
  its `status` column, or "unknown" for a tie it does not list.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import CG, GEO, PROV, RDF, RDFS
from ...query.catalogue import get
from ...query.run import run
from ...wkt import read_point

START_CLASSES = (CG.Formalisation.value, CG.PreliminaryStageEstablished.value)
END_CLASSES = (CG.Termination.value,)


@dataclass
class Tables:
    ties: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    status_date: str = ""


def _q(store: ox.Store, query: str) -> list[dict]:
    result = store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def _v(term) -> str:
    return "" if term is None else term.value


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- dates as intervals -----------------------------------------------------------------------

def date_interval(lexical: str, datatype: str, qualifiers: set[str]) -> tuple[str, str]:
    """(earliest, latest) day an event dated `lexical` can have happened on; "" where open."""
    year, month = int(lexical[:4]), int(lexical[5:7]) if len(lexical) >= 7 else 0
    if datatype.endswith("#date"):
        lo = hi = lexical[:10]
    elif datatype.endswith("#gYearMonth"):
        lo = f"{lexical[:7]}-01"
        hi = f"{lexical[:7]}-{calendar.monthrange(year, month)[1]:02d}"
    elif datatype.endswith("#gYear"):
        lo, hi = f"{lexical[:4]}-01-01", f"{lexical[:4]}-12-31"
    else:
        return "", ""
    if CG.NoLaterThan.value in qualifiers:
        lo = ""
    return lo, hi


def precision(datatype: str) -> str:
    return {"date": "day", "gYearMonth": "month", "gYear": "year"}.get(datatype.rsplit("#", 1)[-1], "")


def _span(intervals: list[tuple[str, str]]) -> tuple[str, str]:
    if not intervals:
        return "", ""
    los = [lo for lo, _ in intervals]
    his = [hi for _, hi in intervals if hi]
    return ("" if "" in los else min(los)), (max(his) if his else "")


# --- the queries ------------------------------------------------------------------------------

def _label_query(var: str) -> str:
    return (f"OPTIONAL {{ {var} {RDFS.label} ?en FILTER(LANG(?en) = 'en') }} "
            f"OPTIONAL {{ {var} {RDFS.label} ?plain FILTER(LANG(?plain) = '') }}")


def places(store: ox.Store) -> dict[str, dict]:
    rows = _q(store, f"""SELECT ?p (SAMPLE(?qid) AS ?q) (MIN(?en) AS ?len) (MIN(?plain) AS ?lplain) (MIN(?zh) AS ?lzh)
        (MIN(?c) AS ?country) (MIN(?cl) AS ?countryLabel) (MIN(?cq) AS ?countryQid) (MIN(?w) AS ?wkt) (MIN(?centroid) AS ?cen)
        (MIN(?wd) AS ?wikidata) (MIN(?gn) AS ?geonames) (MIN(?n) AS ?ties)
      WHERE {{
        {{ SELECT ?p (COUNT(DISTINCT ?tie) AS ?n) WHERE {{ ?tie {CG.party} ?p }} GROUP BY ?p }}  # each place once
        OPTIONAL {{ ?p {CG.qid} ?qid }}
        {_label_query('?p')}
        OPTIONAL {{ ?p {RDFS.label} ?zh FILTER(LANGMATCHES(LANG(?zh), 'zh')) }}
        OPTIONAL {{ ?p {CG.country} ?c OPTIONAL {{ ?c {RDFS.label} ?cl FILTER(LANG(?cl) = 'en') }} OPTIONAL {{ ?c {CG.qid} ?cq }} }}
        OPTIONAL {{ ?p {GEO.hasCentroid} ?centroid . ?centroid {GEO.asWKT} ?w }}
        OPTIONAL {{ ?p {CG.wikidata} ?wd }}
        OPTIONAL {{ ?p {CG.geonames} ?gn }}
      }} GROUP BY ?p""")
    out = {}
    for r in rows:
        lon, lat = _point(_v(r["wkt"]))
        out[r["p"].value] = {
            "place": r["p"].value, "qid": _v(r["q"]), "label": _v(r["len"]) or _v(r["lplain"]), "label_lang": "en" if r["len"] is not None else "",
            "label_zh": _v(r["lzh"]),
            "country": _v(r["countryLabel"]), "country_qid": _v(r["countryQid"]), "country_iri": _v(r["country"]),
            "latitude": lat, "longitude": lon, "wkt": _v(r["wkt"]), "centroid": _v(r["cen"]),
            "wikidata": _v(r["wikidata"]), "geonames": _v(r["geonames"]), "ties": int(_v(r["ties"]) or 0),
        }
    return out


def _point(wkt: str) -> tuple[str, str]:
    """(lon, lat) of a WKT point as written, or blanks."""
    point = read_point(wkt)
    return (point.lon, point.lat) if point else ("", "")


def _kinds(store: ox.Store) -> dict[str, dict]:
    rows = _q(store, f"""SELECT ?tie ?k (MIN(?kl) AS ?label) WHERE {{
        ?tie {CG.kind} ?k OPTIONAL {{ ?k {RDFS.label} ?kl FILTER(LANG(?kl) = 'en') }} }} GROUP BY ?tie ?k""")
    kinds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        kinds[r["tie"].value].append((r["k"].value, _v(r["label"]) or _local(r["k"].value)))
    formal = {r["t"].value for r in _q(store, f"SELECT DISTINCT ?t WHERE {{ ?t a {CG.FormalPartnership} }}")}
    prelim = {r["t"].value for r in _q(store, f"SELECT DISTINCT ?t WHERE {{ ?t a {CG.PreliminaryPartnership} }}")}
    out = {}
    for tie, ks in kinds.items():
        own = [k for k in ks if k[0] != CG.FormalPartnership.value] or ks  # the curated word wins
        out[tie] = {"kind": "; ".join(sorted({label for _, label in own})), "kind_iri": " ".join(sorted({k for k, _ in ks})),
                    "kind_normalised": "formal" if tie in formal else "preliminary" if tie in prelim else "unspecified"}
    return out


def events(store: ox.Store, data_graphs: list[str]) -> list[dict]:
    values = " ".join(f"<{g}>" for g in data_graphs)
    rows = _q(store, f"""SELECT ?tie ?e (MIN(?cls) AS ?type) (SAMPLE(?d) AS ?date) (MIN(?en) AS ?len) (MIN(?plain) AS ?lplain)
        (GROUP_CONCAT(DISTINCT STR(?qual); SEPARATOR=" ") AS ?quals)
        (GROUP_CONCAT(DISTINCT STR(?src); SEPARATOR=" ") AS ?sources) (GROUP_CONCAT(DISTINCT ?sl; SEPARATOR="; ") AS ?sourceLabels)
      WHERE {{
        ?tie {CG.event} ?e .
        OPTIONAL {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?e {RDF.type} ?cls }} }}
        OPTIONAL {{ ?e {CG.date} ?d }}
        OPTIONAL {{ ?e {CG.dateQualifier} ?qual }}
        {_label_query('?e')}
        OPTIONAL {{ ?e {PROV.wasDerivedFrom} ?src OPTIONAL {{ ?src {RDFS.label} ?sl FILTER(LANG(?sl) = 'en') }} }}
      }} GROUP BY ?tie ?e""")
    out = []
    for r in rows:
        date = r["date"]
        quals = set(_v(r["quals"]).split())
        lexical, datatype = (date.value, date.datatype.value) if isinstance(date, ox.Literal) else ("", "")
        lo, hi = date_interval(lexical, datatype, quals) if lexical else ("", "")
        out.append({
            "event": r["e"].value, "tie": r["tie"].value, "type": _local(_v(r["type"])), "type_iri": _v(r["type"]),
            "label": _v(r["len"]) or _v(r["lplain"]), "date": lexical, "date_precision": precision(datatype),
            "date_qualifier": " ".join(sorted(_local(q) for q in quals)), "date_qualifier_iri": " ".join(sorted(quals)),
            "earliest": lo, "latest": hi, "sources": _v(r["sourceLabels"]), "source_iris": " ".join(sorted(_v(r["sources"]).split())),
        })
    return sorted(out, key=lambda e: (e["tie"], e["earliest"] or e["latest"] or "9999", e["event"]))


def asserted_types(store: ox.Store, data_graphs: list[str]) -> dict[str, list[str]]:
    """Tie IRI -> the classes its sources assert (not the inferred ones)."""
    values = " ".join(f"<{g}>" for g in data_graphs)
    out: dict[str, set[str]] = defaultdict(set)
    for r in _q(store, f"SELECT DISTINCT ?t ?c WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?t {CG.party} ?x ; {RDF.type} ?c }} }}"):
        out[r["t"].value].add(r["c"].value)
    return {t: sorted(c) for t, c in out.items()}


def statuses(store: ox.Store, date: str) -> dict[str, str]:
    """tie IRI -> status on `date`, from the stored query status-on."""
    result = run(get("status-on"), {"date": date}, store=store)
    col = result.variables.index("status")
    tie = result.variables.index("tie")
    return {row[tie].value: row[col].value for row in result.rows if row[tie] is not None and row[col] is not None}


def _tie_rows(store: ox.Store, place: dict[str, dict], evs: list[dict], status: dict[str, str]) -> list[dict]:
    rows = _q(store, f"""SELECT ?tie (MIN(?pa) AS ?a) (MIN(?pb) AS ?b) (MIN(?en) AS ?len) (MIN(?y) AS ?listed)
        (GROUP_CONCAT(DISTINCT STR(?src); SEPARATOR=" ") AS ?sources) WHERE {{
        {{ SELECT ?tie (MIN(?p) AS ?pa) (MAX(?p) AS ?pb) WHERE {{ ?tie {CG.party} ?p }} GROUP BY ?tie }}  # each tie once
        {_label_query('?tie')}
        OPTIONAL {{ ?tie {CG.listedYear} ?y }}
        OPTIONAL {{ ?tie {PROV.wasDerivedFrom} ?src }}
      }} GROUP BY ?tie""")
    source_labels = {r["s"].value: _v(r["l"]) for r in _q(store, f"""SELECT ?s (MIN(?sl) AS ?l) WHERE {{
        ?t {CG.party} ?x ; {PROV.wasDerivedFrom} ?s OPTIONAL {{ ?s {RDFS.label} ?sl FILTER(LANG(?sl) = 'en') }} }} GROUP BY ?s""")}
    kinds = _kinds(store)
    by_tie: dict[str, list[dict]] = defaultdict(list)
    for e in evs:
        by_tie[e["tie"]].append(e)
    out = []
    for r in rows:
        tie = r["tie"].value
        a, b = place.get(_v(r["a"]), {}), place.get(_v(r["b"]), {})
        mine = by_tie.get(tie, [])
        formal = [(e["earliest"], e["latest"]) for e in mine if e["type_iri"] == START_CLASSES[0] and e["latest"]]
        prelim = [(e["earliest"], e["latest"]) for e in mine if e["type_iri"] == START_CLASSES[1] and e["latest"]]
        start = _span(formal or prelim)
        end = _span([(e["earliest"], e["latest"]) for e in mine if e["type_iri"] in END_CLASSES and e["latest"]])
        srcs = sorted(_v(r["sources"]).split())
        out.append({
            "tie": tie, "label": _v(r["len"]),
            "party_a_qid": a.get("qid", ""), "party_a": a.get("label", ""), "party_a_country": a.get("country", ""),
            "party_b_qid": b.get("qid", ""), "party_b": b.get("label", ""), "party_b_country": b.get("country", ""),
            **kinds.get(tie, {"kind": "", "kind_iri": "", "kind_normalised": "unspecified"}),
            "listed_year": _v(r["listed"]),
            "start_earliest": start[0], "start_latest": start[1], "end_earliest": end[0], "end_latest": end[1],
            "status": status.get(tie, "unknown"), "events": len(mine),
            "sources": "; ".join(sorted({source_labels.get(s) or s for s in srcs})), "source_iris": " ".join(srcs),
            "party_a_iri": _v(r["a"]), "party_b_iri": _v(r["b"]),
        })
    return sorted(out, key=lambda t: t["tie"])


def tables(built, status_date: dt.date) -> Tables:
    store = built.store
    place = places(store)
    evs = events(store, built.data_graphs)
    ties = _tie_rows(store, place, evs, statuses(store, status_date.isoformat()))
    return Tables(ties=ties, places=sorted(place.values(), key=lambda p: p["place"]), events=evs,
                  status_date=status_date.isoformat())
