"""Every fact of the Nanjinger article is in the built graph, found through the ontology's terms.

tests/facts/nanjing_ties.tsv is written by hand from the article: each tie with the year it is
listed under and every event it tells (kind, date at the article's precision, source passage).
The tests find each row in the curated build and check the other way round too: every event of
these ties in the graph is in the table, so nothing is made up and nothing is missing.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from citygraph.ids import pair_key

FACTS = Path(__file__).parent / "facts" / "nanjing_ties.tsv"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_511d905350dd3473.txt"
CG = "https://w3id.org/citygraph/ontology#"
ID = "https://w3id.org/citygraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"""PREFIX cg: <{CG}>
PREFIX place: <{ID}place/>
PREFIX partnership: <{ID}partnership/>
PREFIX source: <{ID}source/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <{XSD}>
"""


def read_table() -> list[dict[str, str]]:
    with FACTS.open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


ROWS = read_table()
TIES = sorted({(r["party_a"], r["party_b"]) for r in ROWS})
NANJING_TIES = sorted({r["party_b"] for r in ROWS if r["party_a"] == "Q16666"})


def query(curated, q: str):
    return list(curated.store.query(PREFIXES + q, use_default_graph_as_union=True))


def ask(curated, q: str) -> bool:
    return bool(curated.store.query(PREFIXES + q, use_default_graph_as_union=True))


def test_the_table_covers_the_twenty_sister_cities_and_the_province_ties():
    assert len(NANJING_TIES) == 20
    assert ("Q11751", "Q16963") in TIES and ("Q16963", "Q834508") in TIES  # Nagoya–Jiangsu, Jiangsu–Khomas


def test_nanjing_has_exactly_the_article_s_twenty_formal_ties(curated):
    rows = query(curated, """SELECT ?qid WHERE {
        ?p a cg:FormalPartnership ; cg:party place:Q16666 , ?other ; cg:listedYear ?y .
        ?other cg:qid ?qid . FILTER(?other != place:Q16666) }""")
    assert sorted(r["qid"].value for r in rows) == NANJING_TIES


@pytest.mark.parametrize("a,b", TIES, ids=[f"{a}-{b}" for a, b in TIES])
def test_tie_listed_year_and_section(curated, a, b):
    rows = [r for r in ROWS if (r["party_a"], r["party_b"]) == (a, b)]
    p = f"<{ID}partnership/{pair_key(a, b)}>"
    years = {r["listed_year"] for r in rows} - {"-"}
    found = query(curated, f"SELECT ?y WHERE {{ {p} cg:party place:{a} , place:{b} . OPTIONAL {{ {p} cg:listedYear ?y }} }}")
    assert found, f"no partnership {p} with parties {a} and {b}"
    assert {r["y"].value for r in found if r["y"] is not None} == years
    if years:
        assert all(r["y"].datatype.value == XSD + "gYear" for r in found)
    # the tie comes from the article section that tells it, which is part of the article
    section = f"source:nanjinger-sister-cities-{rows[0]['section']}"
    assert ask(curated, f"""ASK {{ {p} prov:wasDerivedFrom {section} . {section} cg:section ?heading ;
        dcterms:isPartOf source:nanjinger-sister-cities . source:nanjinger-sister-cities dcterms:title ?t }}""")


def _graph_events(curated, a: str, b: str) -> Counter:
    """(kind, date, datatype, source) for every asserted event kind of the tie's events."""
    p = f"<{ID}partnership/{pair_key(a, b)}>"
    rows = query(curated, f"""SELECT ?e ?kind ?date ?src WHERE {{
        {p} cg:event ?e .
        GRAPH ?g {{ ?e a ?kind }} FILTER(?g != <https://w3id.org/citygraph/graph/inferred>)
        ?e prov:wasDerivedFrom ?src .
        OPTIONAL {{ ?e cg:date ?date }} }}""")
    out = Counter()
    for r in rows:
        date = r["date"]
        out[(r["kind"].value.removeprefix(CG), date.value if date else "-",
             date.datatype.value.removeprefix(XSD) if date else "-", r["src"].value.removeprefix(ID + "source/"))] += 1
    return out


