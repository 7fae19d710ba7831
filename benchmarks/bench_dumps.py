"""The dump stage against pyoxigraph writing the same quads, format by format, in one run.

On an in-memory copy of the built store (as `citygraph build` holds it), rounds interleaved:
each step of `publish.dump.write_files` (sorted N-Triples lines per graph, their union, Turtle,
TriG, JSON-LD) beside the engine's floor for the same output (`Store.dump` in the same
format, or its JSON-LD writer on the same triples). CPU seconds of this process (compare ratios:
the machine may be busy) and wall seconds.

    python benchmarks/bench_dumps.py                 # scope all (the world build), 3 rounds
    python benchmarks/bench_dumps.py --scope nanjing --rounds 7
"""

from __future__ import annotations

import argparse
import os
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
    disk, _entry = cache.built_entry(args.scope)
    built = in_memory(args.scope)
    store, content = built.store, built.content_graphs
    graphs = dump.dataset_graphs(built)
    by_graph = {g: dump.graph_lines(store, g) for g in graphs}
    nt = dump.union_lines(by_graph[g] for g in content)
    one = [ox.NamedNode(g) for g in content]

    def ntriples() -> bytes:  # as write_files: every graph's sorted lines (TriG reuses them), the union
        lines = {g: dump.graph_lines(store, g) for g in graphs}
        return dump.union_lines(lines[g] for g in content)

    ours = {
        "N-Triples (each graph's lines sorted, the union de-duplicated)": ntriples,
        "Turtle (the sorted N-Triples re-parsed leniently)": lambda: dump.serialize_turtle(nt),
        "TriG (each graph's sorted lines through the Turtle writer, indented)": lambda: dump.trig_from(by_graph),
        "JSON-LD (lenient parse + compaction in Python)": lambda: dump.serialize_jsonld(nt),
    }
    floor = {
        "N-Triples (each graph's lines sorted, the union de-duplicated)":
            lambda: [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in map(ox.NamedNode, graphs)],
        "Turtle (the sorted N-Triples re-parsed leniently)":
            lambda: [store.dump(format=ox.RdfFormat.TURTLE, from_graph=g) for g in one],
        "TriG (each graph's sorted lines through the Turtle writer, indented)": lambda: store.dump(format=ox.RdfFormat.TRIG),
        "JSON-LD (lenient parse + compaction in Python)":
            lambda: ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD),
    }
    # Not a dump citygraph writes: the engine's own order on its on-disk store is fixed by the
    # content (deterministic without sorting), measured to show what it would cost.
    extra = {"N-Triples of every graph from the on-disk store (content order, no sort)":
             lambda: [disk.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in map(ox.NamedNode, graphs)]}
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name in [*ours, *extra]:
            pairs = (("citygraph", ours[name]), ("pyoxigraph", floor[name])) if name in ours else (("disk", extra[name]),)
            for who, fn in pairs:
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu.setdefault((name, who), []).append(time.process_time() - c0)
                wall.setdefault((name, who), []).append(time.perf_counter() - w0)
    triples = nt.count(b"\n")
    print(f"{len(store):,} quads, {triples:,} distinct content triples; {args.rounds} rounds (medians); "
          f"load average {load:.1f} → {os.getloadavg()[0]:.1f}\n")
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
    for name in extra:
        a = statistics.median(cpu[(name, "disk")])
        b = statistics.median(cpu[(next(iter(ours)), "pyoxigraph")])
        print(f"| {name} | {a:.2f} s | {b:.2f} s (in memory) | {a / b:.1f}× | {statistics.median(wall[(name, 'disk')]):.2f} s | |")


if __name__ == "__main__":
    main()
