"""Facts marked cg:unconfirmed stay out of the answers unless asked, in every query that has the
`unconfirmed` parameter (status-on, partners, anniversaries, timeline, history).

On the article: Nagoya–Jiangsu is an ambiguous sentence ("formally merge relationships with
Nanjing and Jiangsu province", under the heading "Nagoya, Japan (1978)"), and the formalisations
of Concepción and Semarang are dated by their section headings alone ("Concepción, Chile (2018)")
while the text tells only of a memorandum. A small made-up graph adds what the article lacks: an
unconfirmed tie *with* dated events, whose events must then stay out too.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citygraph.query import catalogue
from citygraph.query import run as runner
from citygraph.query.terms import shorten
from conftest import store_of_turtle

NAGOYA_JIANGSU = "partnership:Q11751-Q16963"
CONCEPCION = "partnership:Q1880-Q16666"
SEMARANG = "partnership:Q11025-Q16666"
WITH = ("status-on", "partners", "anniversaries", "timeline", "history")


def rows(store, name: str, /, **params) -> list[dict]:
    result = runner.run(catalogue.get(name), params, store=store)
    return [{v: (None if t is None else shorten(t.value) if isinstance(t, ox.NamedNode) else t.value)
             for v, t in zip(result.variables, row, strict=True)} for row in result.rows]


@pytest.mark.parametrize("name", WITH)
def test_the_queries_share_one_unconfirmed_parameter(name):
    p = catalogue.get(name).parameter("unconfirmed")
    assert (p.type, p.required, p.default) == ("boolean", False, None)


# --- Nagoya–Jiangsu -----------------------------------------------------------------------------

def test_nagoya_jiangsu_in_partners_only_when_asked(curated):
    assert {r["tie"] for r in rows(curated.store, "partners", city="Nagoya")} == {"partnership:Q11751-Q16666"}
    asked = {r["tie"]: r for r in rows(curated.store, "partners", city="Nagoya", unconfirmed="true")}
    assert set(asked) == {"partnership:Q11751-Q16666", NAGOYA_JIANGSU}
    jiangsu = asked[NAGOYA_JIANGSU]
    assert (jiangsu["partnerLabel"], jiangsu["kind"], jiangsu["established"]) == ("Jiangsu", "cg:Partnership", None)
    assert (jiangsu["status"], jiangsu["possible"]) == ("unknown", "not-started preliminary active suspended ended")  # no event dates it


def test_nagoya_jiangsu_in_status_on_only_when_asked(curated):
    assert NAGOYA_JIANGSU not in {r["tie"] for r in rows(curated.store, "status-on", date="2019-06-01", city="Nagoya")}
    asked = {r["tie"]: r["status"] for r in rows(curated.store, "status-on", date="2019-06-01", city="Nagoya", unconfirmed="true")}
    assert asked[NAGOYA_JIANGSU] == "unknown"


def test_nagoya_jiangsu_makes_no_tied_with_link(curated):
    assert not curated.store.query(
        "ASK { <https://w3id.org/citygraph/id/place/Q11751> <https://w3id.org/citygraph/ontology#tiedWith> "
        "<https://w3id.org/citygraph/id/place/Q16963> }", use_default_graph_as_union=True)


def test_nagoya_jiangsu_has_no_history_and_no_year_either_way(curated):
    """The article gives the ambiguous tie no event and no year: asking changes nothing there."""
    for flag in ("false", "true"):
        assert rows(curated.store, "history", tie=NAGOYA_JIANGSU, unconfirmed=flag) == []
        assert NAGOYA_JIANGSU not in {r["tie"] for r in rows(curated.store, "anniversaries", year="2028", unconfirmed=flag)}


# --- the heading-only formalisations (Concepción, Semarang) --------------------------------------

def test_timeline_counts_the_heading_only_formalisations_only_when_asked(curated):
    def formalised_2018(**params) -> int:
        got = {(r["year"], r["stage"]): int(r["ties"]) for r in rows(curated.store, "timeline", **params)}
        return got.get(("2018", "formalised"), 0)

    # Bien Hoa ("the Friendly City Agreement ... signed" in 2018) and Shiraz are formalised in 2018
    assert formalised_2018() == 2
    assert formalised_2018(unconfirmed="true") == 4  # and the two heading-only ones
    assert formalised_2018(city="Q1880") == 0
    assert formalised_2018(city="Q1880", unconfirmed="true") == 1


def test_anniversaries_start_from_the_heading_only_formalisation_only_when_asked(curated):
    plain = {r["tie"]: r for r in rows(curated.store, "anniversaries", year="2023")}
    asked = {r["tie"]: r for r in rows(curated.store, "anniversaries", year="2023", unconfirmed="true")}
    for tie in (CONCEPCION, SEMARANG):
        assert (plain[tie]["startYear"], plain[tie]["startFrom"]) == ("2018", "listed year")
        assert (asked[tie]["startYear"], asked[tie]["startFrom"]) == ("2018", "formalisation")
        # nothing confirmed dates the tie, so the year may hold any status; with the heading's date, active
        assert plain[tie]["flag"] == "may have ended" and asked[tie]["flag"] == ""


def test_history_leaves_out_the_heading_only_formalisation_unless_asked(curated):
    plain = [r["event"] for r in rows(curated.store, "history", tie=CONCEPCION)]
    asked = [r["event"] for r in rows(curated.store, "history", tie=CONCEPCION, unconfirmed="true")]
    assert "event:Q1880-Q16666-formalisation-2018" not in plain
    assert set(asked) - set(plain) == {"event:Q1880-Q16666-formalisation-2018"}
    assert "event:Q1880-Q16666-meeting-2018-12-07" in plain  # the confirmed events stay


def test_partners_dates_and_status_from_the_heading_only_formalisation_only_when_asked(curated):
    plain = {r["tie"]: r for r in rows(curated.store, "partners")}
    asked = {r["tie"]: r for r in rows(curated.store, "partners", unconfirmed="true")}
    for tie in (CONCEPCION, SEMARANG):
        assert (plain[tie]["established"], plain[tie]["status"]) == (None, "unknown")
        assert (asked[tie]["established"], asked[tie]["status"]) == ("2018", "active")


# --- an unconfirmed tie with dated events (made up: the article has none) -------------------------

DOUBTFUL = """
@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:a a cg:City ; rdfs:label "A"@en .
ex:b a cg:City ; rdfs:label "B"@en .
ex:ab a cg:FormalPartnership ; cg:party ex:a , ex:b ; cg:unconfirmed true ; cg:listedYear "2000"^^xsd:gYear ;
    cg:event ex:f .
