"""Dates with a precision, as both sides state them: ours (xsd:date, gYearMonth, gYear) and
Wikidata's (wikibase:timeValue + wikibase:timePrecision: 9 year, 10 month, 11 day).

Two dates agree when they are equal at the coarser of their two precisions: "1978" agrees with
1978-12-21 (day precision), "2000-06" does not agree with 2000-07-01.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..precision import BY_DATATYPE as _PRECISION_BY_DATATYPE
from ..precision import DAY, MONTH, YEAR
from ..precision import NAMES as PRECISION_NAMES

_TIME = re.compile(r"^([+-]?)(\d{1,16})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, order=True)
class PreciseDate:
    year: int
    month: int  # 0 when unknown at this precision
    day: int
    precision: int

    @classmethod
    def from_xsd(cls, lexical: str, datatype: str) -> PreciseDate | None:
        """Our cg:date: the datatype says the precision."""
        precision = _PRECISION_BY_DATATYPE.get(datatype)
        if precision is None:
            return None
        return cls._parse(lexical, precision)

    @classmethod
    def from_wikidata(cls, time_value: str, precision: int | str) -> PreciseDate | None:
        """wikibase:timeValue ('1978-12-21T00:00:00Z') with wikibase:timePrecision."""
        return cls._parse(time_value, int(precision))

    @classmethod
    def _parse(cls, text: str, precision: int) -> PreciseDate | None:
        m = _TIME.match(text.strip())
        if not m:
            return None
        sign, year, month, day = m.groups()
        y = int(year) * (-1 if sign == "-" else 1)
        mo = int(month or 0) if precision >= MONTH else 0
        d = int(day or 0) if precision >= DAY else 0
        return cls(y, mo, d, precision)

    def at(self, precision: int) -> tuple:
        """The date cut to `precision`; below year: decade (8), century (7), … by dividing the year."""
        if precision >= DAY:
            return (self.year, self.month, self.day)
        if precision == MONTH:
            return (self.year, self.month)
        if precision == YEAR:
            return (self.year,)
        return (self.year // 10 ** (YEAR - precision),)

    def agrees(self, other: PreciseDate) -> bool:
        p = min(self.precision, other.precision)
        return self.at(p) == other.at(p)

    def iso(self) -> str:
        """As precise as it is: '1978', '2012-02', '2012-02-21'."""
        if self.precision >= DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def quickstatements(self) -> str:
        """QuickStatements V1 time: +1978-00-00T00:00:00Z/9 (unknown parts are 00)."""
        sign = "-" if self.year < 0 else "+"
        return f"{sign}{abs(self.year):04d}-{self.month:02d}-{self.day:02d}T00:00:00Z/{self.precision}"

    def as_json(self) -> dict:
        return {"value": self.iso(), "precision": self.precision, "precision_name": PRECISION_NAMES.get(self.precision, "coarser than year")}


def any_agree(ours: list[PreciseDate], theirs: list[PreciseDate]) -> bool:
    return any(a.agrees(b) for a in ours for b in theirs)


__all__ = ["PreciseDate", "YEAR", "MONTH", "DAY", "any_agree"]
