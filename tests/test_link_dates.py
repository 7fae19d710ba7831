"""Dates with precision, ours and Wikidata's: agreement at the coarser precision (issue 5)."""

from __future__ import annotations

import pytest

from citygraph.link.dates import PreciseDate

XSD = "http://www.w3.org/2001/XMLSchema#"


def ours(lexical, datatype):
    return PreciseDate.from_xsd(lexical, XSD + datatype)


def wd(value, precision):
    return PreciseDate.from_wikidata(value, precision)


@pytest.mark.parametrize("a, b, agree", [
    (ours("1978", "gYear"), wd("1978-12-21T00:00:00Z", 11), True),
    (ours("1978", "gYear"), wd("1979-01-01T00:00:00Z", 11), False),
    (ours("2000-06", "gYearMonth"), wd("2000-06-15T00:00:00Z", 11), True),
    (ours("2000-06", "gYearMonth"), wd("2000-07-01T00:00:00Z", 11), False),
    (ours("2012-02-21", "date"), wd("2012-02-21T00:00:00Z", 11), True),
    (ours("2012-02-21", "date"), wd("2012-02-22T00:00:00Z", 11), False),
    (ours("2012-02-21", "date"), wd("2012-01-01T00:00:00Z", 9), True),   # Wikidata knows only the year
    (ours("1985", "gYear"), wd("1980-01-01T00:00:00Z", 8), True),         # decade precision
    (ours("1991", "gYear"), wd("1980-01-01T00:00:00Z", 8), False),
])
def test_dates_agree_at_the_coarser_precision(a, b, agree):
    assert a.agrees(b) is agree and b.agrees(a) is agree


def test_wikidata_time_keeps_only_what_its_precision_says():
    # Year precision values carry a dummy month and day (-01-01 or -00-00): they are dropped.
    assert wd("1978-01-01T00:00:00Z", 9).iso() == "1978"
    assert wd("+1978-00-00T00:00:00Z", 9).iso() == "1978"
    assert wd("2020-11-01T00:00:00Z", 10).iso() == "2020-11"
    assert ours("2012-02-21", "date").as_json() == {"value": "2012-02-21", "precision": 11, "precision_name": "day"}


def test_quickstatements_time_has_the_precision_suffix():
    assert ours("1978", "gYear").quickstatements() == "+1978-00-00T00:00:00Z/9"
    assert ours("2012-02", "gYearMonth").quickstatements() == "+2012-02-00T00:00:00Z/10"
    assert ours("2012-02-21", "date").quickstatements() == "+2012-02-21T00:00:00Z/11"


def test_other_datatypes_are_not_dates():
    assert ours("1978", "string") is None
