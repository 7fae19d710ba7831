"""World places get a cg:country where the world sources agree (sources/world.py), and only then."""

from __future__ import annotations

import pytest

from citygraph.namespaces import CG, PLACE
from citygraph.sources.world import City, WorldInputs, world_quads

JAPAN = PLACE["Q17"].value
COUNTRIES = [(JAPAN, ["Japan", "日本"]), (PLACE["Q30"].value, ["United States"])]


def _countries(inputs: WorldInputs, curated=None) -> dict[str, str]:
    quads = world_quads(inputs, "urn:x-test:world", curated or {}, frozenset(), COUNTRIES)
    return {q.subject.value.rsplit("/", 1)[-1]: q.object.value for q in quads if q.predicate == CG.country}


def _inputs(**faults) -> WorldInputs:
    inputs = WorldInputs()
    for qid, name, country in [("Q734532", "Fukaya", "Japan"), ("Q62", "San Francisco", "United States of America"),
                               ("Q90", "Paris", "France"), ("Q199440", "Mexicali", "United States of America")]:
        inputs.cities[qid] = City(qid, name, "0", "0", country, "XX")
    inputs.faults.update(faults)
    return inputs


def test_a_place_gets_the_country_the_sources_agree_on():
    got = _countries(_inputs())
    assert got["Q734532"] == JAPAN
    assert got["Q62"] == PLACE["Q30"].value  # "United States of America" agrees with "United States"


def test_no_country_is_made_up_for_a_country_the_curated_data_lacks():
    assert "Q90" not in _countries(_inputs())  # France: no curated country node, so only the claim


def test_a_documented_fault_or_a_curated_country_keeps_it_a_claim():
    assert "Q199440" not in _countries(_inputs(Q199440="bothness shows Mexicali in the USA; it is in Mexico"))
    assert "Q734532" not in _countries(_inputs(), curated={"Q734532": [(JAPAN, ["Japan"])]})


@pytest.mark.world
@pytest.mark.slow
def test_partners_show_a_world_only_partner_s_country(world):
    from citygraph.query import catalogue
    from citygraph.query import run as runner

    # Q49220 is twinned with Fukaya (bothness-links.csv), a world-only Japanese city
    rows = runner.run(catalogue.get("partners"), {"city": "place:Q49220"}, store=world.store).dicts()
    fukaya_row = next(r for r in rows if str(r["partner"]).endswith("/Q734532"))
    assert str(fukaya_row["country"]).endswith("/Q17") and str(fukaya_row["countryLabel"]) == "Japan"
    fukaya = list(world.store.query(f"SELECT ?c WHERE {{ {PLACE['Q734532']} {CG.country} ?c }}", use_default_graph_as_union=True))
    assert [r["c"].value for r in fukaya] == [JAPAN]
