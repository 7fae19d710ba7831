"""Reading what the pictures need from a built store (pyoxigraph), with a few SPARQL queries.

The store is the one every consumer reads (cache.built_store or build.build().store); queries
run over the union of its named graphs. Nothing here knows about drawing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import pyoxigraph as ox

from ..namespaces import CG, DCTERMS, GEO, RDF, RDFS, SKOS
from ..wkt import read_point
from . import dates
from .model import Event, Place, Tie

CGNS = str(CG)
EVENT_CLASSES_FIRST = ("Termination", "Suspension", "Resumption", "Formalisation", "PreliminaryStageEstablished")


def select(store: ox.Store, query: str):
    """Run a SELECT over the union of the named graphs."""
    return store.query(query, use_default_graph_as_union=True)


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(f'<{i}>' for i in sorted(set(iris)))} }}"


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of a WKT POINT, None if it is not one or lies off the globe."""
    point = read_point(wkt)
    return point.lonlat if point and point.on_globe else None


def _tsv(store: ox.Store, query: str) -> list[list[str]]:
    """A SELECT answer as rows of terms in N-Triples syntax, serialised in Rust (TSV).

    For the world map's tens of thousands of rows: turning each term into a Python object
    costs more than the query itself.
    """
    data = select(store, query).serialize(format=ox.QueryResultsFormat.TSV) or b""
    lines = data.decode("utf-8").split("\n")[1:]
    return [line.split("\t") for line in lines if line]


