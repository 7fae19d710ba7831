"""Dates as intervals: each dated event's earliest and latest possible day, computed at build time.

A source dates an event at its own precision (xsd:date, xsd:gYearMonth, xsd:gYear) and may
qualify the date (cg:dateQualifier). The possible days are:

- xsd:date: that day; xsd:gYearMonth: the 1st to the last day of the month; xsd:gYear: 1 January
  to 31 December;
- cg:NoLaterThan: the source dates a state, not the act, so there is no earliest day (only the
  latest one);
- cg:after: an event the source puts after another cannot be earlier than that one's earliest
  day (same day allowed: "after the meeting" may be the same day); cg:before likewise bounds
  its latest day by the other's latest;
- an event with no date and no cg:after gets no bounds at all.

The bounds are written as cg:earliest / cg:latest (xsd:date) on the event, into the inferred
graph, so queries compare days and never cut strings. Reports of one act from different sources
are linked by cg:sameActAs (asserted in the data); `narrowest` picks the report with the
smallest interval, whose source a query then cites.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import CG, GRAPH_INFERRED, XSD

XSD_DATE = XSD.date
EARLIEST = CG.earliest
LATEST = CG.latest


@dataclass(frozen=True)
class Interval:
    """The possible days of an event; None is an open end."""

    earliest: dt.date | None
    latest: dt.date | None

    @property
    def span(self) -> int:
        """Days in the interval (an open interval is wider than any closed one)."""
        if self.earliest is None or self.latest is None:
            return 10**9
        return (self.latest - self.earliest).days + 1


def parse_day(text: str) -> dt.date:
    y, m, d = (int(x) for x in text[:10].split("-"))
    return dt.date(y, m, d)


def date_interval(lexical: str, datatype: str, no_later_than: bool = False) -> Interval:
    """The interval a typed date stands for ('1978'^^xsd:gYear -> 1978-01-01 .. 1978-12-31)."""
    local = datatype.rsplit("#", 1)[-1]
    if local == "date":
        lo = hi = parse_day(lexical)
    elif local == "gYearMonth":
        y, m = int(lexical[:4]), int(lexical[5:7])
        lo, hi = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    elif local == "gYear":
        y = int(lexical[:4])
        lo, hi = dt.date(y, 1, 1), dt.date(y, 12, 31)
    else:
        return Interval(None, None)
    return Interval(None if no_later_than else lo, hi)


_EVENTS = f"""
SELECT ?e ?d ?nlt ?after ?before WHERE {{
  ?e a {CG.Event} .
  OPTIONAL {{ ?e {CG.date} ?d }}
  BIND(EXISTS {{ ?e {CG.dateQualifier} {CG.NoLaterThan} }} AS ?nlt)
  OPTIONAL {{ ?e {CG.after} ?after }}
  OPTIONAL {{ ?e {CG.before} ?before }}
}}"""


def event_intervals(store: ox.Store) -> dict[str, Interval]:
    """Event IRI -> its interval, for every cg:Event in the store (union of its graphs)."""
    own: dict[str, Interval] = {}
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    rows = store.query(_EVENTS, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        e = row["e"].value
        d = row["d"]
        if isinstance(d, ox.Literal):
            own[e] = date_interval(d.value, d.datatype.value, row["nlt"].value == "true")
        else:
            own.setdefault(e, Interval(None, None))
        if row["after"] is not None:
            after.setdefault(e, set()).add(row["after"].value)
        if row["before"] is not None:
            before.setdefault(e, set()).add(row["before"].value)
    out: dict[str, Interval] = {}

    def resolve(e: str, seen: frozenset = frozenset()) -> Interval:
        if e in out:
            return out[e]
        iv = own.get(e, Interval(None, None))
        lo, hi = iv.earliest, iv.latest
        for f in sorted(after.get(e, ())):
            f_lo = None if f in seen else resolve(f, seen | {e}).earliest
            if f_lo is not None and (lo is None or f_lo > lo):
                lo = f_lo
        for f in sorted(before.get(e, ())):
            f_hi = None if f in seen else resolve(f, seen | {e}).latest
            if f_hi is not None and (hi is None or f_hi < hi):
                hi = f_hi
        out[e] = Interval(lo, hi)
        return out[e]

    for e in sorted(own):
        resolve(e)
    return out


def narrowest(events: list[str], intervals: dict[str, Interval]) -> str:
    """Of several reports of one act, the one with the smallest interval (ties: by IRI)."""
    return min(events, key=lambda e: (intervals[e].span, e))


def interval_quads(intervals: dict[str, Interval], graph: str = GRAPH_INFERRED.value) -> list[ox.Quad]:
    g = ox.NamedNode(graph)
    out = []
    for e in sorted(intervals):
        iv = intervals[e]
        s = ox.NamedNode(e)
        if iv.earliest is not None:
            out.append(ox.Quad(s, EARLIEST, ox.Literal(iv.earliest.isoformat(), datatype=XSD_DATE), g))
        if iv.latest is not None:
            out.append(ox.Quad(s, LATEST, ox.Literal(iv.latest.isoformat(), datatype=XSD_DATE), g))
    return out
