"""The alignments (ontology/alignments/): one file per target vocabulary, published, materialised on request.

A query written with Wikidata's wdt:P190 or DBpedia's dbo:twinCity against our graph, with the
alignment materialised, gives the same pairs as the same query with cg:twinnedWith.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citygraph.build import build
from citygraph.load import resources
from citygraph.publish import dump
from citygraph.reason import alignment

P190 = "http://www.wikidata.org/prop/direct/P190"
TWIN_CITY = "http://dbpedia.org/ontology/twinCity"
TWINNED = "https://w3id.org/citygraph/ontology#twinnedWith"


def pairs(store: ox.Store, predicate: str) -> set[tuple[str, str]]:
    return {(r["a"].value, r["b"].value) for r in store.query(
        f"SELECT ?a ?b WHERE {{ ?a <{predicate}> ?b }}", use_default_graph_as_union=True)}


@pytest.fixture(scope="module")
def aligned():
    built = build(scope="nanjing")
    assert alignment.materialise(built) > 0
    return built


def test_one_file_per_target():
    assert {p.stem for p in resources.alignment_files()} == {"wikidata", "dbpedia", "org", "prov", "time", "schema", "skos"}


def test_not_materialised_unless_asked(curated):
    assert pairs(curated.store, TWINNED)
    assert pairs(curated.store, P190) == set()
    assert not curated.store.contains_named_graph(ox.NamedNode(alignment.GRAPH_ALIGNMENT_INFERRED))


@pytest.mark.parametrize("predicate", [P190, TWIN_CITY])
def test_wikidata_and_dbpedia_queries_give_the_same_pairs(aligned, predicate):
    ours = pairs(aligned.store, TWINNED)
    assert len(ours) == 36  # the article's twenty formal ties less Concepción and Semarang (unconfirmed), both ways
    assert pairs(aligned.store, predicate) == ours


def test_other_vocabularies_materialise_too(aligned):
    ask = lambda q: bool(aligned.store.query(q, use_default_graph_as_union=True))  # noqa: E731
    assert ask("ASK { <https://w3id.org/citygraph/id/place/Q16666> a <https://schema.org/City> ; <http://www.wikidata.org/prop/direct/P17> <https://w3id.org/citygraph/id/place/Q148> }")
    assert ask("ASK { ?p <http://www.w3.org/ns/org#holds> ?post }")
    assert ask("ASK { ?period a <http://www.w3.org/2006/time#ProperInterval> }")


def test_the_mappings_are_in_the_dumps(curated_dumps):
    nt = (curated_dumps / dump.NTRIPLES).read_text(encoding="utf-8")
    assert f"<{TWINNED}> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{P190}> ." in nt
    assert f"<{TWINNED}> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{TWIN_CITY}> ." in nt
    assert f"> <{P190}> <" not in nt.replace(f"<{TWINNED}> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{P190}>", "")


# --- from the command line: `citygraph build --with-alignments`, then a query on the dump ---------

def _pairs_from_cli(cli, tmp_path, predicate: str, *where: str) -> set[tuple[str, str]]:
    query = tmp_path / f"pairs-{predicate.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}.rq"
    query.write_text(f"SELECT ?a ?b WHERE {{ ?a <{predicate}> ?b }} ORDER BY ?a ?b\n", encoding="utf-8")
    got = cli("query", "--file", query, *where, "--format", "csv")
    assert got.exit_code == 0, got.stderr
    lines = got.stdout.splitlines()
    assert lines[0] == "a,b"
    return {tuple(line.split(",")) for line in lines[1:]}  # type: ignore[misc]


def test_build_with_alignments_from_the_command_line(cli, tmp_path):
    out = tmp_path / "dist"
    built = cli("build", "--scope", "nanjing", "--with-alignments", "--out", out)
    assert built.exit_code == 0, built.stderr
    assert "inferred/alignment" in built.stdout  # the summary lists the graph
    trig = ("--graph", out / dump.TRIG)
    ours = _pairs_from_cli(cli, tmp_path, TWINNED, *trig)
    assert len(ours) == 36
    for predicate in (P190, TWIN_CITY):
        assert _pairs_from_cli(cli, tmp_path, predicate, *trig) == ours
    # the one-graph dumps hold them too
    assert _pairs_from_cli(cli, tmp_path, P190, "--graph", out / dump.NTRIPLES) == ours
    # only on request: the store kept for queries, and a build without the option, have none
    assert _pairs_from_cli(cli, tmp_path, P190, "--scope", "nanjing") == set()
    plain = tmp_path / "plain"
    assert cli("build", "--scope", "nanjing", "--out", plain).exit_code == 0
    assert _pairs_from_cli(cli, tmp_path, P190, "--graph", plain / dump.TRIG) == set()
    assert _pairs_from_cli(cli, tmp_path, TWINNED, "--graph", plain / dump.TRIG) == ours
