"""The status of every tie over time, claiming no more than its sources (computed at build time).

Status events: cg:PreliminaryStageEstablished (-> preliminary), cg:Formalisation and
cg:Resumption (-> active), cg:Suspension (-> suspended), cg:Termination (-> ended). Events
qualified cg:Planned never count; events marked `cg:unconfirmed true` count only in the reading
that includes unconfirmed facts. Reports of one act (cg:sameActAs) are one act, dated by the
narrowest report (`intervals.narrowest`), which is the one cited.

The acts of a tie are put in order (by earliest day, then by stage). Two different status acts
of one tie are taken to fall on different days, so an act's earliest day is at least the day
after the previous act's earliest day (a tie is not suspended and resumed on one day).

On a day D an act has certainly happened if its latest day is <= D; it may have happened if it
is not certain and its earliest day is open or <= D. The status is the one set by the last act
(in order) that has certainly happened ("not-started" if none); every later act that may have
happened adds its status to `possible`. One possible status -> that status, else "unknown".
`since` is the first day the status is certain (none for not-started and unknown); `basis` the
deciding acts (the last certain one, and those that may have happened). A tie with no dated
status act at all is "unknown" with every status possible.

`timeline(...)` turns that into periods of constant answer, written to the inferred graph as
cg:StatusPeriod nodes (so stored queries read them with a date comparison); `status_on(...)` is
the same answer from Python for one day, for callers such as CSV exports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import CG, GRAPH_INFERRED, ID, RDF, XSD
from .intervals import Interval, event_intervals, interval_quads, narrowest

STATUS_CLASSES = {  # class local name -> (status, stage rank)
    "PreliminaryStageEstablished": ("preliminary", 1),
    "Formalisation": ("active", 2),
    "Resumption": ("active", 3),
    "Suspension": ("suspended", 4),
    "Termination": ("ended", 5),
}
STATUSES = ("not-started", "preliminary", "active", "suspended", "ended")
ALL_POSSIBLE = " ".join(STATUSES)
READINGS = ("confirmed", "all")  # without / with the facts marked cg:unconfirmed


@dataclass(frozen=True)
class Act:
    """One status act of a tie: its reports (events), the cited one, its status and interval."""

    events: tuple[str, ...]
    cited: str
    status: str
    rank: int
    interval: Interval


@dataclass(frozen=True)
class Answer:
    status: str
    possible: tuple[str, ...]
    since: dt.date | None
    basis: tuple[str, ...]


@dataclass(frozen=True)
class Period:
    """Days start..end (None: open) over which a tie's answer is the same."""

    start: dt.date | None
    end: dt.date | None
    answer: Answer


_STATUS_EVENTS = f"""
SELECT ?tie ?e ?cls ?planned ?unconfirmed WHERE {{
  VALUES ?cls {{ {' '.join(f'{CG[c]}' for c in STATUS_CLASSES)} }}
  ?tie {CG.event} ?e . ?e a ?cls .
  BIND(EXISTS {{ ?e {CG.dateQualifier} {CG.Planned} }} AS ?planned)
  BIND(EXISTS {{ ?e {CG.unconfirmed} true }} AS ?unconfirmed)
}}"""
_SAME = f"SELECT ?a ?b WHERE {{ ?a {CG.sameActAs} ?b }}"


def _groups(events: list[str], same: dict[str, set[str]]) -> list[list[str]]:
    """Events grouped by cg:sameActAs (connected components), each sorted."""
    left, out = set(events), []
    for e in sorted(events):
        if e not in left:
            continue
        todo, group = [e], set()
        while todo:
            x = todo.pop()
            if x in group or x not in left:
                continue
            group.add(x)
            todo.extend(same.get(x, ()))
        left -= group
        out.append(sorted(group))
    return out


def tie_acts(store: ox.Store, intervals: dict[str, Interval] | None = None) -> dict[str, dict[str, list[Act]]]:
    """tie IRI -> reading -> its status acts in order. Ties with no status event are absent."""
    intervals = intervals if intervals is not None else event_intervals(store)
    same: dict[str, set[str]] = defaultdict(set)
    same_rows = store.query(_SAME, use_default_graph_as_union=True)
    assert isinstance(same_rows, ox.QuerySolutions)
    for row in same_rows:
        same[row["a"].value].add(row["b"].value)
        same[row["b"].value].add(row["a"].value)
    events: dict[str, dict[str, tuple[str, int, bool]]] = defaultdict(dict)
    status_rows = store.query(_STATUS_EVENTS, use_default_graph_as_union=True)
    assert isinstance(status_rows, ox.QuerySolutions)
    for row in status_rows:
        if row["planned"].value == "true":
            continue
        status, rank = STATUS_CLASSES[row["cls"].value.rsplit("#", 1)[-1]]
        e = row["e"].value
        old = events[row["tie"].value].get(e)
        if old is None or rank > old[1]:
            events[row["tie"].value][e] = (status, rank, row["unconfirmed"].value == "true")
    out: dict[str, dict[str, list[Act]]] = {}
    for tie in sorted(events):
        by_reading = {}
        for reading in READINGS:
            chosen = [e for e, (_s, _r, unconf) in events[tie].items() if reading == "all" or not unconf]
            acts = []
            for group in _groups(chosen, same):
                cited = narrowest(group, intervals)
                status, rank, _ = max((events[tie][e] for e in group), key=lambda v: v[1])
                acts.append(Act(tuple(group), cited, status, rank, intervals.get(cited, Interval(None, None))))
            by_reading[reading] = _ordered(acts)
        out[tie] = by_reading
    return out


