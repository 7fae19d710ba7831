"""Where the time of a large graph answer goes: `twinned-with` without a city (all ~41k links).

The stored query `twinned-with` with no city is a CONSTRUCT of every `cg:twinnedWith` edge of
the world build. It is the one stored query over 100 ms. This script splits its cost into the
parts citygraph controls and the parts it does not, all on the same in-memory store and in the
same run (rounds interleaved, so machine noise hits every line alike; compare the ratios):

- the stored query as `citygraph.query.catalogue.run` answers it (engine + Python result objects);
- the same CONSTRUCT serialised to N-Triples inside pyoxigraph, creating no Python objects —
  the engine's own floor for this answer;
- a SELECT of the same pattern serialised to TSV inside pyoxigraph — what the engine needs to
  *find* the edges, without CONSTRUCT's per-triple work;
- parsing the answer's N-Triples back into pyoxigraph objects — the floor of holding 41k
  triples as Python objects at all;
- COUNT(*) of the pattern — the scan alone.

    python benchmarks/bench_large_answer.py            # scope all, 21 rounds
    python benchmarks/bench_large_answer.py --rounds 41
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
from citygraph.namespaces import CG
from citygraph.query import catalogue
from citygraph.query import run as runner


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--rounds", type=int, default=21)
    args = ap.parse_args()

    disk = cache.built_store(args.scope)
    store = ox.Store()
    store.bulk_extend(disk)
    del disk
    union = {"use_default_graph_as_union": True}
    tw = f"{CG.twinnedWith}"
    construct = f"CONSTRUCT {{ ?a {tw} ?b }} WHERE {{ ?a {tw} ?b }}"
    select = f"SELECT ?a ?b WHERE {{ ?a {tw} ?b }}"
    stored = catalogue.get("twinned-with")
    answer = store.query(construct, **union).serialize(format=ox.RdfFormat.N_TRIPLES)
    n = len(set(answer.splitlines()))

    cases = {
        "stored query, runner.run (engine + Python objects)": lambda: runner.run(stored, {}, store=store),
        "CONSTRUCT -> N-Triples in pyoxigraph (no Python objects)": lambda: store.query(construct, **union).serialize(format=ox.RdfFormat.N_TRIPLES),
        "SELECT ?a ?b -> TSV in pyoxigraph (no Python objects)": lambda: store.query(select, **union).serialize(format=ox.QueryResultsFormat.TSV),
        "parse the answer's N-Triples into Python objects": lambda: list(ox.parse(answer, format=ox.RdfFormat.N_TRIPLES)),
        "COUNT(*) of the pattern": lambda: list(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {tw} ?b }}", **union)),
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)

    base = statistics.median(times[next(iter(cases))])
    print(f"{len(store):,} quads in the store; the answer has {n:,} distinct triples; {args.rounds} rounds\n")
    print("| step | min | median | ÷ stored query |\n|---|---:|---:|---:|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {min(ts) * 1000:.1f} ms | {med * 1000:.1f} ms | {med / base:.2f} |")


if __name__ == "__main__":
    main()
