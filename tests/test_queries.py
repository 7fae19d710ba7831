"""Every stored query: its header loads, it parses, and on the curated core it answers as the article says.

Expected rows come from the Nanjinger article (section headings, sentences) and the gazetteer's
QIDs, never from a query's own output. A data-driven test runs over every file in queries/,
and `test_every_query_is_covered` keeps that suite from silently shrinking.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.query import binding, catalogue, terms
from citygraph.query import run as runner
from citygraph.query.terms import shorten
from conftest import store_of_turtle

SHARED = Path(__file__).resolve().parents[2] / "shared"
GAZETTEER_COPY = Path(__file__).parent / "reference" / "gazetteer.tsv"

QUERY_FILES = sorted(catalogue.query_dir().glob("*.rq"))
CATALOGUE = {q.name: q for q in catalogue.catalogue()}

# The article's section headings "City, Country (year)" and the gazetteer QID of each city.
ARTICLE_PARTNERS = {
    "Q11751": 1978,    # Nagoya, Japan (1978)
    "Q38022": 1979,    # St Louis, USA (1979)
    "Q2044": 1980,     # Florence, Italy (1980)
    "Q9832": 1985,     # Eindhoven, Netherlands (1985)
    "Q2079": 1988,     # Leipzig, Germany (1988)
    "Q199440": 1991,   # Mexicali, Mexico (1991)
    "Q185632": 1992,   # Limassol, Cyprus (1992)
    "Q20921": 1994,    # Daejeon, South Korea (1994)
    "Q92561": 1997,    # London, Canada (1997)
    "Q3183": 1998,     # Perth, Australia (1998)
    "Q37701": 1999,    # BLOEMFONTEIN, South Africa (1999)
    "Q62823": 2001,    # Barranquill, Columbia (2001)
    "Q61089": 2008,    # Malacca, Malaysia (2008)
    "Q9279": 2011,     # Bandar Seri Begawan, Brunei (2011)
    "Q3935": 2015,     # Windhoek, Namibia (2015)
    "Q154835": 2016,   # Mogilev, Belarus (2016)
    "Q19316": 2018,    # Bien Hoa, Vietnam (2018)
    "Q1880": 2018,     # Concepción, Chile (2018)
    "Q6397066": 2018,  # Shiraz, Iran (2018)
    "Q11025": 2018,    # Semarang, Indonesia (2018)
}
# Heading city -> the gazetteer's name_in_article, for the cross-check below.
HEADING_TO_GAZETTEER = {
    "Nagoya": "Nagoya", "St Louis": "St. Louis, Missouri", "Florence": "Florence", "Eindhoven": "Eindhoven",
    "Leipzig": "Leipzig", "Mexicali": "Mexicali", "Limassol": "Limassol", "Daejeon": "Daejeon",
    "London": "London, Ontario", "Perth": "Perth, Western Australia", "BLOEMFONTEIN": "Bloemfontein",
    "Barranquill": "Barranquilla", "Malacca": "Malacca City / Melaka", "Bandar Seri Begawan": "Bandar Seri Begawan",
    "Windhoek": "Windhoek", "Mogilev": "Mogilev", "Bien Hoa": "Bien Hoa", "Concepción": "Concepción",
    "Shiraz": "Shiraz", "Semarang": "Semarang",
}
# The partners' countries (gazetteer QIDs of the heading countries).
PARTNER_COUNTRIES = {"Q17", "Q30", "Q38", "Q55", "Q183", "Q96", "Q229", "Q884", "Q16", "Q408", "Q258", "Q739",
                     "Q833", "Q921", "Q1030", "Q184", "Q881", "Q298", "Q794", "Q252"}

ID = "https://w3id.org/citygraph/id/"
NANJING = "place:Q16666"
NAGOYA_TIE = "partnership:Q11751-Q16666"

# Parameters for the queries that need them when run over the whole catalogue.
PARAMS = {
    "anniversaries": {"year": "2019"},
    "describe": {"thing": NAGOYA_TIE},
    "place-by-name": {"label": "南京市@zh-Hans"},
    "search": {"text": "nagoya"},
    "status-on": {"date": "2015-01-01"},
}


def run(store, query_name, /, **params):
    return runner.run(catalogue.get(query_name), params, store=store)


def rows(store, query_name, /, **params) -> list[dict]:
    """Rows as {variable: shortened IRI or literal text}."""
    result = run(store, query_name, **params)
    out = []
    for row in result.rows:
        out.append({v: (None if t is None else shorten(t.value) if isinstance(t, ox.NamedNode) else t.value)
                    for v, t in zip(result.variables, row, strict=True)})
    return out


def qid(iri: str) -> str:
    return iri.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


# --- the catalogue ---------------------------------------------------------------------------

def test_every_query_is_covered():
    assert len(QUERY_FILES) == len(CATALOGUE) >= 18
    assert set(PARAMS) <= set(CATALOGUE)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header_loads_and_query_parses(path):
    q = catalogue.load_file(path)
    assert q.summary and q.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
    for p in q.parameters:
        if p.type == "limit":  # binds the query's LIMIT, not a variable
            assert p.variable == catalogue.LIMIT and not p.required
            continue
        assert p.variable in (f"_{p.name}_{terms.TYPES[p.type][0]}", f"__{p.name}_{terms.TYPES[p.type][0]}")
        assert p.description, f"{path.name}: parameter {p.name} needs a description"


def test_federated_examples_are_marked_and_parse_with_their_values_bound():
    from rdflib.plugins.sparql import prepareQuery

    federated = [q for q in CATALOGUE.values() if q.federated]
    assert len(federated) >= 2
    for q in federated:
        assert "SERVICE <https://query.wikidata.org/sparql>" in q.text
        text = binding.bound_text(q, binding.bind(q, {}))
        prepareQuery(text)  # raises if the VALUES blocks broke the syntax
        # a SERVICE that uses a parameter gets its value itself, whatever the engine passes on
        asks = q.text[q.text.index("SERVICE"):].split("}")[0]
        sent = text[text.index("SERVICE"):].split("}")[0]
        uses = [p for p in q.parameters if "?" + p.variable in asks]
        assert all(f"VALUES (?{p.variable})" in sent for p in uses)
    assert not any("SERVICE" in q.text for q in CATALOGUE.values() if not q.federated)


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if not q.federated))
def test_every_local_query_runs_on_the_curated_core(curated, name):
    result = run(curated.store, name, **PARAMS.get(name, {}))
    assert (result.triples if result.is_graph else result.rows), f"{name} answered nothing on the curated core"


# --- answers, from the article ------------------------------------------------------------------

def test_partners_of_nanjing_are_the_articles_twenty_with_heading_years(curated):
    got = {qid(r["partner"]): int(r["listedYear"]) for r in rows(curated.store, "partners")}
    assert got == ARTICLE_PARTNERS


def test_partners_columns(curated):
    by_partner = {qid(r["partner"]): r for r in rows(curated.store, "partners", city=NANJING)}
    nagoya = by_partner["Q11751"]
    assert nagoya["partnerLabel"] == "Nagoya"
    assert nagoya["country"] == "place:Q17" and nagoya["countryLabel"] == "Japan"
    assert nagoya["tie"] == NAGOYA_TIE
    assert nagoya["established"].startswith("1978")
    assert nagoya["status"] == "active"  # "as of 2019 the relationship is in favour once more"
    assert by_partner["Q154835"]["status"] == "active"  # Mogilev: friendship cities in 2016


def test_partners_of_another_city_are_its_own(curated):
    got = {qid(r["partner"]) for r in rows(curated.store, "partners", city="place:Q11751")}
    assert "Q16666" in got and "Q11751" not in got


@pytest.mark.parametrize("day, status", [
    ("2010-01-01", "active"), ("2015-01-01", "unknown"), ("2020-01-01", "active"),
    ("2012-02-20", "active"), ("2012-02-21", "suspended"),  # "on the 21 February" 2012
    ("2019-12-30", "unknown"), ("2019-12-31", "active"),  # "as of 2019": in favour again by 31 December 2019
])
def test_status_on_nagoya(curated, day, status):
    got = {r["tie"]: r["status"] for r in rows(curated.store, "status-on", date=day)}
    assert got[NAGOYA_TIE] == status


def test_status_on_mogilev_preliminary_then_formal(curated):
    tie = "partnership:Q16666-Q154835"  # "friendly and cooperative city relations in 2014, friendship cities in 2016"
    assert {r["tie"]: r["status"] for r in rows(curated.store, "status-on", date="2015-06-01")}[tie] == "preliminary"
    assert {r["tie"]: r["status"] for r in rows(curated.store, "status-on", date="2016-01-01")}[tie] == "unknown"
    assert {r["tie"]: r["status"] for r in rows(curated.store, "status-on", date="2013-12-31")}[tie] == "not-started"


def test_status_on_month_precision(curated):
    tie = "partnership:Q16666-Q37701"  # Bloemfontein: "In March, 2000, … formally concluded"
    got = {d: {r["tie"]: r for r in rows(curated.store, "status-on", date=d)}[tie]["status"]
           for d in ("2000-02-29", "2000-03-01", "2000-03-31")}
    assert got == {"2000-02-29": "not-started", "2000-03-01": "unknown", "2000-03-31": "active"}


def test_status_on_one_city(curated):
    got = {r["tie"] for r in rows(curated.store, "status-on", date="2015-01-01", city="place:Q11751")}
    assert got == {NAGOYA_TIE}


def test_history_of_nagoya_in_date_order(curated):
    hist = rows(curated.store, "history", tie=NAGOYA_TIE)
    assert len({r["event"] for r in hist}) == len(hist)  # one row per event
    dated = [(r["date"], r["kind"].rsplit("#", 1)[-1]) for r in hist if r["date"]]
    assert ("1978", "Formalisation") in dated
    assert ("2012-02-21", "Suspension") in dated
    assert ("2019", "Resumption") in dated
    assert [d for d, _ in dated] == sorted(d for d, _ in dated)
    resumption = next(r for r in hist if r["date"] == "2019")
    assert resumption["qualifier"] == "cg:NoLaterThan"
    assert (resumption["earliest"], resumption["latest"]) == ("2012-02-21", "2019-12-31")
    assert resumption["quote"] == "However, The Nanjinger is assured that as of 2019 the relationship is in favour once more."
    assert resumption["sourceTitle"] == "The Nanjinger, sister-cities article, section 'Nagoya, Japan (1978)'"
    assert all(r["source"] and r["sourceTitle"] for r in hist)
    # "Nanjing Square was later constructed": after the 1978 formalisation, not before everything dated
    order = [r["event"].rsplit("/", 1)[-1].split(":")[-1] for r in hist]
    assert order.index("Q11751-Q16666-monument-nanjing-square") > order.index("Q11751-Q16666-formalisation-1978")
    assert order[-1] == "Q11751-Q16666-gift-stone-pillars"  # undated, after nothing: last


def test_history_of_malacca_has_no_30th_anniversary_on_its_first_day(curated):
    hist = rows(curated.store, "history", tie="partnership:Q16666-Q61089")
    assert not any("Anniversary" in r["kind"] for r in hist)
    signing = next(r for r in hist if "Formalisation" in r["kind"])
    assert signing["date"] == "2008-10-31" and "30th anniversary of the provincial friendship city" in signing["quote"]
    # the occasion is kept, of no tie, linked from the signing
    assert ask_curated(curated, """ASK { event:Q16666-Q61089-formalisation-2008-10-31 cg:occasion ?o .
        ?o a cg:Anniversary ; cg:anniversaryYears 30 . FILTER NOT EXISTS { ?o cg:eventOf ?tie } }""")


def ask_curated(curated, body: str) -> bool:
    prefixes = ("PREFIX cg: <https://w3id.org/citygraph/ontology#>\n"
                "PREFIX event: <https://w3id.org/citygraph/id/event/>\n")
    return bool(curated.store.query(prefixes + body, use_default_graph_as_union=True))


def test_timeline_counts_formalisations_in_the_articles_years(curated):
    got = {(r["year"], r["stage"]) for r in rows(curated.store, "timeline")}
    assert ("1978", "formalised") in got and ("2016", "formalised") in got
    assert ("2014", "preliminary stage") in got  # Mogilev
    one_city = {r["year"] for r in rows(curated.store, "timeline", city="place:Q11751")}
    assert "2018" not in {r["year"] for r in rows(curated.store, "timeline", city="place:Q1880")}  # heading only: unconfirmed
    assert one_city == {"1978"}  # Nagoya–Nanjing: 1978 and 1978-12-21 count once, in 1978


def test_suspensions(curated):
    [row] = [r for r in rows(curated.store, "suspensions") if r["tie"] == NAGOYA_TIE]
    assert row["suspended"] == "2012-02-21"
    assert row["initiatedBy"] == NANJING  # "Nanjing called a suspension"
    assert "Nanjing Massacre" in row["cause"]
    assert row["resumed"] == "2019" and row["resumedQualifier"] == "cg:NoLaterThan"


def test_memorandum_first(curated):
    got = {qid(r["tie"]): (r["firstStep"], r["firstStepYear"], r["formalisedYear"], r["years"])
           for r in rows(curated.store, "memorandum-first")}
    # Bloemfontein: memorandum January 1999, formal March 2000.
    assert got["Q16666-Q37701"] == ("memorandum signed", "1999", "2000", "1")
    # Barranquilla: memorandum in 2000, listed 2001.
    assert got["Q16666-Q62823"][:2] == ("memorandum signed", "2000")
    # Mogilev: friendly and cooperative relations 2014, friendship cities 2016.
    assert got["Q16666-Q154835"] == ("preliminary stage", "2014", "2016", "2")
    assert "Q11751-Q16666" not in got  # Nagoya began formal


def test_signatories(curated):
    got = {(r["agentLabel"], qid(r["role"] or ""), r["postLabel"], (r["date"] or "")[:4]) for r in rows(curated.store, "signatories")}
    assert ("James Conway", "signatory", "Mayor of St. Louis", "1979") in got
    assert ("Jiang Hongkun", "signatory", "Mayor of Nanjing", "2008") in got
    assert ("Jie Tan", "signatory", "Mayor of Malacca", "2008") in got
    only = rows(curated.store, "signatories", role="role:delegation-leader")
    assert only and {qid(r["role"]) for r in only} == {"delegation-leader"}
    assert "Yang Zhi" in {r["agentLabel"] for r in only}


def test_by_country(curated):
    got = {qid(r["country"]): int(r["ties"]) for r in rows(curated.store, "by-country")}
    assert set(got) == PARTNER_COUNTRIES  # twenty partners in twenty countries
    assert set(got.values()) == {1}


def test_fields(curated):
    got = {qid(r["field"]) for r in rows(curated.store, "fields")}
    # Daejeon: "science and technology, culture, sports, education"; Shiraz: "academic, cultural and tourism".
    assert {"science-and-technology", "culture", "sports", "education", "tourism"} <= got


def test_gifts(curated):
    gifts = rows(curated.store, "gifts")
    pillars = next(r for r in gifts if r["gift"] == ID + "landmark/six-dynasties-stone-pillars-nagoya")
    assert (pillars["giver"], pillars["recipient"], pillars["quantity"]) == (ID + "place/Q16666", ID + "place/Q11751", "2")
    gloves = [r for r in gifts if r["gift"] == ID + "landmark/baseball-glove-statues"]
    assert len(gloves) == 1 and set(gloves[0]["location"].split()) == {ID + "place/Q38022", ID + "place/Q16666"}
    assert any(r["tie"] == "partnership:Q16666-Q199440" and r["kind"] == "cg:MonumentBuilt" for r in gifts)  # Mexicali pavilion
    assert any(r["tie"] == "partnership:Q16666-Q61089" and r["kind"] == "cg:Gift" for r in gifts)  # Malacca lions
    assert any(r["tie"] == "partnership:Q3935-Q16666" and r["kind"] == "cg:Gift" for r in gifts)  # Windhoek solar sets


@pytest.mark.parametrize("year, expected", [
    ("2018", {"Q11751-Q16666": ("40", "may be suspended"), "Q2079-Q16666": ("30", ""), "Q3183-Q16666": ("20", ""),
              "Q16666-Q61089": ("10", "")}),  # Nagoya: suspended 2012, "as of 2019" in favour once more
    ("2019", {"Q16666-Q38022": ("40", ""), "Q16666-Q20921": ("25", "")}),  # "2 November, 2019, marks the 40th anniversary"
    ("2012", {"Q16666-Q185632": ("20", "")}),
])
def test_anniversaries(curated, year, expected):
    got = {qid(r["tie"]): (r["anniversary"], r["flag"]) for r in rows(curated.store, "anniversaries", year=year)}
    assert expected.items() <= got.items()
    assert all(int(n) in (5, 10) or int(n) % 10 == 0 or int(n) % 25 == 0 for n, _ in got.values())


def test_anniversaries_flag_clears_once_the_sources_say_active(curated):
    got = {qid(r["tie"]): r["flag"] for r in rows(curated.store, "anniversaries", year="2038")}
    assert got["Q11751-Q16666"] == ""  # 60th: active again, as far as the sources tell


def test_gaps(curated):
    got = {(r["item"], r["gap"].split(" (")[0]) for r in rows(curated.store, "gaps")}
    assert ("place:Q55", "no GeoNames link") in got  # the gazetteer has no GeoNames id for the Netherlands
    assert ("place:Q16666", "no Wikidata link") not in got


def test_discrepancies(curated):
    got = rows(curated.store, "discrepancies")
    nagoya = [r for r in got if r["discrepancy"] == "claim:discrepancy-nagoya-jiangsu"]
    assert len(nagoya) == 1
    assert len(nagoya[0]["readings"].split(" | ")) == 2
    assert set(nagoya[0]["about"].split()) == {ID + "partnership/Q11751-Q16666", ID + "partnership/Q11751-Q16963"}
    treaty = next(r for r in got if r["discrepancy"] == "claim:discrepancy-japan-china-treaty-1972")
    assert "12 August 1978" in treaty["readings"] and "Joint Communiqué" in treaty["readings"]


def test_sources(curated):
    got = {r["source"]: r for r in rows(curated.store, "sources")}
    nagoya = got["source:nanjinger-sister-cities-nagoya"]
    assert nagoya["section"] == "Nagoya, Japan (1978)"
    assert int(nagoya["resources"]) > 0
    assert "source:nanjinger-sister-cities" in got  # the article itself is listed, whatever cites it directly
    every_source = {shorten(r["s"].value) for r in curated.store.query(
        "SELECT DISTINCT ?s WHERE { ?s a <https://w3id.org/citygraph/ontology#Source> }", use_default_graph_as_union=True)}
    assert set(got) == every_source  # none dropped, cited or not


def test_twinned_with_is_symmetric(curated):
    triples = {(shorten(t.subject.value), shorten(t.object.value)) for t in run(curated.store, "twinned-with").triples}
    assert (NANJING, "place:Q11751") in triples and ("place:Q11751", NANJING) in triples
    only = {(shorten(t.subject.value), shorten(t.object.value)) for t in run(curated.store, "twinned-with", city="place:Q3935").triples}
    assert only == {(NANJING, "place:Q3935"), ("place:Q3935", NANJING)}


def test_describe(curated):
    triples = run(curated.store, "describe", thing="place:Q11751").triples
    subject = ox.NamedNode("https://w3id.org/citygraph/id/place/Q11751")
    assert ox.Triple(subject, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Nagoya", language="en")) in triples
    assert any(t.object == subject and t.predicate.value.endswith("#party") for t in triples)
    assert all(subject in (t.subject, t.object) for t in triples)


def test_search_and_place_by_name(curated):
    assert NANJING in {r["thing"] for r in rows(curated.store, "search", text="南京")}
    assert "place:Q11751" in {r["thing"] for r in rows(curated.store, "search", text="NAGOYA")}
    assert [r["place"] for r in rows(curated.store, "place-by-name", label="南京市@zh-Hans")] == [NANJING]
    assert [r["place"] for r in rows(curated.store, "place-by-name", label="Nanjing@en")] == [NANJING]
    assert rows(curated.store, "place-by-name", label="Nanjing@fr") == []


# --- the interval rule, on a fixture that isolates it ------------------------------------------

COARSE = """
@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:tie cg:party ex:a , ex:b ; cg:event ex:f , ex:s , ex:r , ex:t .
ex:f a cg:Formalisation ; cg:date "2000"^^xsd:gYear .
ex:s a cg:Suspension ; cg:date "2004-02"^^xsd:gYearMonth ; cg:dateQualifier cg:NoLaterThan .
ex:r a cg:Resumption ; cg:date "2010"^^xsd:gYear ; cg:dateQualifier cg:NoLaterThan .
ex:t a cg:Termination ; cg:date "2030-06-01"^^xsd:date ; cg:dateQualifier cg:Planned .
ex:tie2 cg:party ex:a , ex:c ; cg:event ex:p2 , ex:f2 , ex:t2 .
ex:p2 a cg:PreliminaryStageEstablished ; cg:date "2001"^^xsd:gYear .
ex:f2 a cg:Formalisation ; cg:date "2001"^^xsd:gYear .
ex:t2 a cg:Termination ; cg:date "2020-05"^^xsd:gYearMonth .
"""


@pytest.fixture(scope="module")
def coarse(tmp_path_factory):
    return store_of_turtle(COARSE, tmp_path_factory.mktemp("coarse"), "coarse.ttl")


@pytest.mark.parametrize("day, status, possible", [
    ("1999-12-31", "not-started", "not-started"),
    ("2000-01-01", "unknown", "not-started active"),           # a gYear: any day of 2000
    ("2001-01-01", "unknown", "active suspended"),             # no later than Feb 2004: maybe already
    ("2004-02-29", "unknown", "active suspended"),             # suspended by then; resumed "no later than 2010"
    ("2010-12-30", "unknown", "active suspended"),
    ("2010-12-31", "active", "active"),                        # resumed by 31 December 2010 at the latest
    ("2031-01-01", "active", "active"),                        # a planned termination never counts
])
def test_status_on_intervals(coarse, day, status, possible):
    got = {r["tie"]: (r["status"], r["possible"]) for r in rows(coarse, "status-on", date=day)}
    assert got["https://example.org/tie"] == (status, possible)


@pytest.mark.parametrize("day, status, possible", [
    ("2000-12-31", "not-started", "not-started"),
    ("2001-01-01", "unknown", "not-started preliminary"),  # preliminary stage, then formalisation, both in 2001
    ("2001-12-31", "active", "active"),
    ("2020-04-30", "active", "active"),
    ("2020-05-01", "unknown", "active ended"), ("2020-05-31", "ended", "ended"),  # a gYearMonth: any day of May
])
def test_status_on_stages_and_termination(coarse, day, status, possible):
    got = {r["tie"]: (r["status"], r["possible"]) for r in rows(coarse, "status-on", date=day)}
    assert got["https://example.org/tie2"] == (status, possible)


# --- the reference material the expectations come from -----------------------------------------

@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="the shared reference folder is not beside the checkout")
def test_expected_partners_match_the_article_and_gazetteer():
    article = next((SHARED / "seed").glob("*.txt")).read_text(encoding="utf-8")
    headings = re.findall(r"^([^,\n]{3,40}), ([A-Za-z ]+) \((\d{4})\)\s*$", article, flags=re.M)
    gazetteer = {}
    source = SHARED / "reference" / "gazetteer.tsv"
    for line in (source if source.is_file() else GAZETTEER_COPY).read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        gazetteer[cells[0]] = cells[3]
    from_article = {gazetteer[HEADING_TO_GAZETTEER[city]]: int(year) for city, _country, year in headings}
    assert from_article == ARTICLE_PARTNERS


# --- most-connected: counts that labels and sources cannot inflate -------------------------------

INFLATE = """
@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:a rdfs:label "A"@en , "Aa"@en , "Ä" , "甲"@zh-Hans .
ex:b rdfs:label "B"@en , "Bb"@en .
ex:ab a cg:FormalPartnership ; cg:party ex:a , ex:b ; cg:event ex:f1 , ex:f2 ; cg:kind cg:SisterCity , cg:FormalPartnership .
ex:ab2 a cg:PreliminaryPartnership ; cg:party ex:a , ex:b .
ex:ac a cg:PreliminaryPartnership ; cg:party ex:a , ex:c .
ex:ad a cg:Partnership ; cg:party ex:a , ex:d ; cg:unconfirmed true .
ex:ae a cg:SisterCity , cg:FormalPartnership ; cg:party ex:a , ex:e ; cg:event ex:fe .
ex:fe a cg:Formalisation ; cg:unconfirmed true .
ex:af a cg:FormalPartnership ; cg:party ex:a , ex:f ; cg:event ex:ff1 , ex:ff2 .
ex:ff1 a cg:Formalisation ; cg:unconfirmed true .
ex:ff2 a cg:Formalisation .
"""


def test_most_connected_counts_distinct_partners(tmp_path):
    store = store_of_turtle(INFLATE, tmp_path, "inflate.ttl")
    got = {r["place"]: (r["partners"], r["formal"], r["formalUnconfirmed"]) for r in rows(store, "most-connected")}
    # b (twice, many labels), c, e and f; d's tie is unconfirmed. Formal: b, and f (one of its two
    # formalisations is confirmed); e is formal only by an unconfirmed formalisation: the other reading
    assert got["https://example.org/a"] == ("4", "2", "1")
    assert got["https://example.org/b"] == ("1", "1", "0")
    assert got["https://example.org/e"] == ("1", "0", "1")
    assert got["https://example.org/f"] == ("1", "1", "0")
    assert list(got)[0] == "https://example.org/a"
    assert set(got) == {f"https://example.org/{x}" for x in "abcef"}
    assert {r["place"] for r in rows(store, "most-connected", min="2")} == {"https://example.org/a"}


def test_most_connected_on_the_curated_core(curated):
    top = rows(curated.store, "most-connected")[0]
    assert (top["place"], top["placeLabel"], top["country"], top["partners"]) == (NANJING, "Nanjing", "China", "20")
    # Concepción and Semarang are formal by the article's list alone (their formalisations unconfirmed)
    assert (top["formal"], top["formalUnconfirmed"]) == ("18", "2")
    doubted = {r["place"] for r in rows(curated.store, "most-connected") if r["formalUnconfirmed"] != "0"}
    assert doubted == {NANJING, "place:Q1880", "place:Q11025"}
    japan = rows(curated.store, "most-connected", country="Japan")
    assert [r["place"] for r in japan] == ["place:Q11751"]  # Nagoya (its Jiangsu tie is unconfirmed)


def test_most_connected_honours_its_limit(curated):
    every = rows(curated.store, "most-connected")
    assert len(every) > 5
    for n in (1, 3, 5):
        assert rows(curated.store, "most-connected", limit=str(n)) == every[:n]
    assert rows(curated.store, "most-connected", limit=str(len(every) + 10)) == every
    assert rows(curated.store, "most-connected", limit="2", country="Japan") == rows(curated.store, "most-connected", country="Japan")[:2]


def test_most_connected_limit_from_the_cli_and_python(cli):
    got = cli("query", "most-connected", "--scope", "nanjing", "-p", "limit=2", "--format", "csv")
    assert got.exit_code == 0, got.stderr
    lines = got.stdout.splitlines()
    assert len(lines) == 3 and lines[1].startswith(ID + "place/Q16666,Nanjing,")
    import citygraph

    assert [r["place"] for r in citygraph.run_query("most-connected", scope="nanjing", limit=2)] == [line.split(",")[0] for line in lines[1:]]
    for bad in ("0", "-2", "ten"):
        wrong = cli("query", "most-connected", "--scope", "nanjing", "-p", f"limit={bad}")
        assert wrong.exit_code == 2
        assert wrong.stderr.startswith("citygraph: error: parameter 'limit' of query 'most-connected'") and "1 or more" in wrong.stderr
