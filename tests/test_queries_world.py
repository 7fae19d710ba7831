"""The stored queries on the full default build (curated core + the Wikidata-derived world layer).

The world layer adds ~21k undated ties, a second source for many curated ties, and a second
named graph holding some of the same triples — which the union default graph would repeat.
"""

from __future__ import annotations

import collections

import pyoxigraph as ox
import pytest

from citygraph.query import catalogue
from citygraph.query import run as runner
from citygraph.query.terms import shorten

ID = "https://w3id.org/citygraph/id/"


def rows(store, query_name, /, **params):
    result = runner.run(catalogue.get(query_name), params, store=store)
    return [{v: (None if t is None else shorten(t.value) if isinstance(t, ox.NamedNode) else t.value)
             for v, t in zip(result.variables, row, strict=True)} for row in result.rows]


@pytest.mark.parametrize("name", sorted(q.name for q in catalogue.catalogue() if not q.federated))
def test_no_query_repeats_a_row_on_the_world_graph(world, name):
    result = runner.run(catalogue.get(name), catalogue.get(name).example_values(), store=world.store)
    items = result.triples if result.is_graph else result.rows
    assert items
    repeated = [r for r, n in collections.Counter(items).items() if n > 1]
    assert not repeated, f"{name} repeats {repeated[:3]}"


def test_partners_keep_the_curated_kind_and_gain_wikidata_only_ties(world):
    got = {r["partner"]: r for r in rows(world.store, "partners")}
    nagoya = got["place:Q11751"]  # listed by the article and by the Wikidata-derived files
    assert nagoya["kind"] != "cg:FormalPartnership" and nagoya["listedYear"] == "1978"
    assert len({r["tie"] for r in got.values()}) == len(got)  # one row per tie
    wikidata_only = [r for r in got.values() if r["listedYear"] is None]
    assert wikidata_only and all(r["kind"] == "cg:FormalPartnership" and r["status"] == "unknown" for r in wikidata_only)  # undated


def test_status_on_is_unchanged_by_the_undated_world_layer(world, curated):
    on_world = {r["tie"]: (r["status"], r["possible"]) for r in rows(world.store, "status-on", date="2015-01-01")}
    on_core = {r["tie"]: (r["status"], r["possible"]) for r in rows(curated.store, "status-on", date="2015-01-01")}
    assert {t: on_world[t] for t in on_core} == on_core  # the curated ties answer as before
    undated = {on_world[t] for t in set(on_world) - set(on_core)}  # the world layer's ties: one row each, undated
    assert undated == {("unknown", "not-started preliminary active suspended ended")}


def test_gaps_in_the_world_layer(world):
    got = rows(world.store, "gaps", layer="graph:data/world")
    assert {r["gap"].split(" (")[0] for r in got} >= {"no GeoNames link", "no dated start"}


def test_perth_under_two_identifiers_is_a_flagged_discrepancy(world):
    """The article's Perth is Q3183; Wikidata's P190 ties Nanjing to the City of Perth LGA, Q1855330."""
    partners = {r["partner"]: r for r in rows(world.store, "partners")}
    assert partners["place:Q3183"]["listedYear"] == "1998"  # the article's tie
    assert partners["place:Q1855330"]["listedYear"] is None  # Wikidata's, a separate node
    flagged = [r for r in rows(world.store, "discrepancies") if r["discrepancy"] == "claim:discrepancy-perth-identifier"]
    assert len(flagged) == 1  # one row per discrepancy
    assert set(flagged[0]["about"].split()) == {ID + "partnership/Q3183-Q16666", ID + "partnership/Q16666-Q1855330",
                                                 ID + "place/Q3183", ID + "place/Q1855330"}
    assert len(flagged[0]["readings"].split(" | ")) == 2
    # the discrepancy is about nodes that exist: both ties are in the built graph
    for tie in ("Q3183-Q16666", "Q16666-Q1855330"):
        assert any(r["tie"] == f"partnership:{tie}" for r in partners.values())
