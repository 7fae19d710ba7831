"""The dump stage against pyoxigraph writing the same quads, format by format, in one run.

On an in-memory copy of the built store (as `citygraph build` holds it), rounds interleaved:
each step of `publish.dump.write_files` (sorted N-Triples lines per graph, their union, Turtle,
JSON-LD, N-Quads, TriG) beside the engine's floor for the same output (`Store.dump` in the same
format, or its JSON-LD writer on the same triples). CPU seconds of this process (compare ratios:
the machine may be busy) and wall seconds.

    python benchmarks/bench_dumps.py                 # scope all (the world build), 3 rounds
    python benchmarks/bench_dumps.py --scope nanjing --rounds 7
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
from citygraph.build import BuiltGraph
from citygraph.publish import dump


def in_memory(scope: str) -> BuiltGraph:
    disk, entry = cache.built_entry(scope)
    assert entry is not None, "the build could not be cached"
    m = entry.manifest
    store = ox.Store()
    store.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return BuiltGraph(store=store, ontology_graphs=m["ontology_graphs"], shape_graphs=m["shape_graphs"],
                      data_graphs=m["data_graphs"], inferred_graph=m["inferred_graph"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    built = in_memory(args.scope)
    store, content = built.store, built.content_graphs
    graphs = dump.dataset_graphs(built)
    by_graph = {g: dump.graph_lines(store, g) for g in graphs}
    nt = dump.union_lines(by_graph[g] for g in content)
    triples = [q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
    one = [ox.NamedNode(g) for g in content]

    ours = {
        "N-Triples (sorted lines of every graph, their union)":
            lambda: dump.union_lines(by_graph[g] for g in content) and {g: dump.graph_lines(store, g) for g in graphs},
        "Turtle (from the sorted N-Triples)": lambda: dump.serialize_turtle(nt),
        "TriG (N-Quads from the lines, then the engine)": lambda: dump.serialize_trig(dump.nquads_from(by_graph)),
        "JSON-LD (parse + compaction in Python)": lambda: dump.serialize_jsonld(nt),
    }
    floor = {
        "N-Triples (sorted lines of every graph, their union)":
            lambda: [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in map(ox.NamedNode, graphs)],
        "Turtle (from the sorted N-Triples)": lambda: [store.dump(format=ox.RdfFormat.TURTLE, from_graph=g) for g in one],
        "TriG (N-Quads from the lines, then the engine)": lambda: store.dump(format=ox.RdfFormat.TRIG),
        "JSON-LD (parse + compaction in Python)":
            lambda: ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD),
    }
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name in ours:
            for who, fn in (("citygraph", ours[name]), ("pyoxigraph", floor[name])):
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu.setdefault((name, who), []).append(time.process_time() - c0)
                wall.setdefault((name, who), []).append(time.perf_counter() - w0)
    print(f"{len(store):,} quads, {len(triples):,} distinct content triples; {args.rounds} rounds (medians)\n")
    print("| output | citygraph CPU | pyoxigraph CPU (same quads) | ratio | citygraph wall | pyoxigraph wall |")
    print("|---|---:|---:|---:|---:|---:|")
    total = {"citygraph": 0.0, "pyoxigraph": 0.0}
    for name in ours:
        a, b = statistics.median(cpu[(name, "citygraph")]), statistics.median(cpu[(name, "pyoxigraph")])
        total["citygraph"] += a
        total["pyoxigraph"] += b
        print(f"| {name} | {a:.2f} s | {b:.2f} s | {a / b:.1f}× | {statistics.median(wall[(name, 'citygraph')]):.2f} s "
              f"| {statistics.median(wall[(name, 'pyoxigraph')]):.2f} s |")
    print(f"| all four | {total['citygraph']:.2f} s | {total['pyoxigraph']:.2f} s | "
          f"{total['citygraph'] / total['pyoxigraph']:.1f}× | | |")


if __name__ == "__main__":
    main()
