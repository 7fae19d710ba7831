"""The build's cache key is remembered under its inputs' stat, and never outlives a change.

cache_key hashes every input (the code, ontology/, data/, --add files); the everyday commands
read it back from $CITYGRAPH_CACHE_DIR/keys.json instead while no input file was touched. These
tests change an input the ways that keep its size and modification time, and check the key moves.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from citygraph import cache
from citygraph.load import resources


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    """ontology/ and data/ copied to tmp_path (the code stays the package's), an empty cache."""
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    onto, data = tmp_path / "ontology", tmp_path / "data"
    shutil.copytree(resources.ontology_dir(), onto)
    shutil.copytree(resources.data_dir(), data, ignore=shutil.ignore_patterns("world"))  # small and quick
    monkeypatch.setattr(resources, "ontology_dir", lambda: onto)
    monkeypatch.setattr(resources, "data_dir", lambda: data)
    monkeypatch.setattr(cache, "SETTLED_NS", 50_000_000)  # "settled" after 50 ms, not 2 s
    time.sleep(0.1)
    return tmp_path


def _no_hashing(monkeypatch):
    def refuse(*_args):
        raise AssertionError("the key was computed, not remembered")

    monkeypatch.setattr(cache, "hash_inputs", refuse)


def test_the_remembered_key_is_the_computed_one(inputs, monkeypatch):
    computed = cache.cache_key("nanjing")
    assert len(json.loads((inputs / "cache" / cache.KEYS).read_text())) == 1
    _no_hashing(monkeypatch)
    assert cache.cache_key("nanjing") == computed
    with pytest.raises(AssertionError, match="computed"):
        cache.cache_key("all")  # another scope is another head: not remembered yet


def test_a_changed_input_with_its_size_and_times_restored_gives_a_new_key(inputs):
    ttl = sorted((inputs / "data").rglob("*.ttl"))[0]
    before = cache.cache_key("nanjing")
    st = os.stat(ttl)
    text = ttl.read_bytes()
    changed = text.replace(b"a", b"b", 1)
    assert changed != text and len(changed) == len(text)
    ttl.write_bytes(changed)
    os.utime(ttl, ns=(st.st_atime_ns, st.st_mtime_ns))  # what tar, rsync -t or touch -d do
    assert os.stat(ttl).st_size == st.st_size and os.stat(ttl).st_mtime_ns == st.st_mtime_ns
    time.sleep(0.1)
    after = cache.cache_key("nanjing")
    assert after != before
    (inputs / "cache" / cache.KEYS).unlink()
    assert cache.cache_key("nanjing") == after  # what a full hash of the new content gives


def test_a_file_changed_just_now_is_hashed_not_remembered(inputs, monkeypatch):
    monkeypatch.setattr(cache, "SETTLED_NS", 3600 * 10**9)  # every file is "fresh"
    cache.cache_key("nanjing")
    assert not (inputs / "cache" / cache.KEYS).exists()


def test_an_added_or_removed_file_gives_a_new_key(inputs):
    before = cache.cache_key("nanjing")
    extra = inputs / "data" / "nanjing" / "zz-extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n", encoding="utf-8")
    time.sleep(0.1)
    added = cache.cache_key("nanjing")
    extra.unlink()
    assert added != before and cache.cache_key("nanjing") == before


@pytest.mark.parametrize("damage", ["", "{ nope", "[1, 2]", '{"x": 1}'])
def test_a_damaged_memo_costs_only_the_hashing(inputs, damage):
    key = cache.cache_key("nanjing")
    (inputs / "cache" / cache.KEYS).write_text(damage, encoding="utf-8")
    assert cache.cache_key("nanjing") == key
    assert key in json.loads((inputs / "cache" / cache.KEYS).read_text()).values()


def test_the_inputs_are_listed_as_sorted_rglob_lists_them(tmp_path):
    """The same files in the same order (paths sort by their parts: a/b/x before a-b), linked files
    in, linked folders and __pycache__ out: the key of an unchanged checkout does not move."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.ttl").write_text("x", encoding="utf-8")
    (tmp_path / "a-b.ttl").write_text("y", encoding="utf-8")
    (tmp_path / "z" / "__pycache__").mkdir(parents=True)
    (tmp_path / "z" / "__pycache__" / "q.pyc").write_bytes(b"")
    os.symlink(tmp_path / "a", tmp_path / "linked")
    os.symlink(tmp_path / "a-b.ttl", tmp_path / "link.ttl")
    listed = [tmp_path / rel for rel in cache._files_under(tmp_path)]
    assert listed == sorted(p for p in tmp_path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert [p.relative_to(tmp_path).as_posix() for p in listed] == ["a/b/x.ttl", "a-b.ttl", "link.ttl"]
    for root in (resources.ontology_dir(), resources.data_dir()):
        assert [root / rel for rel in cache._files_under(root)] == sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
