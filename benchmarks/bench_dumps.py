"""The dump stage against pyoxigraph writing the same quads, format by format, in one run.

On an in-memory copy of the built store (as `citygraph build` holds it), rounds interleaved:
each step of `publish.dump.write_files` (sorted N-Triples lines per graph, their union, Turtle,
TriG, JSON-LD) beside the engine's floor for the same output (`Store.dump` in the same
format, or its JSON-LD writer on the same triples). CPU seconds of this process (compare ratios:
the machine may be busy) and wall seconds.

Deterministic output has a floor of its own above the engine's (which writes in insertion
order): the row "floor for sorted N-Triples" is the engine's dump of every graph plus the least
any writer of sorted lines must add — split each graph into lines, one C sort per graph, and
one merge of the content graphs' sorted runs joined into one text (the de-duplication counted
as free) — and N-Triples is shown against both floors. The last rows are the whole dump stage
as `citygraph build` runs it without the exports (`write_dumps` into a temporary folder: the
four formats, void.ttl, SHA256SUMS, the atomic swap) against the engine writing the four formats.

    python benchmarks/bench_dumps.py                 # scope all (the world build), 3 rounds
    python benchmarks/bench_dumps.py --scope nanjing --rounds 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citygraph import cache
from citygraph.build import BuiltGraph
from citygraph.namespaces import GRAPH_ALIGNMENT
from citygraph.publish import dump

NT = "N-Triples (each graph's lines sorted, the union de-duplicated)"
SORTED_FLOOR = "floor for sorted N-Triples: the engine's dump + split + one C sort per graph + one merge and join"
STAGE = "the dump stage without the exports (write_dumps: four formats, void.ttl, SHA256SUMS, swap)"


def in_memory(scope: str) -> BuiltGraph:
    disk, entry = cache.built_entry(scope)
    assert entry is not None, "the build could not be cached"
    m = entry.manifest
    store = ox.Store()
    store.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    # the manifest does not list the alignment graph: found in the store, as serve/record.py does
    return BuiltGraph(store=store, ontology_graphs=m["ontology_graphs"], shape_graphs=m["shape_graphs"],
                      data_graphs=m["data_graphs"], inferred_graph=m["inferred_graph"],
                      alignment_graphs=[GRAPH_ALIGNMENT.value] if GRAPH_ALIGNMENT.value in graphs else [])


def sorted_floor(store: ox.Store, graphs: list[str], content: list[str]) -> bytes:
    """The least a writer of sorted N-Triples does beyond the engine's dump (de-duplication free)."""
    by_graph = {}
    for g in graphs:
        lines = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)) or b"").splitlines(keepends=True)
        lines.sort()
        by_graph[g] = lines
    union = [line for g in content for line in by_graph[g]]
    union.sort()
    return b"".join(union)


def write_dumps_once(built: BuiltGraph, tmp: Path) -> None:
    out = tmp / "dist"
    dump.write_dumps(built, out)
    shutil.rmtree(out)


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

    tmp = Path(tempfile.mkdtemp(prefix="bench-dumps-"))
    ours = {
        NT: ntriples,
        "Turtle (the sorted N-Triples re-parsed leniently)": lambda: dump.serialize_turtle(nt),
        "TriG (each graph's sorted lines through the Turtle writer, indented)": lambda: dump.trig_from(by_graph),
        "JSON-LD (lenient parse + compaction in Python)": lambda: dump.serialize_jsonld(nt),
    }
    floor = {
        NT: lambda: [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in map(ox.NamedNode, graphs)],
        "Turtle (the sorted N-Triples re-parsed leniently)":
            lambda: [store.dump(format=ox.RdfFormat.TURTLE, from_graph=g) for g in one],
        "TriG (each graph's sorted lines through the Turtle writer, indented)": lambda: store.dump(format=ox.RdfFormat.TRIG),
        "JSON-LD (lenient parse + compaction in Python)":
            lambda: ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD),
    }
    # Not a dump citygraph writes: the engine's own order on its on-disk store is fixed by the
    # content (deterministic without sorting), measured to show what it would cost.
    extra = {"N-Triples of every graph from the on-disk store (content order, no sort)":
             lambda: [disk.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in map(ox.NamedNode, graphs)],
             SORTED_FLOOR: lambda: sorted_floor(store, graphs, content),
             STAGE: lambda: write_dumps_once(built, tmp)}
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name in [*ours, *extra]:
            pairs = (("citygraph", ours[name]), ("pyoxigraph", floor[name])) if name in ours else (("extra", extra[name]),)
            for who, fn in pairs:
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu.setdefault((name, who), []).append(time.process_time() - c0)
                wall.setdefault((name, who), []).append(time.perf_counter() - w0)
    shutil.rmtree(tmp, ignore_errors=True)
    report(cpu, wall, ours, nt.count(b"\n"), len(store), args.rounds, load)


