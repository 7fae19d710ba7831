"""What a coarse date covers: the interval of days an xsd:date, gYearMonth or gYear stands for.

`interval` is the one place that turns a date literal into days; a picture draws a year as a
bar from 1 January to 31 December, a month as a bar across that month and a day as a point.
(The model is to carry earliest/latest bounds in the graph itself; when it does, this function
is the one to switch to reading them.)
"""

from __future__ import annotations

import calendar
import re
from datetime import date

XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?$")


def interval(lexical: str, datatype: str) -> tuple[date, date] | None:
    """First and last day (inclusive) of a date literal; None if it is not a date we can read."""
    m = _DATE.match(lexical.strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if datatype == XSD + "date" and day:
            d = date(int(year), int(month), int(day))
            return d, d
        if datatype == XSD + "gYearMonth" and month and not day:
            y, mo = int(year), int(month)
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if datatype == XSD + "gYear" and not month:
            return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:  # 2019-02-30, month 13
        return None
    return None


def precision(lexical: str, datatype: str) -> str:
    """'day', 'month' or 'year' (the source's precision), '' if unreadable."""
    span = interval(lexical, datatype)
    if span is None:
        return ""
    if span[0] == span[1]:
        return "day"
    return "month" if span[1].year == span[0].year and span[1].month == span[0].month else "year"


def year_fraction(d: date, end_of_day: bool = False) -> float:
    """A day as a position on a time axis in years: 1978-01-01 -> 1978.0 (its end: + 1/365)."""
    start = date(d.year, 1, 1).toordinal()
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + (d.toordinal() - start + (1 if end_of_day else 0)) / days
