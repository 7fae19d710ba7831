"""The compiled schema is kept on disk keyed by the ontology and read back exactly."""

from __future__ import annotations

import pytest

from citygraph.build import load_sources
from citygraph.reason import materialise, schema_cache


@pytest.fixture
def cache_dir(cache_dir, monkeypatch):
    monkeypatch.setattr(materialise, "_SCHEMAS", {})  # no memo from earlier tests in this process
    return cache_dir


def test_a_compiled_schema_reads_back_equal(cache_dir):
    built = load_sources("none")
    compiled = materialise.compile_schema(materialise.to_rdflib(built.store, built.ontology_graphs))
    again = schema_cache.from_json(schema_cache.to_json(compiled), materialise.Schema)
    assert again == compiled
    assert compiled.axioms and compiled.supers and compiled.domain


def test_the_schema_is_compiled_once_then_read_from_disk(cache_dir, monkeypatch):
    built = load_sources("none")
    first = materialise.schema_for(built.store, built.ontology_graphs)
    files = list(cache_dir.glob("schema-*.json"))
    assert len(files) == 1

    def no_compile(_graph):
        raise AssertionError("the schema was compiled again")

    monkeypatch.setattr(materialise, "_SCHEMAS", {})
    monkeypatch.setattr(materialise, "compile_schema", no_compile)
    assert materialise.schema_for(built.store, built.ontology_graphs) == first


@pytest.mark.parametrize("damage", ["", "{ not json", '{"format": 1}', '{"format": 99, "supers": {}}'])
def test_a_damaged_schema_file_is_recompiled(cache_dir, monkeypatch, damage):
    built = load_sources("none")
    first = materialise.schema_for(built.store, built.ontology_graphs)
    (path,) = cache_dir.glob("schema-*.json")
    path.write_text(damage, encoding="utf-8")
    monkeypatch.setattr(materialise, "_SCHEMAS", {})
    assert materialise.schema_for(built.store, built.ontology_graphs) == first
    assert schema_cache.load(path.stem[len("schema-"):], materialise.Schema) == first  # rewritten


def test_owlrls_version_is_read_as_importlib_metadata_reads_it():
    """The key's owlrl version comes from its dist-info without importlib.metadata (start-up time):
    the same string, so a new owlrl still gives a new key."""
    from importlib.metadata import version

    assert schema_cache.owlrl_version() == version("owlrl")
