"""The world layer: the shipped Wikidata-derived inputs in graph/data/world, and the world build.

Expected pairs are computed here straight from the CSV/TSV files with the csv module, not with
citygraph.world, so the importer is checked against an independent reading of its inputs.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.namespaces import (
    CG,
    CLAIM,
    GRAPH_INFERRED,
    PARTNERSHIP,
    PLACE,
    PROV,
    SCHEMA,
    data_graph,
)
from citygraph.publish import dump

WORLD_DIR = Path(__file__).resolve().parents[1] / "data" / "world"
WORLD = data_graph("world").value
NANJING = data_graph("nanjing").value

pytestmark = pytest.mark.world


def expected_pairs() -> tuple[set[frozenset], int]:
    """Distinct unordered pairs in bothness-links.csv ∪ l3viathan-relations.tsv, and the self-pairs seen."""
    pairs, selfs = set(), 0
    with open(WORLD_DIR / "bothness-links.csv", newline="", encoding="utf-8") as f:
        rows = [(r["source"], r["target"]) for r in csv.DictReader(f)]
    with open(WORLD_DIR / "l3viathan-relations.tsv", encoding="utf-8") as f:
        rows += [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    for a, b in rows:
        if a == b:
            selfs += 1
        else:
            pairs.add(frozenset((a, b)))
    return pairs, selfs


def q(store: ox.Store, query: str, graph: str | None = None):
    kwargs = {"default_graph": [ox.NamedNode(graph)]} if graph else {"use_default_graph_as_union": True}
    result = store.query(query, **kwargs)
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def world_ties(store: ox.Store) -> dict[str, set[str]]:
    """partnership IRI -> the QIDs of its parties, as the world graph states them."""
    out: dict[str, set[str]] = {}
    for row in q(store, f"SELECT ?t ?qid WHERE {{ ?t {CG.party} ?p . ?p {CG.qid} ?qid }}", WORLD):
        out.setdefault(row["t"].value, set()).add(row["qid"].value)
    return out


def test_every_distinct_unordered_pair_of_the_inputs_arrives_once(world):
    expected, _ = expected_pairs()
    ties = world_ties(world.store)
    got = {frozenset(parties) for parties in ties.values()}
    assert got == expected
    assert len(ties) == len(expected)  # one node per pair: both directions did not make two ties


def test_no_self_ties_and_every_tie_has_exactly_two_parties(world):
    _, selfs = expected_pairs()
    ties = world_ties(world.store)
    assert all(len(parties) == 2 for parties in ties.values())
    rows = q(world.store, f"SELECT ?t WHERE {{ ?t {CG.party} ?a . FILTER NOT EXISTS {{ ?t {CG.party} ?b FILTER(?a != ?b) }} }}")
    assert rows == []
    assert selfs >= 0  # the inputs have none today; the importer drops any


def test_partnership_iri_is_the_numerically_sorted_pair(world):
    ties = world_ties(world.store)
    for iri, parties in list(ties.items())[:2000]:
        a, b = sorted(parties, key=lambda x: int(x[1:]))
        assert iri == PARTNERSHIP[f"{a}-{b}"].value


def test_both_directions_of_a_wikidata_pair_are_one_tie(world):
    # l3viathan lists Nanjing→Nagoya and Nagoya→Nanjing; bothness lists the pair once
    with open(WORLD_DIR / "l3viathan-relations.tsv", encoding="utf-8") as f:
        rows = {tuple(line.split()) for line in f}
    assert ("Q16666", "Q11751") in rows and ("Q11751", "Q16666") in rows
    rows = q(world.store, f"SELECT DISTINCT ?t WHERE {{ ?t {CG.party} {PLACE.Q16666} , {PLACE.Q11751} }}", WORLD)
    assert [r["t"].value for r in rows] == [PARTNERSHIP["Q11751-Q16666"].value]


def test_each_tie_cites_exactly_the_files_that_list_it(world):
    sources = {}
    for row in q(world.store, f"SELECT ?s WHERE {{ {PARTNERSHIP['Q11751-Q16666']} {PROV.wasDerivedFrom} ?s }}", WORLD):
        sources[row["s"].value.rsplit("/", 1)[-1]] = True
    assert set(sources) == {"world-bothness-links", "world-l3viathan-relations"}


def test_a_curated_nanjing_tie_in_the_world_data_is_one_node_with_both_sources(world):
    tie = PARTNERSHIP["Q11751-Q16666"]
    per_graph = {}
    for row in q(world.store, f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ {tie} {PROV.wasDerivedFrom} ?s }} }}"):
        per_graph.setdefault(row["g"].value, set()).add(row["s"].value)
    assert NANJING in per_graph and WORLD in per_graph
    assert per_graph[NANJING].isdisjoint(per_graph[WORLD])
    # one node: the curated Nagoya tie has no twin partnership under another IRI
    rows = q(world.store, f"SELECT DISTINCT ?t WHERE {{ ?t {CG.party} {PLACE.Q16666} , {PLACE.Q11751} }}")
    assert [r["t"].value for r in rows] == [tie.value]


def test_nanjing_sits_inside_the_world_network(world):
    # some of Nanjing's world partners have ties of their own that no curated data tells
    rows = q(world.store, f"""
        SELECT DISTINCT ?other WHERE {{
          {PLACE.Q16666} {CG.twinnedWith} ?partner . ?partner {CG.twinnedWith} ?other .
          FILTER(?other != {PLACE.Q16666})
        }} LIMIT 5""")
    assert len(rows) == 5


def test_world_coordinates_take_the_curated_centroid_form_and_never_double_a_centroid(world):
    geo = "http://www.opengis.net/ont/geosparql#"
    wkt_of = lambda qid: [r["w"].value for r in q(world.store, f"SELECT ?w WHERE {{ {PLACE[qid]} <{geo}hasCentroid>/<{geo}asWKT> ?w }}")]  # noqa: E731
    # Fukaya is only in the world data: its bothness point, through a centroid node
    assert wkt_of("Q734532") == ["POINT(139.2815 36.197472222)"]
    # Nanjing's verified gazetteer centroid stands alone; bothness's point for it is not added
    assert wkt_of("Q16666") == ["POINT(118.77778 32.06167)"]
    assert q(world.store, f"SELECT ?p WHERE {{ ?p <{geo}asWKT> ?w . ?p {CG.qid} ?qid }} LIMIT 1") == []


def test_bothness_country_is_a_claim_and_a_cg_country_only_where_the_sources_agree(world):
    # never for a place with a documented fault or a curated country (Mexicali, Passau, the article's cities)
    for qid in ("Q199440", "Q4190", "Q16666", "Q11751"):
        assert q(world.store, f"SELECT ?c WHERE {{ {PLACE[qid]} {CG.country} ?c }}", WORLD) == []
    # a world-only Japanese city gets the curated Japan node (sources/world.py, agreed_country)
    assert [r["c"].value for r in q(world.store, f"SELECT ?c WHERE {{ {PLACE.Q734532} {CG.country} ?c }}", WORLD)] == [PLACE.Q17.value]
    claim = CLAIM["Q3935-bothness-country"]  # Windhoek, Namibia: the code "NA" is text, not missing
    rows = q(world.store, f"SELECT ?code ?about WHERE {{ {claim} {SCHEMA.addressCountry} ?code ; {CG.about} ?about ; a {CG.Claim} }}", WORLD)
    assert [(r["code"].value, r["about"].value) for r in rows] == [("NA", PLACE.Q3935.value)]


def test_known_wrong_countries_are_flagged_as_discrepancies(world):
    # Mexicali: bothness says United States of America; the curated data and known-faults.tsv say otherwise
    d = CLAIM["Q199440-bothness-country-discrepancy"]
    rows = q(world.store, f"SELECT ?r WHERE {{ {d} a {CG.Discrepancy} ; {CG.about} {PLACE.Q199440} ; {CG.reading} ?r }}", WORLD)
    readings = " | ".join(r["r"].value for r in rows)
    assert "United States of America" in readings
    assert "curated data places Mexicali in" in readings
    passau = CLAIM["Q4190-bothness-country-discrepancy"]
    assert q(world.store, f"ASK {{ {passau} {CG.about} {PLACE.Q4190} }}", WORLD)
    # a city where bothness agrees with the curated data is not flagged
    assert not q(world.store, f"ASK {{ {CLAIM['Q16666-bothness-country-discrepancy']} ?p ?o }}")


def test_world_build_conforms_with_warnings_allowed(world):
    assert world.report is not None
    assert world.report.conforms, world.report.to_text(limit=20)
    assert not world.report.violations
    world_places = {r["p"].value for r in q(world.store, f"SELECT ?p WHERE {{ ?p {CG.qid} ?q }}", WORLD)}
    nanjing_places = {r["p"].value for r in q(world.store, f"SELECT ?p WHERE {{ ?p {CG.qid} ?q }}", NANJING)}
    # world gaps are warnings: a world-only place without a country is warned about, not rejected
    warned = {r.focus for r in world.report.warnings}
    assert warned & (world_places - nanjing_places)


def test_world_layer_has_no_blank_nodes(world):
    g = ox.NamedNode(WORLD)
    assert not any(isinstance(t, ox.BlankNode) for quad in world.store.quads_for_pattern(None, None, None, g) for t in (quad.subject, quad.object))


def _content_triples(built) -> set[ox.Triple]:
    out = set()
    for g in built.content_graphs:
        for quad in built.store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
            out.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return out


def test_world_dumps_round_trip(world, world_dumps):
    expected = _content_triples(world)
    nt = {x.triple for x in ox.parse(path=str(world_dumps / dump.NTRIPLES), format=ox.RdfFormat.N_TRIPLES)}
    ttl = {x.triple for x in ox.parse(path=str(world_dumps / dump.TURTLE), format=ox.RdfFormat.TURTLE)}
    assert nt == expected
    assert ttl == expected
    trig = list(ox.parse(path=str(world_dumps / dump.TRIG), format=ox.RdfFormat.TRIG))
    assert {ox.Triple(x.subject, x.predicate, x.object) for x in trig if x.graph_name.value != world.shape_graphs[0]} == expected
    assert {x.graph_name.value for x in trig} >= {WORLD, NANJING, GRAPH_INFERRED.value}


@pytest.mark.skipif(shutil.which("serdi") is None, reason="serdi (an independent C reader) is not installed")
def test_world_ntriples_read_by_serdi(world_dumps):
    r = subprocess.run(["serdi", "-i", "ntriples", "-o", "ntriples", str(world_dumps / dump.NTRIPLES)], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()[:500]
    assert r.stdout.count(b"\n") == (world_dumps / dump.NTRIPLES).read_bytes().count(b"\n")


@pytest.mark.slow  # loads the whole world layer
def test_scope_world_loads_the_world_alone():
    from citygraph.build import load_sources

    built = load_sources("world")
    assert built.data_graphs == [WORLD]


def test_scope_names_world_among_the_choices(cli, tmp_path):
    r = cli("build", "--scope", "nowhere", "--out", tmp_path / "d")
    assert r.exit_code == 2
    assert "world" in r.stderr and "nanjing" in r.stderr
