"""Everyday commands stay light: no rdflib, PyYAML or data loading where they are not needed,
and the parsed query catalogue is reused exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from citygraph.query import catalogue, catalogue_cache

PROBE = """
import sys
from citygraph.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("rdflib", "yaml", "owlrl", "pyshacl", "citygraph.build", "citygraph.sources.world")
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


@pytest.mark.slow
def test_query_queries_and_info_import_nothing_heavy_once_built(cache_dir, tmp_path, curated):
    from citygraph import cache

    assert _heavy(cache_dir, "build", "--scope", "nanjing", "--out", str(tmp_path / "dist"))[0] == 0
    key = cache.cache_key("all")  # info counts scope all: a kept build under its key (the curated one)
    cache.save(curated, cache.entry_path(key), key, scope="all", reasoner="fast", add=[])
    assert _heavy(cache_dir, "queries")[0] == 0  # the first run parses (PyYAML, rdflib for SERVICE) and caches
    for args in (["queries"], ["query", "partners", "--scope", "nanjing"], ["info"]):
        assert _heavy(cache_dir, *args) == (0, []), args


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
