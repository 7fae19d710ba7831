"""Everyday commands stay light: no rdflib, PyYAML, web stack, HTTP client or data loading where
they are not needed, and the parsed query catalogue is reused exactly.

Each command runs in a fresh subprocess that lists, after the command, which heavy modules ended
up in `sys.modules` — a behaviour test (what is imported), not a timing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from citygraph.query import catalogue, catalogue_cache

ONE_TIE = Path(__file__).parent / "data" / "validate" / "nagoya-valid.ttl"

PROBE = """
import sys
from citygraph.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("rdflib", "yaml", "owlrl", "pyshacl", "citygraph.build", "citygraph.sources.world",
                           "jinja2", "starlette", "uvicorn", "numpy", "pandas", "openpyxl", "SPARQLWrapper",
                           "http.client", "ssl", "urllib.request", "importlib.metadata")
               if m in sys.modules)
print("HEAVY", code, " ".join(heavy), file=sys.stderr)
"""


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(folder))
    monkeypatch.setattr(catalogue_cache, "_state", {})
    return folder


def _heavy(cache_dir, *args) -> tuple[int, list[str]]:
    env = dict(os.environ, CITYGRAPH_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=600)
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY")][-1].split()
    return int(line[1]), line[2:]


def test_version_and_queries_import_nothing_heavy(cache_dir):
    assert _heavy(cache_dir, "--version") == (0, [])
    assert _heavy(cache_dir, "queries")[0] == 0  # the first run parses (PyYAML, rdflib for SERVICE) and caches
    assert _heavy(cache_dir, "queries") == (0, [])
    assert _heavy(cache_dir, "queries", "--format", "json") == (0, [])


def test_the_probe_sees_a_heavy_import(cache_dir):
    """The probe can fail: a command that does load the data and the reasoner shows them."""
    code, heavy = _heavy(cache_dir, "validate", str(ONE_TIE), "--format", "turtle")  # the Turtle report is rdflib's
    assert code == 0 and "rdflib" in heavy and "citygraph.build" in heavy


@pytest.mark.slow
def test_query_queries_info_and_validate_import_nothing_heavy_once_built(cache_dir, tmp_path, curated):
    from citygraph import cache

    assert _heavy(cache_dir, "build", "--scope", "nanjing", "--out", str(tmp_path / "dist"))[0] == 0
    key = cache.cache_key("all")  # info counts scope all: a kept build under its key (the curated one)
    cache.save(curated, cache.entry_path(key), key, scope="all", reasoner="fast", add=[])
    assert _heavy(cache_dir, "queries")[0] == 0  # the first run parses (PyYAML, rdflib for SERVICE) and caches
    for args in (["--version"], ["queries"], ["query", "partners", "--scope", "nanjing"], ["info"],
                 ["query", "twinned-with", "--scope", "nanjing", "--format", "ntriples"]):
        assert _heavy(cache_dir, *args) == (0, []), args
    # validate FILE loads and reasons that file (citygraph.build), with the schema compiled by the
    # build above read from the cache: no owlrl, no rdflib, no pyshacl for a file the fast checker covers
    for args in (["validate", str(ONE_TIE)], ["validate", str(ONE_TIE), "--format", "json"]):
        code, heavy = _heavy(cache_dir, *args)
        assert code == 0 and set(heavy) <= {"citygraph.build", "citygraph.sources.world"}, (args, heavy)


def test_the_cached_catalogue_equals_a_fresh_parse(cache_dir):
    fresh = catalogue.catalogue()
    first = catalogue_cache.catalogue()
    assert first == fresh
    assert (cache_dir / "queries.json").is_file()
    catalogue_cache._state.clear()
    assert catalogue_cache.catalogue() == fresh  # read back from the file
    assert [catalogue_cache.get(q.name) for q in fresh] == fresh


def test_an_edited_query_is_parsed_again(cache_dir, tmp_path):
    folder = tmp_path / "queries"
    shutil.copytree(catalogue.query_dir(), folder)
    before = catalogue_cache.get("partners", folder)
    path = folder / "partners.rq"
    path.write_text(path.read_text(encoding="utf-8").replace("#+ summary:", "#+ summary: EDITED", 1), encoding="utf-8")
    after = catalogue_cache.get("partners", folder)
    assert after.summary.startswith("EDITED") and not before.summary.startswith("EDITED")
    path.write_text("#+ summary: [broken\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    from citygraph.errors import BadInput

    with pytest.raises(BadInput, match="not valid YAML"):  # errors are the catalogue's own
        catalogue_cache.get("partners", folder)
    with pytest.raises(BadInput, match="no stored query"):
        catalogue_cache.get("no-such-query", folder)


@pytest.mark.parametrize("damage", ["", "[1, 2]", '{"format": 1, "code": "other", "queries": {}}', "{ nope"])
def test_a_damaged_catalogue_file_is_ignored_and_rewritten(cache_dir, damage):
    fresh = catalogue.catalogue()
    catalogue_cache.catalogue()
    (cache_dir / "queries.json").write_text(damage, encoding="utf-8")
    catalogue_cache._state.clear()
    assert catalogue_cache.catalogue() == fresh
    data = json.loads((cache_dir / "queries.json").read_text(encoding="utf-8"))
    assert len(data["queries"]) == len(fresh)


def test_a_damaged_record_is_parsed_afresh(cache_dir):
    fresh = catalogue_cache.get("partners")
    path = cache_dir / "queries.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for rec in data["queries"].values():
        rec["parameters"] = "nonsense"
    path.write_text(json.dumps(data), encoding="utf-8")
    catalogue_cache._state.clear()
    assert catalogue_cache.get("partners") == fresh