def report(cpu, wall, ours, triples: int, quads: int, rounds: int, load: float) -> None:
    med = {k: statistics.median(v) for k, v in cpu.items()}
    wmed = {k: statistics.median(v) for k, v in wall.items()}
    print(f"{quads:,} quads, {triples:,} distinct content triples; {rounds} rounds (medians); "
          f"load average {load:.1f} → {os.getloadavg()[0]:.1f}\n")
    print("| output | citygraph CPU | pyoxigraph CPU (same quads) | ratio | citygraph wall | pyoxigraph wall |")
    print("|---|---:|---:|---:|---:|---:|")
    total = {"citygraph": 0.0, "pyoxigraph": 0.0}
    for name in ours:
        a, b = med[(name, "citygraph")], med[(name, "pyoxigraph")]
        total["citygraph"] += a
        total["pyoxigraph"] += b
        print(f"| {name} | {a:.2f} s | {b:.2f} s | {a / b:.1f}× | {wmed[(name, 'citygraph')]:.2f} s "
              f"| {wmed[(name, 'pyoxigraph')]:.2f} s |")
    print(f"| all four | {total['citygraph']:.2f} s | {total['pyoxigraph']:.2f} s | "
          f"{total['citygraph'] / total['pyoxigraph']:.1f}× | | |")
    ours_nt, engine_nt, floor_nt = med[(NT, "citygraph")], med[(NT, "pyoxigraph")], med[(SORTED_FLOOR, "extra")]
    print(f"| {SORTED_FLOOR} | {floor_nt:.2f} s | {engine_nt:.2f} s | {floor_nt / engine_nt:.1f}× | "
          f"{wmed[(SORTED_FLOOR, 'extra')]:.2f} s | |")
    print(f"| N-Triples against the sorted floor | {ours_nt:.2f} s | {floor_nt:.2f} s (sorted floor) | "
          f"{ours_nt / floor_nt:.2f}× | | |")
    sorted_total = total["pyoxigraph"] - engine_nt + floor_nt
    print(f"| all four against the floors (sorted N-Triples) | {total['citygraph']:.2f} s | {sorted_total:.2f} s | "
          f"{total['citygraph'] / sorted_total:.1f}× | | |")
    stage = med[(STAGE, "extra")]
    print(f"| {STAGE} | {stage:.2f} s | {total['pyoxigraph']:.2f} s (all four) | {stage / total['pyoxigraph']:.1f}× | "
          f"{wmed[(STAGE, 'extra')]:.2f} s | |")
    disk_name = "N-Triples of every graph from the on-disk store (content order, no sort)"
    a = med[(disk_name, "extra")]
    print(f"| {disk_name} | {a:.2f} s | {engine_nt:.2f} s (in memory) | {a / engine_nt:.1f}× | "
          f"{wmed[(disk_name, 'extra')]:.2f} s | |")


if __name__ == "__main__":
    main()
