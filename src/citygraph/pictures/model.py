"""What the pictures draw, as plain values read from the graph (see facts.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Place:
    iri: str
    label: str
    qid: str = ""
    lon: float | None = None
    lat: float | None = None
    country: str = ""  # the country's label, if the graph gives a cg:country

    @property
    def located(self) -> bool:
        return self.lon is not None and self.lat is not None


@dataclass(frozen=True)
class Event:
    iri: str
    kind: str  # local name of its most specific cg: class, e.g. "Suspension"
    label: str = ""
    lexical: str = ""  # the date as the source gives it ("" if undated)
    datatype: str = ""
    span: tuple[date, date] | None = None  # first and last day the date covers
    qualifiers: tuple[str, ...] = ()  # local names of cg:dateQualifier values
    quote: str = ""
    source: str = ""  # the source's label
    date_text: str = ""


@dataclass
class Tie:
    iri: str
    parties: tuple[Place, Place]
    kind: str  # "formal", "preliminary" or "unnamed" (cg:Partnership only)
    kind_label: str = ""  # the source's word: "sister city", "friendship city", ...
    events: list[Event] = field(default_factory=list)
    sources: tuple[str, ...] = ()
    status: str = "unknown"  # after every dated act, as reason/status.py (and status-on) answer it

    def partner_of(self, place_iri: str) -> Place:
        a, b = self.parties
        return b if a.iri == place_iri else a