ex:f a cg:Formalisation ; cg:date "2000"^^xsd:gYear .
"""


@pytest.fixture(scope="module")
def doubtful(tmp_path_factory):
    return store_of_turtle(DOUBTFUL, tmp_path_factory.mktemp("doubtful"), "doubtful.ttl")


def test_an_unconfirmed_tie_and_its_events_only_when_asked(doubtful):
    tie = "https://example.org/ab"
    assert rows(doubtful, "history", tie=tie) == []
    assert [r["event"] for r in rows(doubtful, "history", tie=tie, unconfirmed="true")] == ["https://example.org/f"]
    assert rows(doubtful, "timeline") == []
    assert [(r["year"], r["stage"], r["ties"]) for r in rows(doubtful, "timeline", unconfirmed="true")] == [("2000", "formalised", "1")]
    assert rows(doubtful, "anniversaries", year="2010") == []
    assert [(r["tie"], r["anniversary"]) for r in rows(doubtful, "anniversaries", year="2010", unconfirmed="true")] == [(tie, "10")]
    assert rows(doubtful, "partners", city=tie.replace("ab", "a")) == []
    assert [r["status"] for r in rows(doubtful, "partners", city=tie.replace("ab", "a"), unconfirmed="true")] == ["active"]
    assert rows(doubtful, "status-on", date="2005-01-01") == []
    assert [r["status"] for r in rows(doubtful, "status-on", date="2005-01-01", unconfirmed="true")] == ["active"]
