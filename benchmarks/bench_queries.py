"""Stored queries as `citygraph query` runs them: on the cached build, opened read-only from disk.

Prints, for the built graph of a scope (default: all, i.e. the curated core and the world
layer): how long opening the cache entry takes, and the median wall time of every local stored
query on that on-disk store and on an in-memory copy (the form `benchmarks/run.py` measures).
Required parameters get the samples below. Builds the graph first if the cache lacks it.

    python benchmarks/bench_queries.py                 # scope all, 7 runs each
    python benchmarks/bench_queries.py --scope nanjing --runs 11
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citygraph import cache
from citygraph.query import catalogue
from citygraph.query import run as runner


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    t0 = time.perf_counter()
    cache.built_store(args.scope)  # build and save if needed
    print(f"cache ready in {time.perf_counter() - t0:.1f} s ({cache.cache_dir()})")
    entry = cache.open_entry(cache.cache_key(args.scope))
    assert entry is not None, f"no cached build in {cache.cache_dir()}"
    t0 = time.perf_counter()
    disk = entry.open()
    print(f"open read-only: {(time.perf_counter() - t0) * 1000:.1f} ms, {len(disk):,} quads")
    memory = ox.Store()
    memory.bulk_extend(disk)

    print("\n| query | rows | on disk (CLI) | in memory |\n|---|---|---|---|")
    on_disk = []
    for q in catalogue.catalogue():
        if q.federated:
            continue
        values = q.example_values()
        result = runner.run(q, values, store=disk)
        n = len(result.triples) if result.is_graph else len(result.rows)
        d = median_ms(lambda q=q, values=values: runner.run(q, values, store=disk), args.runs)
        m = median_ms(lambda q=q, values=values: runner.run(q, values, store=memory), args.runs)
        on_disk.append(d)
        print(f"| {q.name} | {n:,} | {d:.1f} ms | {m:.1f} ms |")
    print(f"\nmedian over queries, on disk: {statistics.median(on_disk):.1f} ms")


if __name__ == "__main__":
    main()