@pytest.mark.parametrize("a,b", TIES, ids=[f"{a}-{b}" for a, b in TIES])
def test_every_event_of_the_tie_is_in_the_graph_and_nothing_else(curated, a, b):
    expected = Counter((r["event_kind"], r["date"], r["datatype"], r["source"])
                       for r in ROWS if (r["party_a"], r["party_b"]) == (a, b) and r["event_kind"] != "-")
    assert _graph_events(curated, a, b) == expected


def test_undated_events_say_so(curated):
    rows = query(curated, """SELECT ?e WHERE { ?e a cg:Event . FILTER NOT EXISTS { ?e cg:date ?d }
        FILTER NOT EXISTS { ?e cg:dateQualifier cg:Undated } }""")
    assert rows == []


def test_dates_taken_from_headings_or_context_are_marked(curated):
    marked: dict[str, set[str]] = {}
    rows = query(curated, "SELECT ?e ?q WHERE { ?e cg:dateQualifier ?q }")
    for r in rows:
        marked.setdefault(r["e"].value.rsplit("/", 1)[-1], set()).add(r["q"].value.removeprefix(CG))
    assert marked["Q1880-Q16666-meeting-2018-12-07"] == {"YearFromSectionHeading"}  # "On 7 December"
    assert marked["Q11751-Q16666-resumption-2019"] == {"NoLaterThan"}  # "as of 2019 ... in favour once more"
    for e in ("Q2044-Q16666-formalisation-1980", "Q16666-Q62823-formalisation-2001", "Q11025-Q16666-formalisation-2018"):
        assert marked[e] == {"DateFromSectionHeading"}
    assert "Planned" in marked["Q16666-Q38022-monument-baseball-gloves"]


def test_every_formal_tie_has_a_dated_formalisation_from_the_article(curated):
    rows = query(curated, """SELECT ?p WHERE { ?p a cg:FormalPartnership ; cg:listedYear ?y .
        FILTER NOT EXISTS { ?p cg:event ?e . ?e a cg:Formalisation ; cg:date ?d ;
            prov:wasDerivedFrom/dcterms:isPartOf source:nanjinger-sister-cities } }""")
    assert rows == []


def test_bloemfontein_keeps_both_readings(curated):
    rows = query(curated, """SELECT ?r ?res WHERE { ?d a cg:Discrepancy ; cg:about partnership:Q16666-Q37701 ;
        cg:reading ?r ; cg:resolution ?res ; prov:wasDerivedFrom source:nanjinger-sister-cities-bloemfontein }""")
    readings = {r["r"].value for r in rows}
    assert any("1999" in r for r in readings) and any("March 2000" in r for r in readings)
    assert ask(curated, """ASK { partnership:Q16666-Q37701 cg:listedYear "1999"^^xsd:gYear ;
        cg:event ?e . ?e a cg:Formalisation ; cg:date "2000-03"^^xsd:gYearMonth }""")


def test_nagoya_suspension_cause_scope_and_initiator(curated):
    rows = query(curated, """SELECT ?who ?cause ?scope ?why WHERE {
        partnership:Q11751-Q16666 cg:event ?e . ?e a cg:Suspension ; cg:date "2012-02-21"^^xsd:date ;
        cg:initiatedBy ?who ; cg:cause ?cause ; cg:scope ?scope ; cg:causedBy ?why .
        ?why cg:participant <https://w3id.org/citygraph/id/person/takashi-kawamura> }""")
    assert len(rows) == 1
    assert rows[0]["who"].value == ID + "place/Q16666"
    assert "Nanjing Massacre" in rows[0]["cause"].value
    assert "official exchanges" in rows[0]["scope"].value


