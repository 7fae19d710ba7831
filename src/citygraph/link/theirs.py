"""Reading Wikidata's RDF model (as the Wikidata Query Service exposes it) into plain records.

- Items: English `rdfs:label`, country `wdt:P17`, coordinates `wdt:P625` ("Point(lon lat)"),
  and redirects as WDQS shows merged items: `wd:Qold owl:sameAs wd:Qnew`, nothing else.
- Ties: full statements `p:P190` → `ps:P190` value (a merged item's value read as the item it was
  merged into, and reported), `wikibase:rank`, start `P580` and end
  `P582` qualifiers read from `pqv:` value nodes (`wikibase:timeValue` +
  `wikibase:timePrecision`). Statements are fetched from both ends (A's statement about B and
  B's about A) and grouped into unordered pairs. Deprecated statements are kept apart: never
  compared, but reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ids import key_order, ordered_pair
from ..namespaces import WD, WIKIBASE, WIKIDATA_PREFIXES, sparql_prefixes
from ..wkt import parse_point
from .client import WikidataClient
from .dates import PreciseDate

DEPRECATED = WIKIBASE.DeprecatedRank.value
RANK_NAMES = {WIKIBASE.PreferredRank.value: "preferred", WIKIBASE.NormalRank.value: "normal", DEPRECATED: "deprecated"}

PREFIXES = sparql_prefixes(WIKIDATA_PREFIXES)

ITEMS_QUERY = PREFIXES + """SELECT ?item ?exists ?redirect ?label ?country ?coord WHERE {
  {values}
  BIND(EXISTS { ?item ?anyProperty ?anyValue } AS ?exists)
  OPTIONAL { ?item owl:sameAs ?redirect }
  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?item wdt:P17 ?country }
  OPTIONAL { ?item wdt:P625 ?coord }
}"""

TIES_QUERY = PREFIXES + """SELECT ?statement ?subject ?object ?objectTarget ?rank ?subjectLabel ?objectLabel
       ?start ?startPrecision ?end ?endPrecision WHERE {
  {values}
  { ?city p:P190 ?statement . ?statement ps:P190 ?object . BIND(?city AS ?subject) }
  UNION
  { ?subject p:P190 ?statement . ?statement ps:P190 ?city . BIND(?city AS ?object) }
  ?statement wikibase:rank ?rank .
  OPTIONAL { ?statement pqv:P580 ?startNode . ?startNode wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision }
  OPTIONAL { ?statement pqv:P582 ?endNode . ?endNode wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision }
  OPTIONAL { ?subject rdfs:label ?subjectLabel FILTER(LANG(?subjectLabel) = "en") }
  OPTIONAL { ?object rdfs:label ?objectLabel FILTER(LANG(?objectLabel) = "en") }
  OPTIONAL { ?object owl:sameAs ?objectTarget }
}"""


def qid_of(term: dict | None) -> str | None:
    """'Q16666' from a SPARQL JSON term naming wd:Q16666; None for anything else."""
    if not term or term.get("type") != "uri" or not term["value"].startswith(WD):
        return None
    local = term["value"][len(WD):]
    return local if local[:1] == "Q" and local[1:].isdigit() else None


@dataclass
class WdItem:
    qid: str
    exists: bool = False
    redirect: str | None = None
    label: str | None = None
    countries: list[str] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class WdDate:
    date: PreciseDate
    statement: str

    def as_json(self) -> dict:
        return self.date.as_json() | {"statement": self.statement}


@dataclass
class WdStatement:
    iri: str
    subject: str
    object: str
    rank: str
    starts: list[PreciseDate] = field(default_factory=list)
    ends: list[PreciseDate] = field(default_factory=list)
    object_as_stated: str | None = None  # set when the value is a merged item (object is then its target)

    @property
    def deprecated(self) -> bool:
        return self.rank == "deprecated"

    def as_json(self) -> dict:
        return {
            "statement": self.iri,
            "subject": self.subject,
            "object": self.object,
            "rank": self.rank,
            **({"object_as_stated": self.object_as_stated} if self.object_as_stated else {}),
            "start": [d.as_json() for d in self.starts],
            "end": [d.as_json() for d in self.ends],
        }


@dataclass
class WdTies:
    statements: dict[str, WdStatement]
    labels: dict[str, str]

    def by_pair(self, include_deprecated: bool = False) -> dict[tuple[str, str], list[WdStatement]]:
        out: dict[tuple[str, str], list[WdStatement]] = {}
        for st in self.statements.values():
            if st.deprecated == include_deprecated:
                out.setdefault(ordered_pair(st.subject, st.object), []).append(st)
        for sts in out.values():
            sts.sort(key=lambda s: s.iri)
        return out


def fetch_items(client: WikidataClient, qids: list[str]) -> dict[str, WdItem]:
    items = {q: WdItem(q) for q in qids}
    for row in client.select_batched(ITEMS_QUERY, "item", qids):
        qid = qid_of(row.get("item"))
        if qid not in items:
            continue
        item = items[qid]
        if row.get("exists", {}).get("value") in ("true", "1"):
            item.exists = True
        redirect = qid_of(row.get("redirect"))
        if redirect and redirect != qid:
            item.redirect = redirect
        if "label" in row and item.label is None:
            item.label = row["label"]["value"]
        country = qid_of(row.get("country"))
        if country and country not in item.countries:
            item.countries.append(country)
        if "coord" in row:
            point = parse_point(row["coord"]["value"])
            if point and point not in item.points:
                item.points.append(point)
    for item in items.values():
        item.countries.sort(key=key_order)
        item.points.sort()
    return items


def fetch_ties(client: WikidataClient, cities: list[str]) -> WdTies:
    statements: dict[str, WdStatement] = {}
    labels: dict[str, str] = {}
    for row in client.select_batched(TIES_QUERY, "city", cities, required=("statement",)):
        subject, obj = qid_of(row.get("subject")), qid_of(row.get("object"))
        if not subject or not obj or subject == obj:
            continue  # "unknown value" or a non-item value: not a tie between two items
        # A value that points at a merged item (a redirect) stands for the item it was merged into;
        # only values can be redirects, for a merged item holds no statements of its own.
        target = qid_of(row.get("objectTarget"))
        as_stated = obj if target and target != obj else None
        obj = target or obj
        if subject == obj:
            continue
        iri = row["statement"]["value"]
        st = statements.get(iri)
        if st is None:
            rank = RANK_NAMES.get(row.get("rank", {}).get("value", ""), "normal")
            st = statements[iri] = WdStatement(iri, subject, obj, rank, object_as_stated=as_stated)
        for key, dates in (("start", st.starts), ("end", st.ends)):
            if key in row and f"{key}Precision" in row:
                date = PreciseDate.from_wikidata(row[key]["value"], row[f"{key}Precision"]["value"])
                if date and date not in dates:
                    dates.append(date)
        for qid, var in ((subject, "subjectLabel"), (obj, "objectLabel")):
            if var in row:
                labels.setdefault(qid, row[var]["value"])
    for st in statements.values():
        st.starts.sort()
        st.ends.sort()
    return WdTies(dict(sorted(statements.items())), labels)


__all__ = ["WdItem", "WdStatement", "WdTies", "WdDate", "fetch_items", "fetch_ties", "qid_of", "ITEMS_QUERY", "TIES_QUERY"]
