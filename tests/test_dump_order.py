"""Dumps are byte-identical whatever order the quads went into the store, and across processes.

pyoxigraph's in-memory store writes a graph in an order that depends on how its quads were
inserted, so these tests first show that the engine's own dumps of two such stores differ, and
then that citygraph's files do not.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph, build
from citygraph.publish import dump
from citygraph.validate import fastshacl, report

ADD_A = """@prefix ex: <https://example.org/order-test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "first added file"@en ; rdfs:comment "shared" .
ex:shared rdfs:label "in both added files"@en .
"""
ADD_B = """@prefix ex: <https://example.org/order-test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:b rdfs:label "second added file"@en ; rdfs:seeAlso ex:a .
ex:shared rdfs:label "in both added files"@en .
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _shuffled_copy(built: BuiltGraph, seed: int) -> BuiltGraph:
    """The same quads in a new store, inserted in a shuffled order (graphs interleaved)."""
    quads = list(built.store)
    random.Random(seed).shuffle(quads)
    store = ox.Store()
    for i in range(0, len(quads), 997):  # several insertions, as a build makes
        store.extend(quads[i:i + 997])
    return BuiltGraph(store=store, ontology_graphs=built.ontology_graphs, shape_graphs=built.shape_graphs,
                      data_graphs=built.data_graphs, inferred_graph=built.inferred_graph,
                      alignment_graphs=built.alignment_graphs, sources=built.sources)


def test_the_engines_own_order_depends_on_insertion(curated):
    other = _shuffled_copy(curated, seed=1)
    g = ox.NamedNode(curated.data_graphs[0])
    ours = curated.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
    theirs = other.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
    assert sorted(ours.splitlines()) == sorted(theirs.splitlines())
    assert ours != theirs  # so the next test is not comparing two equal inputs


def test_dumps_do_not_depend_on_insertion_order(curated, curated_dumps, tmp_path):
    for seed in (1, 2):
        again = dump.write_dumps(_shuffled_copy(curated, seed), tmp_path / f"shuffled-{seed}")
        assert _files(again) == _files(curated_dumps)


def test_dumps_do_not_depend_on_the_order_of_add_files(tmp_path):
    a, b = tmp_path / "alpha.ttl", tmp_path / "beta.ttl"
    a.write_text(ADD_A, encoding="utf-8")
    b.write_text(ADD_B, encoding="utf-8")
    first = dump.write_dumps(build(scope="nanjing", extra=[a, b]), tmp_path / "ab")
    second = dump.write_dumps(build(scope="nanjing", extra=[b, a]), tmp_path / "ba")
    files = _files(first)
    assert b"in both added files" in files[dump.NTRIPLES]
    assert files[dump.NTRIPLES].count(b"in both added files") == 1  # one triple in two graphs, written once
    assert files == _files(second)


@pytest.mark.slow  # two whole builds in fresh processes: the full suite, not the quick loop
def test_two_processes_with_different_hash_seeds_write_the_same_bytes(tmp_path):
    """Python's set and dict order of strings changes with PYTHONHASHSEED; the reasoner's output
    goes through sets, so two processes are the honest check (one process repeats its order)."""
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "CITYGRAPH_CACHE_DIR": str(tmp_path / f"cache-{seed}")}
        out = tmp_path / f"dist-{seed}"
        subprocess.run([sys.executable, "-m", "citygraph", "build", "--scope", "nanjing", "--out", str(out)],
                       check=True, env=env, capture_output=True)
        outs.append(out)
    first, second = (_files(o) for o in outs)
    assert dump.NTRIPLES in first and dump.TRIG in first
    assert first == second


def _graphs(store: ox.Store) -> dict[str, list[str]]:
    return {g.value: sorted(map(str, store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()}


def test_validation_on_the_union_matches_graph_by_graph_and_leaves_the_store_as_it_was():
    """The checker on the store's union (shapes and alignments set aside) finds exactly what it
    finds graph by graph, here on a file with a second tie node for a pair (a SPARQL constraint)."""
    from citygraph.build import load_sources
    from citygraph.reason import materialise

    bad = Path(__file__).parent / "data" / "invalid" / "tie-second-node-for-pair.ttl"
    built = load_sources("nanjing", extra=[bad])
    materialise.materialise(built)
    content = built.ontology_graphs + built.data_graphs + [built.inferred_graph]
    before = _graphs(built.store)
    assert set(before) > set(content)  # shapes and alignments are there to be set aside
    shapes = ox.Store()
    shapes.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                  for g in built.shape_graphs for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    by_graph = fastshacl.check(built.store, content, shapes, ox.DefaultGraph())
    with report.content_only(built.store, content) as whole:
        assert whole
        assert {g.value for g in built.store.named_graphs()} == set(content)
        on_union = fastshacl.check(built.store, content, shapes, ox.DefaultGraph(), whole_store=True)
    assert on_union == by_graph
    assert any(r["shape"] and r["shape"].endswith("OneTiePerPairShape") for r in by_graph)
    assert _graphs(built.store) == before
