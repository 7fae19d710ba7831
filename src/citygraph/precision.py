"""Date precision, one table: Wikidata's wikibase:timePrecision, its name, its XSD datatype.

A date is stated at the precision its source gives: a year (xsd:gYear "1978"), a month
(xsd:gYearMonth "2012-02") or a day (xsd:date "2012-02-21"). Wikidata numbers these 9, 10 and
11; coarser Wikidata precisions (decade, century, …) are kept as a year.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import XSD

YEAR, MONTH, DAY = 9, 10, 11
NAMES = {YEAR: "year", MONTH: "month", DAY: "day"}
DATATYPES: dict[int, ox.NamedNode] = {YEAR: XSD.gYear, MONTH: XSD.gYearMonth, DAY: XSD.date}
BY_DATATYPE: dict[str, int] = {datatype.value: precision for precision, datatype in DATATYPES.items()}


def from_wikidata(time_precision: int) -> int:
    """The precision we state for a wikibase:timePrecision: anything coarser than a year is a year."""
    return YEAR if time_precision <= YEAR else MONTH if time_precision == MONTH else DAY


def literal(year: str, month: str, day: str, precision: int) -> ox.Literal:
    """The date cut to `precision`, typed by it: literal('1978', '12', '21', MONTH) is "1978-12"^^xsd:gYearMonth."""
    lexical = {YEAR: year, MONTH: f"{year}-{month}", DAY: f"{year}-{month}-{day}"}[precision]
    return ox.Literal(lexical, datatype=DATATYPES[precision])
