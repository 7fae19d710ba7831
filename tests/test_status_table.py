"""status-on against the status table (tests/data/status/status-table.tsv), written from the article.

Each row gives a tie, a day, whether unconfirmed facts count, the status and the statuses the
sources allow, and the article line that decides it. The stored query and the Python function
(citygraph.reason.status.status_on, for callers such as exports) must both give the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from citygraph.query.api import Rows
from citygraph.query.catalogue import get
from citygraph.query.run import run
from citygraph.reason import status

TABLE = Path(__file__).parent / "data" / "status" / "status-table.tsv"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_511d905350dd3473.txt"
TIE = "https://w3id.org/citygraph/id/partnership/"


def _table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


ROWS = _table()


def _day(text: str) -> str:
    return dt.date.today().isoformat() if text == "today" else text


def _answer(store, day: str, unconfirmed: str) -> dict[str, dict]:
    result = run(get("status-on"), {"date": day, "unconfirmed": unconfirmed}, store=store)
    rows = Rows(result.dicts(), result.variables, result)
    ties = [r["tie"] for r in rows]
    assert len(ties) == len(set(ties)), "status-on must give one row per tie"
    return {str(r["tie"]): r for r in rows}


def test_the_table_covers_the_dates_the_issue_names():
    days = {r["date"] for r in ROWS}
    assert len(ROWS) >= 25
    assert {"1970-01-01", "1978-06-01", "1979-06-01", "2012-02-20", "2012-02-21", "2018-06-01", "2019-06-01", "today"} <= days
    assert any(d.startswith("2013") for d in days)


@pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside the checkout")
@pytest.mark.parametrize("row", ROWS, ids=[f"{r['tie']}@{r['date']}" for r in ROWS])
def test_each_row_cites_the_article_line_that_decides_it(row):
    line = SEED.read_text(encoding="utf-8").splitlines()[int(row["line"]) - 1]
    words = row["words"]  # verbatim, or verbatim followed by a parenthesised second source
    assert words in line or re.sub(r"\s*\([^()]*\)$", "", words) in line


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['tie']}@{r['date']}{'+u' if r['unconfirmed'] == 'true' else ''}" for r in ROWS])
def test_status_on_answers_as_the_article_supports(curated, row):
    got = _answer(curated.store, _day(row["date"]), row["unconfirmed"])
    tie = TIE + row["tie"]
    if row["status"] == "-":
        assert tie not in got
        return
    assert (got[tie]["status"], got[tie]["possible"]) == (row["status"], row["possible"])
    if row["status"] in ("unknown", "not-started"):
        assert got[tie]["since"] in (None, "")
    else:
        assert got[tie]["since"] <= _day(row["date"])
    if row["possible"] != " ".join(status.STATUSES):
        assert got[tie]["basis"], "a dated answer names the events that decide it"


@pytest.mark.parametrize("row", [r for r in ROWS if r["status"] != "-"], ids=lambda r: f"{r['tie']}@{r['date']}")
def test_python_status_on_agrees(curated, row):
    day = dt.date.fromisoformat(_day(row["date"]))
    answers = status.status_on(curated.store, day, include_unconfirmed=row["unconfirmed"] == "true")
    ans = answers.get(TIE + row["tie"], status.Answer("unknown", status.STATUSES, None, ()))
    assert (ans.status, " ".join(ans.possible)) == (row["status"], row["possible"])


def test_narrowest_report_is_cited(curated):
    """Nagoya–Nanjing: the article's 1978 and nsca.gr.jp's 21 December 1978 are one act; the day is cited."""
    got = _answer(curated.store, "1979-01-01", "false")[TIE + "Q11751-Q16666"]
    assert got["basis"] == "https://w3id.org/citygraph/id/event/Q11751-Q16666-formalisation-1978-12-21"
    assert got["since"] == "1978-12-21"


def test_every_tie_has_a_row(curated):
    ties = {r["t"].value for r in curated.store.query(
        "SELECT ?t WHERE { ?t a <https://w3id.org/citygraph/ontology#Partnership> }", use_default_graph_as_union=True)}
    assert set(_answer(curated.store, "2000-01-01", "true")) == ties


def test_intervals_from_precision_qualifier_and_order():
    import pyoxigraph as ox

    from citygraph.reason.intervals import Interval, event_intervals

    store = ox.Store()
    store.load(b"""
    @prefix cg: <https://w3id.org/citygraph/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix ex: <https://example.org/> .
    ex:day a cg:Event ; cg:date "2012-02-21"^^xsd:date .
    ex:month a cg:Event ; cg:date "2000-02"^^xsd:gYearMonth .
    ex:year a cg:Event ; cg:date "2019"^^xsd:gYear ; cg:dateQualifier cg:NoLaterThan ; cg:after ex:day .
    ex:later a cg:Event ; cg:dateQualifier cg:Undated ; cg:after ex:month .
    ex:earlier a cg:Event ; cg:dateQualifier cg:Undated ; cg:before ex:month .
    """, format=ox.RdfFormat.TURTLE)
    got = {k.rsplit("/", 1)[-1]: v for k, v in event_intervals(store).items()}
    d = dt.date
    assert got["day"] == Interval(d(2012, 2, 21), d(2012, 2, 21))
    assert got["month"] == Interval(d(2000, 2, 1), d(2000, 2, 29))  # a leap year
    assert got["year"] == Interval(d(2012, 2, 21), d(2019, 12, 31))  # no later than 2019, after the day
    assert got["later"] == Interval(d(2000, 2, 1), None)
    assert got["earlier"] == Interval(None, d(2000, 2, 29))