def test_mogilev_passed_through_the_preliminary_stage(curated):
    assert ask(curated, """ASK { partnership:Q16666-Q154835 cg:event ?pre , ?formal .
        ?pre a cg:PreliminaryStageEstablished ; cg:date "2014"^^xsd:gYear .
        ?formal a cg:Formalisation ; cg:date "2016"^^xsd:gYear }""")


PEOPLE = [  # (person slug, event local name, role, post) — who did what, in which office
    ("james-conway", "Q16666-Q38022-formalisation-1979", "signatory", "mayor-of-st-louis"),
    ("chu-jiang", "Q16666-Q38022-formalisation-1979", "host", "leader-of-nanjing"),
    ("yang-zhi", "Q16666-Q37701-memorandum-1999-01", "delegation-leader", "secretary-general-of-the-nanjing-cpc-committee"),
    ("yang-zhi", "Q16666-Q62823-memorandum-2000", "signatory", "secretary-general-of-the-nanjing-cpc-committee"),
    ("gustavo-bell", "Q16666-Q62823-memorandum-2000", "signatory", "vice-president-of-colombia"),
    ("jiang-hongkun", "Q16666-Q61089-formalisation-2008-10-31", "signatory", "mayor-of-nanjing"),
    ("jie-tan", "Q16666-Q61089-formalisation-2008-10-31", "signatory", "mayor-of-malacca"),
    ("lin-keqin", "Q16666-Q92561-visit-2017-09", "delegation-leader", "vice-chairman-of-the-peoples-congress"),
    ("xin-shunkang", "Q3935-Q16666-statement-xin-shunkang", "speaker", "ambassador-of-china-to-namibia"),
    ("zumarev", "Q16666-Q154835-statement-zumarev", "speaker", "mayor-of-mogilev"),
    ("lan-shaomin", "Q16666-Q19316-formalisation-2018-05", "signatory", "mayor-of-nanjing"),
    ("lan-shaomin", "Q16666-Q6397066-formalisation-2018", "representative", "mayor-of-nanjing"),
    ("lan-shaomin", "Q11025-Q16666-memorandum-2018-10", "signatory", "mayor-of-nanjing"),
    ("hendrar-prihadi", "Q11025-Q16666-memorandum-2018-10", "signatory", "mayor-of-semarang"),
    ("fan-yingyong", "Q16666-Q19316-statement-fan-yingyong", "speaker", "chairman-of-the-peoples-committee-of-bien-hoa"),
    ("hugo-cautivo-baltierra", "Q1880-Q16666-meeting-2018-12-07", "attendee", "president-of-the-regional-conference-of-bio-bio"),
    ("alvaro-ortiz-villa", "Q1880-Q16666-meeting-2018-12-07", "attendee", "mayor-of-concepcion"),
    ("xu-jinwan", "Q1880-Q16666-meeting-2018-12-07", "host", "vice-chairman-of-the-cppcc"),
    ("takashi-kawamura", "Q11751-Q16666-incident-2012-02", "speaker", "mayor-of-nagoya"),
]


@pytest.mark.parametrize("person,event,role,post", PEOPLE, ids=[f"{p[0]}@{p[1]}" for p in PEOPLE])
def test_people_with_role_and_office(curated, person, event, role, post):
    e = f"<{ID}event/{event}>"
    assert ask(curated, f"""ASK {{ {e} cg:participant <{ID}person/{person}> ;
        prov:qualifiedAssociation <{ID}event/{event}-association-{person}> .
        <{ID}event/{event}-association-{person}> a prov:Association ; prov:agent <{ID}person/{person}> ;
            prov:hadRole <https://w3id.org/citygraph/vocab/role/{role}> ; cg:capacity <{ID}post/{post}> .
        <{ID}post/{post}> rdfs:label ?title }}""")


