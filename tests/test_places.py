"""A place parameter accepts a QID, a CURIE or IRI, or an exact label in any language (query/places.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citygraph.errors import BadInput
from citygraph.query import catalogue, places
from citygraph.query import run as runner

PARTNERS = catalogue.get("partners")
NAGOYA = "https://w3id.org/citygraph/id/place/Q11751"

TWO_SPRINGFIELDS = """
@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix place: <https://w3id.org/citygraph/id/place/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
place:Q1 a cg:Place ; rdfs:label "Springfield"@en ; cg:qid "Q1" ; cg:country place:Q30 .
place:Q2 a cg:Place ; rdfs:label "Springfield" ; cg:qid "Q2" .
place:Q30 a cg:Country ; rdfs:label "United States"@en .
"""


def partners_of(curated, city: str) -> set[str]:
    return {str(r["partner"]) for r in runner.run(PARTNERS, {"city": city}, store=curated.store).dicts()}


@pytest.mark.parametrize("given", ["Nagoya", "名古屋市", "Q11751", "place:Q11751", NAGOYA, f"<{NAGOYA}>"])
def test_every_way_of_naming_nagoya_gives_its_partners(curated, given):
    assert partners_of(curated, given) == {"https://w3id.org/citygraph/id/place/Q16666"}


def test_an_alternative_label_is_a_name_too(curated):
    assert places.resolve(curated.store, "St Louis", "test") == "https://w3id.org/citygraph/id/place/Q38022"


def test_an_unknown_name_says_how_to_search(curated):
    with pytest.raises(BadInput, match=r"'Atlantis' is not a valid iri or QID, and no place is named so.*citygraph query search -p text=Atlantis"):
        partners_of(curated, "Atlantis")


def test_an_ambiguous_name_lists_the_candidates_with_qid_and_country():
    store = ox.Store()
    store.load(TWO_SPRINGFIELDS.encode(), format=ox.RdfFormat.TURTLE)
    with pytest.raises(BadInput, match=r"2 places are named 'Springfield': Q1 \(United States\); Q2 \(country unknown\)"):
        places.resolve(store, "Springfield", "parameter 'city'")


def test_names_go_to_a_local_graph_only():
    with pytest.raises(BadInput, match="with --endpoint give its QID or IRI"):
        places.resolve_values(PARTNERS, {"city": "Nagoya"}, None)
    assert places.resolve_values(PARTNERS, {"city": "Q11751"}, None) == {"city": NAGOYA}


def test_the_cli_exits_2_on_an_ambiguous_or_unknown_name(cli, tmp_path):
    extra = tmp_path / "springfields.ttl"
    extra.write_text(TWO_SPRINGFIELDS, encoding="utf-8")
    got = cli("query", "partners", "--scope", "nanjing", "-p", "city=Atlantis")
    assert got.exit_code == 2 and got.stderr.startswith("citygraph: error: ") and "Atlantis" in got.stderr
    got = cli("query", "partners", "--scope", "nanjing", "-p", "city=Nagoya")
    assert got.exit_code == 0 and "Q16666" in got.stdout
    got = cli("query", "partners", "--scope", "nanjing", "--add", str(extra), "-p", "city=Springfield")
    assert got.exit_code == 2 and "2 places are named 'Springfield': Q1 (United States); Q2 (country unknown)" in got.stderr
    assert got.stdout == ""


def test_unconfirmed_ties_only_when_asked(curated):
    ties = {str(r["tie"]).rsplit("/", 1)[-1] for r in runner.run(PARTNERS, {"city": "Nagoya"}, store=curated.store).dicts()}
    assert ties == {"Q11751-Q16666"}
    ties = {str(r["tie"]).rsplit("/", 1)[-1] for r in runner.run(PARTNERS, {"city": "Nagoya", "unconfirmed": "true"}, store=curated.store).dicts()}
    assert ties == {"Q11751-Q16666", "Q11751-Q16963"}
