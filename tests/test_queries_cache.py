"""The build cache: reused while the inputs are unchanged, rebuilt when one changes."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citygraph import build as build_module
from citygraph import cache

EXTRA = """@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citygraph/id/place/Q16666> rdfs:label "Nanking"@en-x-old .
"""


@pytest.fixture
def extra(tmp_path):
    path = tmp_path / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def test_cache_dir_comes_from_the_environment(cache_dir):
    assert cache.cache_dir() == cache_dir


def test_the_key_follows_every_input(extra):
    base = cache.cache_key("nanjing", [extra], "owlrl")
    assert cache.cache_key("nanjing", [extra], "owlrl") == base
    assert cache.cache_key("all", [extra], "owlrl") != base
    assert cache.cache_key("nanjing", [], "owlrl") != base
    assert cache.cache_key("nanjing", [extra], "fast") != base
    assert cache.cache_key("nanjing", [extra]) == cache.cache_key("nanjing", [extra], cache.default_reasoner())
    extra.write_text(EXTRA.replace("Nanking", "Nanching"), encoding="utf-8")
    assert cache.cache_key("nanjing", [extra], "owlrl") != base


def test_built_once_then_reused_then_rebuilt_when_an_input_changes(cache_dir, extra, monkeypatch):
    calls = []
    real_build = build_module.build

    def counting_build(*args, **kwargs):
        calls.append(kwargs.get("scope"))
        return real_build(*args, **kwargs)

    monkeypatch.setattr(build_module, "build", counting_build)
    label = ox.Literal("Nanking", language="en-x-old")

    first = cache.built_store("nanjing", [extra])
    assert calls == ["nanjing"]
    assert list(first.quads_for_pattern(None, None, label))
    entries = sorted(cache_dir.glob("built-*.oxigraph"))
    assert len(entries) == 1 and entries[0].is_dir()
    assert not list(cache_dir.glob(".tmp-*"))  # no half-written entry left behind

    again = cache.built_store("nanjing", [extra])
    assert calls == ["nanjing"]  # not rebuilt
    assert len(again) == len(first)
    assert list(again.quads_for_pattern(None, None, label))

    extra.write_text(EXTRA.replace("Nanking", "Nanching"), encoding="utf-8")
    changed = cache.built_store("nanjing", [extra])
    assert calls == ["nanjing", "nanjing"]
    assert not list(changed.quads_for_pattern(None, None, label))
    assert list(changed.quads_for_pattern(None, None, ox.Literal("Nanching", language="en-x-old")))


def test_the_cli_queries_the_cached_build(cli, cache_dir, curated, monkeypatch):
    # Seed the cache with the session's build of the same inputs, as a first query would.
    key = cache.cache_key("nanjing", [])
    cache.save(curated, cache.entry_path(key), key, scope="nanjing", reasoner="fast", add=[])
    calls = []

    def build_once_more(*args, **kwargs):  # --rebuild must build; this hands back an identical build
        calls.append(kwargs.get("scope"))
        return curated

    monkeypatch.setattr(build_module, "build", build_once_more)
    first = cli("query", "status-on", "-p", "date=2012-02-21", "--scope", "nanjing", "--format", "csv")
    assert first.exit_code == 0, first.stderr
    assert "Q11751-Q16666,Nagoya,Nanjing,suspended,suspended,2012-02-21" in first.stdout
    assert calls == []  # answered from the cache
    rebuilt = cli("query", "status-on", "-p", "date=2012-02-21", "--scope", "nanjing", "--format", "csv", "--rebuild")
    assert calls == ["nanjing"]
    assert rebuilt.stdout == first.stdout
    assert len(list(cache_dir.glob("built-*.oxigraph"))) == 1


def test_a_bad_scope_or_add_file_exits_2(cli, cache_dir, tmp_path):
    assert cli("query", "partners", "--scope", "atlantis").exit_code == 2
    result = cli("query", "partners", "--scope", "nanjing", "--add", tmp_path / "missing.ttl")
    assert result.exit_code == 2 and "missing.ttl" in result.stderr


def test_an_unwritable_cache_still_answers(cli, tmp_path, monkeypatch, curated):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(build_module, "build", lambda *a, **k: curated)  # the session's identical build
    result = cli("query", "status-on", "-p", "date=2012-02-21", "--scope", "nanjing", "--format", "csv")
    assert result.exit_code == 0
    assert "Q11751-Q16666,Nagoya,Nanjing,suspended" in result.stdout
    assert "cannot cache the build" in result.stderr


def test_the_first_query_after_a_build_opens_the_builds_store(cli, cache_dir, tmp_path, monkeypatch):
    built = cli("build", "--scope", "nanjing", "--out", tmp_path / "dist")
    assert built.exit_code == 0, built.stderr
    entry = cache.open_entry(cache.cache_key("nanjing", []))
    assert entry is not None and entry.manifest["conforms"] is True
    assert entry.graph_sizes == json.loads(json.dumps(entry.manifest["sizes"]))
    assert "seconds: " in built.stdout and "store " in built.stdout

    def no_build(*args, **kwargs):
        raise AssertionError("the query rebuilt the graph the build had just made")

    monkeypatch.setattr(build_module, "build", no_build)
    result = cli("query", "status-on", "-p", "date=2015-01-01", "--scope", "nanjing", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "Q11751-Q16666,Nagoya,Nanjing,unknown,active suspended" in result.stdout
    assert "building" not in result.stderr


def test_a_needed_rebuild_says_so_on_stderr(cli, cache_dir, curated, monkeypatch):
    monkeypatch.setattr(build_module, "build", lambda *a, **k: curated)
    result = cli("query", "status-on", "-p", "date=2015-01-01", "--scope", "nanjing", "--format", "csv")
    assert result.exit_code == 0
    assert "building the graph (scope nanjing)" in result.stderr


def test_the_cache_names_the_reasoner_the_build_uses():
    from citygraph.reason.materialise import DEFAULT_REASONER

    assert cache.default_reasoner() == DEFAULT_REASONER


def test_link_reads_the_kept_store_when_there_is_one(cache_dir, curated, monkeypatch):
    from citygraph.link import ours

    fresh = ours.load("nanjing")  # nothing kept yet: read from the sources
    key = cache.cache_key("nanjing", [])
    cache.save(curated, cache.entry_path(key), key, scope="nanjing", reasoner="fast", add=[])

    def no_loading(*args, **kwargs):
        raise AssertionError("the link loaded the sources although the build's store was kept")

    monkeypatch.setattr(build_module, "load_sources", no_loading)
    kept = ours.load("nanjing")
    assert kept == fresh