def test_organisations_in_their_roles(curated):
    rows = query(curated, """SELECT ?org ?role WHERE { ?e prov:qualifiedAssociation ?a .
        ?a prov:agent ?org ; prov:hadRole ?role . ?org a cg:Organisation }""")
    got = {(r["org"].value.rsplit("/", 1)[-1], r["role"].value.rsplit("/", 1)[-1]) for r in rows}
    assert {("philips", "facilitator"), ("cpaffc", "approver"), ("jinling-high-school", "partner"),
            ("london-bureau-of-education", "partner"), ("nanjing-little-red-flower-art-troupe", "delegation-member"),
            ("municipal-hospital-of-traditional-chinese-medicine", "partner")} <= got


def test_gifts_and_monuments(curated):
    rows = query(curated, """SELECT ?landmark WHERE { ?e cg:gift ?landmark . ?landmark a cg:Landmark ; rdfs:label ?l }""")
    got = {r["landmark"].value.rsplit("/", 1)[-1] for r in rows}
    assert got == {"nanjing-square-nagoya", "six-dynasties-stone-pillars-nagoya", "baseball-glove-statues",
                   "friendship-pavilion-mexicali", "stone-lions-malacca", "solar-equipment-windhoek",
                   "tomb-of-the-king-of-boni"}
    assert ask(curated, """ASK { ?e cg:gift <https://w3id.org/citygraph/id/landmark/solar-equipment-windhoek> ; cg:quantity 100 ;
        cg:giver place:Q16666 ; cg:recipient place:Q3935 }""")


FIGURES = [  # (about, measure, value or (min, max)) — the article's numbers
    ("place/Q16666", "official-sister-cities", 20), ("place/Q16666", "friendship-and-cooperation-cities", 61),
    ("place/Q16666", "professional-groups-sent", 2000), ("place/Q16666", "visits-received", 7000),
    ("place/Q16666", "new-friendship-cities-per-year-goal", (3, 4)),
    ("place/Q9832", "population", 419045), ("place/Q9832", "size-rank-in-country", 5),
    ("place/Q11751", "size-rank-in-country", 4), ("place/Q185632", "metropolitan-population", 160000),
    ("place/Q11025", "population", 1800000), ("place/Q6397066", "sister-city-relationships", 6),
    ("place/Q3183", "listed-companies", 700), ("place/Q3183", "international-corporations", 300),
    ("place/Q20921", "high-tech-product-kinds", 150), ("place/Q1880", "distance-to-national-capital-km", 500),
]


@pytest.mark.parametrize("about,measure,value", FIGURES, ids=[f"{f[0]}:{f[1]}" for f in FIGURES])
def test_figures(curated, about, measure, value):
    m = f"<https://w3id.org/citygraph/vocab/measure/{measure}>"
    if isinstance(value, tuple):
        q = f"ASK {{ ?f a cg:Figure ; cg:about <{ID}{about}> ; cg:measure {m} ; cg:minValue {value[0]} ; cg:maxValue {value[1]} ; prov:wasDerivedFrom ?s }}"
    else:
        q = f"ASK {{ ?f a cg:Figure ; cg:about <{ID}{about}> ; cg:measure {m} ; cg:value ?v ; prov:wasDerivedFrom ?s . FILTER(?v = {value}) }}"
    assert ask(curated, q)


def test_eindhoven_population_is_dated_2014(curated):
    assert ask(curated, """ASK { ?f cg:about place:Q9832 ; cg:measure <https://w3id.org/citygraph/vocab/measure/population> ;
        cg:asOf "2014"^^xsd:gYear }""")


def test_selection_criteria_and_terms(curated):
    rows = query(curated, "SELECT ?c WHERE { ?claim cg:selectionCriterion ?c ; prov:wasDerivedFrom source:nanjinger-sister-cities-introduction }")
    assert {r["c"].value.rsplit("/", 1)[-1] for r in rows} == {
        "ancestral-connections", "expatriate-communities", "historical-connections", "trade-relations",
        "geographical-location", "educational-and-technological-advances"}
    about = {r["c"].value.removeprefix(CG) for r in query(curated, "SELECT ?c WHERE { ?claim a cg:Claim ; cg:about ?c ; prov:wasDerivedFrom source:nanjinger-sister-cities-introduction }")}
    assert {"SisterCity", "TwinTown", "FriendshipCity", "PreliminaryPartnership", "Partnership"} <= about