def _iri(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _lexical(term: str) -> str:
    """The lexical form of a literal in N-Triples syntax (escapes undone)."""
    if not term.startswith('"'):
        return term
    end = term.rindex('"')
    body = term[1:end]
    return body if "\\" not in body else ox.parse(f"<a:s> <a:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES).__next__().object.value


def points(store: ox.Store) -> dict[str, tuple[float, float]]:
    """Every place with a centroid: IRI -> (lon, lat); the smallest WKT wins if a place has two."""
    out: dict[str, tuple[str, tuple[float, float]]] = {}
    for p_term, w_term in _tsv(store, f"SELECT ?p ?w WHERE {{ ?p {GEO['hasCentroid']}/{GEO['asWKT']} ?w }}"):
        p, w = _iri(p_term), _lexical(w_term)
        pt = parse_point(w)
        if pt is not None and (p not in out or w < out[p][0]):
            out[p] = (w, pt)
    return {p: v[1] for p, v in out.items()}


def pairs(store: ox.Store) -> list[tuple[str, str, str]]:
    """Every tie with two parties as (tie, party a, party b), a < b, sorted."""
    parties: dict[str, set[str]] = defaultdict(set)
    for t, p in _tsv(store, f"SELECT ?t ?p WHERE {{ ?t {CG['party']} ?p }}"):
        parties[_iri(t)].add(_iri(p))
    out = []
    for tie, ps in parties.items():
        if len(ps) == 2:
            a, b = sorted(ps)
            out.append((tie, a, b))
    out.sort()
    return out


def _best_label(labels: list[tuple[str, str]], fallback: str) -> str:
    """English first, then no language tag, then Simplified Chinese, then any; ties by text."""
    rank = {"en": 0, "": 1, "zh-hans": 2}
    if not labels:
        return fallback
    return min(labels, key=lambda lv: (rank.get(lv[1].lower(), 3), lv[1], lv[0]))[0]


def places(store: ox.Store, iris: Iterable[str]) -> dict[str, Place]:
    """Label, QID, centroid and country label of each place."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    country_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    qids: dict[str, str] = {}
    wkts: dict[str, list[str]] = defaultdict(list)
    query = f"""SELECT ?p ?what ?v WHERE {{ {_values('p', iris)}
      {{ ?p {RDFS['label']} ?v BIND("label" AS ?what) }}
      UNION {{ ?p {CG['qid']} ?v BIND("qid" AS ?what) }}
      UNION {{ ?p {GEO['hasCentroid']}/{GEO['asWKT']} ?v BIND("wkt" AS ?what) }}
      UNION {{ ?p {CG['country']}/{RDFS['label']} ?v BIND("country" AS ?what) }} }}"""
    for row in select(store, query):
        p, what, v = row[0].value, row[1].value, row[2]
        if what == "label":
            labels[p].append((v.value, v.language or ""))
        elif what == "qid":
            qids[p] = min(qids.get(p, v.value), v.value)
        elif what == "wkt":
            wkts[p].append(v.value)
        else:
            country_labels[p].append((v.value, v.language or ""))
    out = {}
    for p in iris:
        key = p.rsplit("/", 1)[-1]
        pt = parse_point(min(wkts[p])) if wkts.get(p) else None
        out[p] = Place(iri=p, label=_best_label(labels[p], qids.get(p, key)), qid=qids.get(p, key if key.startswith("Q") else ""),
                       lon=pt[0] if pt else None, lat=pt[1] if pt else None,
                       country=_best_label(country_labels[p], "") if country_labels.get(p) else "")
    return out


def _local(iri: str) -> str:
    return iri[len(CGNS):] if iri.startswith(CGNS) else ""


def _event_kind(types: set[str]) -> str:
    names = sorted(n for n in (_local(t) for t in types) if n and n != "Event")
    for first in EVENT_CLASSES_FIRST:
        if first in names:
            return first
    return names[0] if names else "Event"


def events(store: ox.Store, tie_iris: Iterable[str]) -> dict[str, list[Event]]:
    """Each tie's events (with date span, qualifiers, quote and source label), sorted by date then IRI."""
    tie_iris = sorted(set(tie_iris))
    if not tie_iris:
        return {}
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    owner: dict[str, set[str]] = defaultdict(set)
    query = f"""SELECT ?t ?e ?what ?v WHERE {{ {_values('t', tie_iris)} ?t {CG['event']} ?e .
      {{ ?e {RDF['type']} ?v BIND("type" AS ?what) }}
      UNION {{ ?e {CG['date']} ?v BIND("date" AS ?what) }}
      UNION {{ ?e {CG['dateQualifier']} ?v BIND("qualifier" AS ?what) }}
      UNION {{ ?e {RDFS['label']} ?v FILTER(LANG(?v) = "en" || LANG(?v) = "") BIND("label" AS ?what) }}
      UNION {{ ?e {CG['quote']} ?v BIND("quote" AS ?what) }}
      UNION {{ ?e {CG['dateText']} ?v BIND("dateText" AS ?what) }}
      UNION {{ ?e <http://www.w3.org/ns/prov#wasDerivedFrom>/{RDFS['label']} ?v BIND("source" AS ?what) }} }}"""
    for row in select(store, query):
        t, e, what, v = row[0].value, row[1].value, row[2].value, row[3]
        owner[e].add(t)
        rows[e][what].append(v)
    by_tie: dict[str, list[Event]] = defaultdict(list)
    for e, info in rows.items():
        ev = _event(e, info)
        for t in owner[e]:
            by_tie[t].append(ev)
    for evs in by_tie.values():
        evs.sort(key=lambda ev: (ev.span[0] if ev.span else dates.date.max, ev.iri))
    return dict(by_tie)


def _event(iri: str, info: dict[str, list]) -> Event:
    lexical = datatype = ""
    span = None
    if info.get("date"):
        d = min(info["date"], key=lambda lit: (lit.value, lit.datatype.value))
        lexical, datatype = d.value, d.datatype.value
        span = dates.interval(lexical, datatype)
    return Event(
        iri=iri, kind=_event_kind({v.value for v in info.get("type", [])}),
        label=min((v.value for v in info.get("label", [])), default=""),
        lexical=lexical, datatype=datatype, span=span,
        qualifiers=tuple(sorted({_local(v.value) for v in info.get("qualifier", [])} - {""})),
        quote=min((v.value for v in info.get("quote", [])), default=""),
        source="; ".join(sorted({v.value for v in info.get("source", [])})),
        date_text=min((v.value for v in info.get("dateText", [])), default=""),
    )


GENERIC_KINDS = {CGNS + "FormalPartnership", CGNS + "Partnership"}


def _tie_kinds(store: ox.Store, tie_iris: list[str]) -> dict[str, tuple[str, str]]:
    """tie -> (formal | preliminary | unnamed, the source's kind label: its most specific cg:kind)."""
    types: dict[str, set[str]] = defaultdict(set)
    kind_labels: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    query = f"""SELECT ?t ?k ?v WHERE {{ {_values('t', tie_iris)}
      {{ ?t {RDF['type']} ?v }}
      UNION {{ ?t {CG['kind']} ?k . ?k {SKOS['prefLabel']}|{RDFS['label']} ?v }} }}"""
    for row in select(store, query):
        t, k, v = row[0].value, row[1], row[2]
        if k is None:
            types[t].add(v.value)
        else:
            kind_labels[t][k.value].append((v.value, v.language or ""))
    out = {}
    for t in tie_iris:
        ts = types.get(t, set())
        kind = ("formal" if CGNS + "FormalPartnership" in ts else
                "preliminary" if CGNS + "PreliminaryPartnership" in ts else "unnamed")
        by_kind = kind_labels.get(t, {})
        specific = sorted(k for k in by_kind if k not in GENERIC_KINDS) or sorted(by_kind)
        out[t] = (kind, _best_label(by_kind[specific[0]], "") if specific else "")
    return out


def ties(store: ox.Store, tie_pairs: list[tuple[str, str, str]], *, fixed: bool = False) -> list[Tie]:
    """Full Tie values (parties, kind, events) for (tie, a, b) triples, in the given order.

    fixed: the store never changes while this process runs (a served, read-only store), so the
    status of every tie, worked out over the whole graph, is worked out once (`_kept_statuses`).
    """
    tie_iris = [t for t, _a, _b in tie_pairs]
    ps = places(store, [p for _t, a, b in tie_pairs for p in (a, b)])
    evs = events(store, tie_iris)
    kinds = _tie_kinds(store, tie_iris) if tie_iris else {}
    now = (_kept_statuses(store) if fixed else _statuses_after_all(store)) if tie_iris else {}
    return [Tie(iri=t, parties=(ps[a], ps[b]), kind=kinds[t][0], kind_label=kinds[t][1], events=evs.get(t, []),
                status=now.get(t, "unknown"))
            for t, a, b in tie_pairs]


def _statuses_after_all(store: ox.Store) -> dict[str, str]:
    """tie IRI -> its status after every dated act: the one rule of reason/status.py, never the clock."""
    from ..reason import status as rule

    return {tie: answer.status for tie, answer in rule.status_on(store, date.max).items()}


@lru_cache(maxsize=2)
def _kept_statuses(store: ox.Store) -> dict[str, str]:
    """`_statuses_after_all` of a store that does not change, once per store object (read, never altered).

    It reads every event of the graph (about 7 ms on the world build) while a city's own facts
    take a few: the server asks it once instead of twice per city page. The cache holds the store
    (a pyoxigraph Store is hashed by identity), so an id is never reused while it is kept.
    """
    return _statuses_after_all(store)


def ties_of(store: ox.Store, place_iri: str, *, fixed: bool = False) -> list[Tie]:
    """Every tie of one place (fixed: as for `ties`)."""
    found = []
    for row in select(store, f"SELECT DISTINCT ?t ?o WHERE {{ ?t {CG['party']} <{place_iri}> , ?o FILTER(?o != <{place_iri}>) }}"):
        t, o = row[0].value, row[1].value
        found.append((t, *sorted((place_iri, o))))
    return ties(store, sorted(set(found)), fixed=fixed)


def tie(store: ox.Store, tie_iri: str, *, fixed: bool = False) -> Tie | None:
    found = [r[0].value for r in select(store, f"SELECT ?p WHERE {{ <{tie_iri}> {CG['party']} ?p }}")]
    found = sorted(set(found))
    if len(found) != 2:
        return None
    return ties(store, [(tie_iri, found[0], found[1])], fixed=fixed)[0]


def title_of(store: ox.Store, iri: str) -> str:
    """A label for anything (a country, a tie): English, then any."""
    labels = [(r[0].value, r[0].language or "") for r in select(store, f"SELECT ?l WHERE {{ <{iri}> {RDFS['label']}|{DCTERMS['title']} ?l }}")]
    return _best_label(labels, iri.rsplit("/", 1)[-1])
