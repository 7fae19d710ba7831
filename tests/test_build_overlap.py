"""`citygraph build` validates while a thread copies the store to disk (cli/cmd_build.py).

Real `citygraph build` processes: a failed validation leaves --out and the cache as they were;
the overlapped and the one-after-the-other (CITYGRAPH_SEQUENTIAL=1) builds write the same bytes;
and validation leaves the store it reads unchanged while another thread reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from citygraph.cli.cmd_build import SEQUENTIAL

DATA = Path(__file__).parent / "data" / "validate"
SECOND = "keeping the store for queries in a thread"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(out: Path, cache: Path, *extra: str, sequential: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != SEQUENTIAL}
    env.update(CITYGRAPH_CACHE_DIR=str(cache), **({SEQUENTIAL: "1"} if sequential else {}))
    return subprocess.run([sys.executable, "-m", "citygraph", "build", "--scope", "nanjing", "--progress", "--out", str(out), *extra],
                          env=env, capture_output=True, text=True, timeout=600)


def _entries(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.startswith(("built-", ".tmp-")))


def _kept_graphs(cache: Path) -> dict[str, int]:
    """Triples per named graph of the one store kept in `cache`, read from the disk; and the
    manifest's counts (the build's, taken before the copy) must be the same."""
    import json

    import pyoxigraph as ox

    (entry,) = [p for p in cache.iterdir() if p.name.startswith("built-")]
    store = ox.Store.read_only(str(entry / "store"))
    kept = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}
    assert kept == json.loads((entry / "manifest.json").read_text())["sizes"]
    return kept


def test_a_failed_validation_leaves_out_and_the_cache_as_they_were(tmp_path):
    out, cache = tmp_path / "dist", tmp_path / "cache"
    first = _build(out, cache)
    assert first.returncode == 0, first.stderr
    assert SECOND in first.stderr  # the overlapped path ran
    before, kept = _snapshot(out), _entries(cache)
    failed = _build(out, cache, "--add", str(DATA / "no-party.ttl"))
    assert failed.returncode == 1, failed.stderr
    assert SECOND in failed.stderr
    assert "violation" in failed.stderr and "https://example.org/tie" in failed.stderr
    assert _snapshot(out) == before  # byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "dist"]  # no staging folder, no lock
    assert _entries(cache) == kept  # the store of data that does not conform is not kept, nor half-written


def test_overlapped_and_one_process_builds_write_the_same_bytes_and_keep_the_store(tmp_path):
    one = _build(tmp_path / "one", tmp_path / "cache-one", sequential=True)
    two = _build(tmp_path / "two", tmp_path / "cache-two")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert SECOND not in one.stderr and SECOND in two.stderr
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")
    assert len(_entries(tmp_path / "cache-one")) == len(_entries(tmp_path / "cache-two")) == 1
    # every graph kept whole, those validation sets aside while the copy runs beside it too
    kept = _kept_graphs(tmp_path / "cache-two")
    assert kept == _kept_graphs(tmp_path / "cache-one")
    assert {"https://w3id.org/citygraph/graph/alignment", "https://w3id.org/citygraph/graph/shapes"} <= set(kept)
    assert "conforms: yes" in two.stdout and "validate" in two.stdout.splitlines()[-1]


def test_validation_leaves_the_store_unchanged_while_another_thread_reads_it(curated):
    from citygraph.build import load_sources
    from citygraph.reason import materialise, status
    from citygraph.validate import report as validation

    built = load_sources("nanjing")
    materialise.materialise(built)
    status.materialise(built)
    sizes = built.graph_sizes()
    seen: list[dict] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(built.graph_sizes())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        report = validation.validate_built(built)
    finally:
        stop.set()
        thread.join()
    assert seen and all(s == sizes for s in seen)  # the reader never missed a graph or a triple
    assert built.graph_sizes() == sizes
    assert report.results == curated.report.results  # graph by graph, as found on the store's union


def test_the_copy_keeps_the_graphs_validation_sets_aside_beside_it(curated, tmp_path, monkeypatch):
    """The copy beside validation: once `after_first` is called, validation may set aside every
    graph it does not check (shapes, alignments: validate/report.py content_only). Here the hook
    does just that, at once, on a copy of the curated build: the kept store must still hold them."""
    import dataclasses

    import pyoxigraph as ox

    from citygraph import cache
    from citygraph.validate.report import content_only

    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    store = ox.Store()
    store.extend(curated.store.quads_for_pattern(None, None, None, None))
    built = dataclasses.replace(curated, store=store)
    expected = built.graph_sizes()
    assert set(expected) - set(built.checked_graphs)  # there is something to set aside
    aside = content_only(store, built.checked_graphs, exclusive=True)
    path = cache.save(built, cache.entry_path("k" * 32), "k" * 32, after_first=aside.__enter__, scope="nanjing", reasoner="fast", add=[])
    assert set(g.value for g in store.named_graphs()) == set(built.checked_graphs)  # set aside while copying
    aside.__exit__(None, None, None)
    kept = ox.Store.read_only(str(path / "store"))
    assert {g.value: sum(1 for _ in kept.quads_for_pattern(None, None, None, g)) for g in kept.named_graphs()} == expected