def test_fields_of_cooperation_per_tie(curated):
    rows = query(curated, """SELECT ?p ?f WHERE { ?p a cg:Partnership ; cg:field ?f }""")
    by_tie: dict[str, set[str]] = {}
    for r in rows:
        by_tie.setdefault(r["p"].value.rsplit("/", 1)[-1], set()).add(r["f"].value.rsplit("/", 1)[-1])
    assert by_tie["Q16666-Q20921"] == {"science-and-technology", "culture", "sports", "education"}  # Daejeon
    assert by_tie["Q16963-Q834508"] == {"tourism", "culture", "science-and-technology", "economy", "trade"}  # Jiangsu–Khomas
    assert by_tie["Q16666-Q6397066"] == {"education", "culture", "tourism"}  # Shiraz
    assert by_tie["Q1880-Q16666"] == {"education", "medicine", "humanities"}  # Concepción


def test_misspellings_are_alternative_labels_with_a_discrepancy(curated):
    for place, spelling in (("Q62823", "Barranquill"), ("Q739", "Columbia"), ("Q154835", "Mogiliov"),
                            ("Q38022", "St Louis"), ("Q61089", "Malacca"), ("Q61089", "Melaka")):
        assert ask(curated, f'ASK {{ place:{place} skos:altLabel "{spelling}"@en }}'), spelling
    for place in ("Q62823", "Q154835"):
        assert ask(curated, f"ASK {{ ?d a cg:Discrepancy ; cg:about place:{place} ; cg:reading ?a , ?b FILTER(?a != ?b) }}")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEED.is_file(), reason="the article is read from ../shared/seed when present")
def test_every_quote_is_verbatim_from_the_article(curated):
    article = _normalise(SEED.read_text(encoding="utf-8"))
    rows = query(curated, """SELECT ?s ?q WHERE { ?s cg:quote ?q ; prov:wasDerivedFrom ?src .
        ?src dcterms:isPartOf source:nanjinger-sister-cities }""")
    assert len(rows) > 100
    wrong = [(r["s"].value, r["q"].value) for r in rows if _normalise(r["q"].value) not in article]
    assert wrong == []


@pytest.mark.skipif(not SEED.is_file(), reason="the article is read from ../shared/seed when present")
def test_section_headings_are_verbatim(curated):
    lines = {line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()}
    rows = query(curated, "SELECT ?h WHERE { ?s cg:section ?h ; dcterms:isPartOf source:nanjinger-sister-cities }")
    assert len(rows) == 20
    assert all(r["h"].value in lines for r in rows)


def test_the_article_source_has_no_invented_url_or_date(curated):
    rows = query(curated, "SELECT ?p ?o WHERE { source:nanjinger-sister-cities ?p ?o }")
    preds = {r["p"].value for r in rows}
    assert "http://purl.org/dc/terms/issued" not in preds and "http://purl.org/dc/terms/date" not in preds
    # no web address: every IRI it points at is one of ours or a W3C term (types, PROV)
    outside = [r["o"].value for r in rows if not hasattr(r["o"], "language") and not hasattr(r["o"], "datatype")
               and not r["o"].value.startswith(("https://w3id.org/citygraph/", "http://www.w3.org/"))]
    assert outside == []
    assert ask(curated, """ASK { source:nanjinger-sister-cities dcterms:title ?t ; dcterms:publisher ?pub .
        ?pub rdfs:label "The Nanjinger"@en }""")


def test_every_partnership_event_claim_and_figure_has_a_source(curated):
    rows = query(curated, """SELECT ?x WHERE { { ?x a cg:Partnership } UNION { ?x a cg:Event } UNION { ?x a cg:Claim }
        GRAPH <https://w3id.org/citygraph/graph/data/nanjing> { ?x ?p ?o }
        FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s } }""")
    assert rows == []
