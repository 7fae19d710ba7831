"""benchmarks/generate.py: a synthetic graph of the world layer's shape (used only for benchmarks)."""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.namespaces import CG

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("citygraph_bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # generates and reads a world-sized copy
def test_generated_copies_keep_the_world_shape_with_shifted_qids():
    gen = load_generator()
    triples = gen.generate(250_000)  # the world layer is ~209k triples: two whole copies
    assert len(triples) >= 250_000
    parties = defaultdict(set)
    for t in triples:
        if t.predicate.value == CG.party.value:
            parties[t.subject.value].add(t.object.value)
    assert parties and all(len(p) == 2 for p in parties.values())  # whole copies: no tie cut in half
    copy_tie = f"https://w3id.org/citygraph/id/partnership/Q{11751 + gen.OFFSET}-Q{16666 + gen.OFFSET}"
    assert parties[copy_tie] == {f"https://w3id.org/citygraph/id/place/Q{11751 + gen.OFFSET}", f"https://w3id.org/citygraph/id/place/Q{16666 + gen.OFFSET}"}
    qids = {t.object.value for t in triples if t.predicate.value == CG.qid.value}
    assert "Q16666" in qids and f"Q{16666 + gen.OFFSET}" in qids
    labels = {(t.subject.value, t.object.value) for t in triples if t.predicate.value.endswith("#label") and isinstance(t.object, ox.Literal)}
    assert (f"https://w3id.org/citygraph/id/place/Q{16666 + gen.OFFSET}", "Nanjing") in labels  # names are not touched
