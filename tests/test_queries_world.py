"""The stored queries on the full default build (curated core + the Wikidata-derived world layer).

The world layer adds ~21k undated ties, a second source for many curated ties, and a second
named graph holding some of the same triples — which the union default graph would repeat.
"""

from __future__ import annotations

import collections
import csv
from pathlib import Path

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


# --- most-connected on the world build, against a count by hand from the source files ----------

WORLD_FILES = Path(__file__).resolve().parents[1] / "data" / "world"
TIES_TABLE = Path(__file__).parent / "facts" / "nanjing_ties.tsv"
# Nagoya–Jiangsu: the article's ambiguous sentence ("formally merge relationships with Nanjing and
# Jiangsu province"), recorded as cg:unconfirmed; it counts for no one.
AMBIGUOUS = {frozenset({"Q11751", "Q16963"})}


def partners_by_hand() -> dict[str, set[str]]:
    """QID -> partner QIDs, read with the csv module from the world inputs and the article's tie table."""
    pairs: set[frozenset[str]] = set()
    with (WORLD_FILES / "bothness-links.csv").open(encoding="utf-8", newline="") as f:
        pairs |= {frozenset(row) for row in list(csv.reader(f))[1:]}
    with (WORLD_FILES / "l3viathan-relations.tsv").open(encoding="utf-8", newline="") as f:
        pairs |= {frozenset(row) for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}
    with TIES_TABLE.open(encoding="utf-8") as f:
        table = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        pairs |= {frozenset((r["party_a"], r["party_b"])) for r in table}
    out: dict[str, set[str]] = collections.defaultdict(set)
    for pair in pairs - AMBIGUOUS:
        if len(pair) == 2:  # a self-pair is no tie
            a, b = sorted(pair)
            out[a].add(b)
            out[b].add(a)
    return out


def continents_by_hand() -> dict[str, str]:
    with (WORLD_FILES / "bothness-cities.csv").open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["continent"] for row in csv.DictReader(f)}


@pytest.mark.parametrize("continent", ["Asia", "Oceania", "south america"])
def test_most_connected_in_a_continent_counts_as_the_sources_do(world, continent):
    continents = continents_by_hand()
    expected = {q: len(p) for q, p in partners_by_hand().items() if continents.get(q, "").lower() == continent.lower()}
    got = rows(world.store, "most-connected", continent=continent)
    assert len({r["place"] for r in got}) == len(got)  # the key is unique
    assert {r["place"].removeprefix("place:"): int(r["partners"]) for r in got} == expected
    counts = [int(r["partners"]) for r in got]
    assert counts == sorted(counts, reverse=True)


def test_most_connected_limit_and_continent_on_the_world(world):
    every = rows(world.store, "most-connected", continent="Europe")
    top = rows(world.store, "most-connected", continent="Europe", limit="10")
    assert len(top) == 10 and top == every[:10]
    by_hand = sorted((len(p) for q, p in partners_by_hand().items() if continents_by_hand().get(q) == "Europe"), reverse=True)
    assert [int(r["partners"]) for r in top] == by_hand[:10]
    # Nanjing's continent comes from the world source's row for it (bothness-cities.csv: Asia)
    assert "place:Q16666" in {r["place"] for r in rows(world.store, "most-connected", continent="Asia", limit="50")}
    assert rows(world.store, "most-connected", continent="Atlantis") == []  # a name no source gives: no place


def test_continents_are_kept_as_the_world_sources_claims(world):
    asserted = world.store.query("ASK { ?place a <https://w3id.org/citygraph/ontology#Place> ; "
                                 "<https://w3id.org/citygraph/ontology#continent> ?c }", use_default_graph_as_union=True)
    assert not asserted  # never said of the place itself
    n = next(iter(world.store.query("SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a <https://w3id.org/citygraph/ontology#Claim> ; "
                                    "<https://w3id.org/citygraph/ontology#continent> ?c }", use_default_graph_as_union=True)))["n"]
    assert int(n.value) == len(continents_by_hand())  # one per row of bothness-cities.csv
