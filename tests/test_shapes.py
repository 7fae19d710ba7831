"""Each SHACL shape catches what it is for: one small invalid fixture per constraint.

tests/data/invalid/<name>.ttl is a self-contained graph that breaks one rule; manifest.tsv lists
what it must produce as (severity, focus node, path, constraint component). Every fixture is
loaded with the real ontology, reasoned once and validated the way `citygraph build` does it,
once by each validation engine (the fast compiled checker and pyshacl, the reference): the
fast engine must give exactly the expected results (no more: the fixture breaks only that
rule; and no fewer), and pyshacl the very same results, field for field (severity, focus,
path, constraint, shape, message, value). tests/test_world_validation.py checks the engines
against each other on the curated data and the fast checker's scope.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.build import BuiltGraph
from citygraph.load import resources
from citygraph.load.rdfio import load_file
from citygraph.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, data_graph
from citygraph.reason import materialise as reason
from citygraph.validate import report as validate

INVALID = Path(__file__).parent / "data" / "invalid"
MANIFEST = INVALID / "manifest.tsv"
ENGINES = ("fast", "pyshacl")


def read_manifest() -> dict[str, set[tuple]]:
    expected: dict[str, set[tuple]] = defaultdict(set)
    with MANIFEST.open(encoding="utf-8") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            name, severity, focus, path, constraint = row
            expected[name].add((severity, focus, None if path == "-" else path, constraint))
    return dict(expected)


EXPECTED = read_manifest()
FIXTURES = sorted(p.stem for p in INVALID.glob("*.ttl") if not p.name.startswith("_"))


def built_for(path: Path) -> BuiltGraph:
    """Ontology + shapes + the file, loaded and reasoned as the build does it."""
    store = ox.Store()
    for f in resources.ontology_files():
        load_file(store, f, GRAPH_ONTOLOGY.value)
    for f in resources.shapes_files():
        load_file(store, f, GRAPH_SHAPES.value)
    graph = data_graph("fixture").value
    load_file(store, path, graph)
    built = BuiltGraph(store=store, ontology_graphs=[GRAPH_ONTOLOGY.value], shape_graphs=[GRAPH_SHAPES.value], data_graphs=[graph])
    reason.materialise(built)
    return built


def meaning(report: validate.ValidationReport) -> set[tuple]:
    return {(r.severity, r.focus, r.path, r.constraint) for r in report.results}


def differences(fast: validate.ValidationReport, ref: validate.ValidationReport) -> str:
    f, r = set(fast.results), set(ref.results)
    return "\n".join([f"fast only: {x}" for x in sorted(f - r)] + [f"pyshacl only: {x}" for x in sorted(r - f)])


def test_the_shipped_data_conforms_without_warnings(curated):
    # the build's own report (default engine): no violation, and nothing desirable missing either
    assert curated.report.conforms
    assert curated.report.results == []


def test_every_fixture_has_expectations_and_every_expectation_a_fixture():
    assert set(FIXTURES) == set(EXPECTED)


def test_how_many_fixtures_ran():
    # A filter or a lost file must not shrink the suite silently: 66 fixtures, each through both engines.
    assert len(FIXTURES) == 66
    assert len(ENGINES) == 2


def test_the_context_fixtures_start_from_is_valid():
    built = built_for(INVALID / "_valid-context.ttl")
    fast = validate.validate_built(built, engine="fast")
    assert fast.graph is None and fast.results == []
    assert validate.validate_built(built, engine="pyshacl").results == []


@functools.cache
def fast_on(name: str) -> tuple[BuiltGraph, validate.ValidationReport]:
    """The fixture reasoned once and validated once by the fast checker (kept for the pyshacl test)."""
    built = built_for(INVALID / f"{name}.ttl")
    fast = validate.validate_built(built, engine="fast")
    assert fast.graph is None  # the compiled checker ran, not the fallback to pyshacl
    return built, fast


@pytest.mark.parametrize("name", FIXTURES)
def test_invalid_fixture_is_caught_by_the_fast_checker(name):
    _built, fast = fast_on(name)
    assert meaning(fast) == EXPECTED[name]
    assert all(r.message for r in fast.results)


# pyshacl, the reference, takes about a second a fixture: in the full suite, not the quick loop.
@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURES)
def test_pyshacl_gives_the_fast_checkers_results_field_for_field(name):
    built, fast = fast_on(name)
    ref = validate.validate_built(built, engine="pyshacl")
    assert sorted(fast.results) == sorted(ref.results), differences(fast, ref)
