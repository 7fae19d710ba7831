"""A tie's status from its events, as the stored query `status-on` computes it.

cg:PreliminaryStageEstablished -> preliminary, cg:Formalisation and cg:Resumption -> active,
cg:Suspension -> suspended, cg:Termination -> ended; events qualified cg:Planned never count.
A coarse date counts from the first day of its interval, or from its last day when qualified
cg:NoLaterThan (the source only says it had happened by then). Of two events counting from the
same day the later stage wins. A tie without any such event has the status 'unknown'.
Pictures use the status after the latest event, never the clock: same graph, same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .model import Event

STATUS_OF: dict[str, tuple[str, int]] = {
    "PreliminaryStageEstablished": ("preliminary", 1),
    "Formalisation": ("active", 2),
    "Resumption": ("active", 3),
    "Suspension": ("suspended", 4),
    "Termination": ("ended", 5),
}
STATUSES = ("active", "preliminary", "suspended", "ended", "not-started", "unknown")


def counts_from(event: Event) -> date | None:
    """The day from which an event changes the tie's status (None: it never does)."""
    if event.kind not in STATUS_OF or event.span is None or "Planned" in event.qualifiers:
        return None
    return event.span[1] if "NoLaterThan" in event.qualifiers else event.span[0]


def history(events: Iterable[Event]) -> list[tuple[date, str, Event]]:
    """The status changes in order: (from day, status, the deciding event)."""
    steps = []
    for e in events:
        day = counts_from(e)
        if day is not None:
            status, rank = STATUS_OF[e.kind]
            steps.append((day, rank, e.iri, status, e))
    steps.sort(key=lambda s: (s[0], s[1], s[2]))
    out: list[tuple[date, str, Event]] = []
    for day, _rank, _iri, status, e in steps:
        if out and out[-1][1] == status:
            continue  # a second formalisation (another source) keeps the tie active
        out.append((day, status, e))
    return out


def formed(events: Iterable[Event]) -> date | None:
    """The day the tie began: its earliest preliminary stage or formalisation."""
    days = [counts_from(e) for e in events if e.kind in ("PreliminaryStageEstablished", "Formalisation")]
    return min((d for d in days if d is not None), default=None)