def _ordered(acts: list[Act]) -> list[Act]:
    """Acts in order of their earliest (else latest) day, latest day and stage; each act after the previous."""
    def key(a: Act):
        day = a.interval.earliest or a.interval.latest or dt.date.min
        return (day, a.interval.latest or dt.date.max, a.rank, a.cited)

    out: list[Act] = []
    for a in sorted(acts, key=key):
        prev = out[-1].interval.earliest if out else None
        lo = a.interval.earliest
        if prev is not None and prev < dt.date.max and (lo is None or lo <= prev):
            lo = prev + dt.timedelta(days=1)
            if a.interval.latest is not None and lo > a.interval.latest:
                lo = a.interval.latest
            a = Act(a.events, a.cited, a.status, a.rank, Interval(lo, a.interval.latest))
        out.append(a)
    return out


def answer_on(acts: list[Act], day: dt.date) -> Answer:
    """The status of a tie with these ordered acts on `day` (without `since`)."""
    if not acts:
        return Answer("unknown", STATUSES, None, ())
    certain = [i for i, a in enumerate(acts) if a.interval.latest is not None and a.interval.latest <= day]
    last = max(certain) if certain else -1
    base = acts[last].status if last >= 0 else "not-started"
    maybe = [a for a in acts[last + 1:] if a.interval.earliest is None or a.interval.earliest <= day]
    possible = tuple(s for s in STATUSES if s == base or any(a.status == s for a in maybe))
    if last >= 0:
        basis = (acts[last].cited,) + tuple(a.cited for a in maybe)
    else:
        basis = tuple(a.cited for a in maybe) or (acts[0].cited,)
    return Answer(base if len(possible) == 1 else "unknown", possible, None, basis)


def timeline(acts: list[Act]) -> list[Period]:
    """Periods of constant answer, from the beginning of time to the open end."""
    # the answer can change only on a day an act may first have happened or is first certain
    cuts = sorted({d for a in acts for d in (a.interval.earliest, a.interval.latest) if d is not None})
    if not cuts:
        return [Period(None, None, answer_on(acts, dt.date.max))]
    starts: list[dt.date | None] = [None, *cuts]
    periods: list[Period] = []
    for i, start in enumerate(starts):
        end = cuts[i] - dt.timedelta(days=1) if i < len(cuts) else None  # the day before the next cut
        ans = answer_on(acts, start if start is not None else cuts[0] - dt.timedelta(days=1))
        if periods and periods[-1].answer == ans:
            periods[-1] = Period(periods[-1].start, end, ans)
        else:
            periods.append(Period(start, end, ans))
    out = []
    for p in periods:  # since: the first day the status is certain
        certain = p.answer.status not in ("unknown", "not-started")
        out.append(Period(p.start, p.end, Answer(p.answer.status, p.answer.possible, p.start if certain else None, p.answer.basis)))
    return out


def status_on(store: ox.Store, day: dt.date, *, include_unconfirmed: bool = False,
              acts: dict[str, dict[str, list[Act]]] | None = None) -> dict[str, Answer]:
    """tie IRI -> its answer on `day`, for every tie with a status act (others: unknown)."""
    acts = acts if acts is not None else tie_acts(store)
    reading = "all" if include_unconfirmed else "confirmed"
    out = {}
    for tie, by_reading in acts.items():
        for p in timeline(by_reading[reading]):
            if (p.start is None or p.start <= day) and (p.end is None or day <= p.end):
                out[tie] = p.answer
    return out


def _lit(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=XSD.date)


def period_quads(acts: dict[str, dict[str, list[Act]]], graph: str = GRAPH_INFERRED.value) -> list[ox.Quad]:
    """cg:StatusPeriod nodes for every tie's timeline, in both readings (shared where equal)."""
    g = ox.NamedNode(graph)
    out: list[ox.Quad] = []
    for tie in sorted(acts):
        local = tie.rstrip("/").rsplit("/", 1)[-1]
        per_reading = {r: timeline(acts[tie][r]) for r in READINGS}
        shared = per_reading["confirmed"] == per_reading["all"]
        for reading in READINGS if not shared else ("confirmed",):
            for p in per_reading[reading]:
                tag = "c" if reading == "confirmed" and not shared else ("a" if not shared else "ca")
                node = ox.NamedNode(f"{ID}status/{local}/{tag}/{p.start.isoformat() if p.start else 'start'}")
                out += _period(node, ox.NamedNode(tie), p, ("confirmed", "all") if shared else (reading,), g)
    return out


def _period(node: ox.NamedNode, tie: ox.NamedNode, p: Period, readings: tuple[str, ...], g: ox.NamedNode) -> list[ox.Quad]:
    q = [ox.Quad(node, RDF.type, CG.StatusPeriod, g),
         ox.Quad(node, CG.statusOf, tie, g),
         ox.Quad(node, CG.status, ox.Literal(p.answer.status), g),
         ox.Quad(node, CG.possible, ox.Literal(" ".join(p.answer.possible)), g),
         ox.Quad(node, CG.basisText, ox.Literal(" ".join(p.answer.basis)), g)]
    q += [ox.Quad(node, CG.statusReading, ox.Literal(r), g) for r in readings]
    q += [ox.Quad(node, CG.basis, ox.NamedNode(b), g) for b in p.answer.basis]
    if p.start is not None:
        q.append(ox.Quad(node, CG.periodFrom, _lit(p.start), g))
    if p.end is not None:
        q.append(ox.Quad(node, CG.periodUntil, _lit(p.end), g))
    if p.answer.since is not None:
        q.append(ox.Quad(node, CG.since, _lit(p.answer.since), g))
    return q


def materialise(built) -> int:
    """Write event intervals and status periods into the build's inferred graph; their count."""
    intervals = event_intervals(built.store)
    quads = interval_quads(intervals) + period_quads(tie_acts(built.store, intervals))
    built.store.extend(quads)
    return len(quads)
