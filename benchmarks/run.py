"""citygraph against the plain rdflib → owlrl → pyshacl → rdflib pipeline, per stage, same run.

For each size, both pipelines read the same RDF files (the ontology, the shapes and the data)
and run in a fresh subprocess each, so peak memory (ru_maxrss, printed as the peak so far after
each stage) belongs to that pipeline alone:

  plain:     rdflib parse → owlrl closure → pyshacl (no inference) → rdflib serialise (Turtle, N-Triples)
  citygraph: pyoxigraph load → fast OWL 2 RL rules → compiled SHACL checker → dumps (Turtle,
             N-Triples, TriG, JSON-LD, VoID, SHA256SUMS: more output than the plain pipeline writes)

Sizes: `core` (data/nanjing), `world` (data/nanjing + the world layer as N-Triples) and `1m`
(benchmarks/generate.py: the world layer's shape, copied to ≥ 1M triples). For `world`, the real
`citygraph build` (which imports data/world's CSV/TSV itself) is timed as well, and the stored
queries on the world graph (median of 5 runs each). A plain pipeline that has not finished within
--plain-timeout seconds (default 600) is stopped and reported as DNF.

    python benchmarks/run.py                     # all sizes (the plain pipeline makes this slow)
    python benchmarks/run.py --sizes core,world  # a subset
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from machine import cpu_model, memory_gib  # benchmarks/machine.py, beside this script

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

STAGES = {"plain": ["parse", "reason", "validate", "serialise"], "citygraph": ["load", "reason", "validate", "dump"],
          "build": ["load", "reason", "validate", "dump"]}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(stage: str, seconds: float, **extra) -> None:
    """One stage's wall seconds, the peak memory so far and the process's CPU seconds so far (all threads)."""
    print(json.dumps({"stage": stage, "seconds": round(seconds, 3), "peak_mib": round(peak_mib(), 1),
                      "cpu_so_far": round(time.process_time(), 3), **extra}), flush=True)


# ------------------------------------------------------------------------------------------------
# Workers (run in a subprocess each)
# ------------------------------------------------------------------------------------------------

def worker_plain(files: list[Path], out: Path) -> None:
    import owlrl
    import pyshacl
    import rdflib

    from citygraph.load import resources

    t = time.perf_counter()
    g = rdflib.Graph()
    for f in resources.ontology_files() + files:
        g.parse(f, format="nt" if f.suffix == ".nt" else "turtle")
    shapes = rdflib.Graph()
    for f in resources.shapes_files():
        shapes.parse(f, format="turtle")
    emit("parse", time.perf_counter() - t, triples=len(g))
    t = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    emit("reason", time.perf_counter() - t, triples=len(g))
    t = time.perf_counter()
    conforms, _report, _text = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    emit("validate", time.perf_counter() - t, conforms=bool(conforms))
    t = time.perf_counter()
    g.serialize(out / "plain.ttl", format="turtle")
    g.serialize(out / "plain.nt", format="nt")
    emit("serialise", time.perf_counter() - t)


def worker_citygraph(files: list[Path], out: Path) -> None:
    from citygraph.build import load_sources
    from citygraph.publish.dump import write_dumps
    from citygraph.reason import materialise as reason
    from citygraph.validate import report as validate

    t = time.perf_counter()
    built = load_sources("none", extra=files)
    emit("load", time.perf_counter() - t, triples=sum(built.graph_sizes().values()))
    t = time.perf_counter()
    reason.materialise(built, reasoner="fast")
    emit("reason", time.perf_counter() - t, triples=sum(built.graph_sizes().values()))
    t = time.perf_counter()
    built.report = validate.validate_built(built, engine="fast")
    emit("validate", time.perf_counter() - t, conforms=built.report.conforms, warnings=len(built.report.warnings))
    t = time.perf_counter()
    write_dumps(built, out / "dist")
    emit("dump", time.perf_counter() - t)


def worker_build(out: Path) -> None:
    """The real default `citygraph build` (world layer imported from data/world), then queries."""
    from citygraph.build import build
    from citygraph.publish.dump import write_dumps

    built = build()
    for stage in ("load", "reason", "validate"):
        emit(stage, built.timings.get(stage, 0.0), **({"triples": sum(built.graph_sizes().values())} if stage == "reason" else {}))
    t = time.perf_counter()
    write_dumps(built, out / "dist")
    emit("dump", time.perf_counter() - t)
    for name, median, rows in query_medians(built.store):
        print(json.dumps({"query": name, "median_ms": median, "rows": rows}), flush=True)


NANJING = "https://w3id.org/citygraph/id/place/Q16666"


def query_medians(store, runs: int = 5):
    """Median wall time of each local stored query, required parameters from the headers' examples."""
    from citygraph.query import catalogue
    from citygraph.query import run as runner

    out = []
    for q in catalogue.catalogue():
        if q.federated:
            continue
        values = q.example_values()
        times, rows = [], None
        try:
            for _ in range(runs):
                t = time.perf_counter()
                result = runner.run(q, values, store=store)
                rows = result.boolean if result.form == "ASK" else len(result.triples) if result.is_graph else len(result.rows)
                times.append((time.perf_counter() - t) * 1000)
        except Exception as err:  # noqa: BLE001 — a query this harness cannot parameterise is reported, not fatal
            out.append((q.name, None, f"skipped: {type(err).__name__}: {err}"[:80]))
            continue
        times.sort()
        out.append((q.name, round(times[len(times) // 2], 1), rows))
        optional_iri = [p for p in q.parameters if not p.required and p.type == "iri" and p.name == "city"]
        if optional_iri and not values:  # the same query narrowed to Nanjing, as most users run it
            narrowed = {optional_iri[0].name: NANJING}
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                result = runner.run(q, narrowed, store=store)
                rows = result.boolean if result.form == "ASK" else len(result.triples) if result.is_graph else len(result.rows)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out.append((f"{q.name} -p {optional_iri[0].name}=place:Q16666", round(times[len(times) // 2], 1), rows))
    return out


# ------------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------------

def run_worker(kind: str, files: list[Path], out: Path, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--out", str(out), "--files", *map(str, files)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put(None)], daemon=True).start()
    result = {"stages": {}, "queries": [], "dnf": None, "load_before": round(os.getloadavg()[0], 1)}
    start = time.perf_counter()
    while True:
        remaining = timeout - (time.perf_counter() - start)
        try:
            line = lines.get(timeout=max(remaining, 0.01))
        except queue.Empty:
            proc.kill()
            proc.wait()
            done = list(result["stages"])
            pending = [s for s in STAGES[kind] if s not in done]
            result["dnf"] = (pending[0] if pending else "?", round(time.perf_counter() - start - sum(v["seconds"] for v in result["stages"].values()), 1))
            break
        if line is None:
            proc.wait()
            if proc.returncode != 0:
                result["error"] = proc.stderr.read()[-2000:]
            break
        rec = json.loads(line)
        if "stage" in rec:
            result["stages"][rec["stage"]] = rec
        else:
            result["queries"].append(rec)
    result["wall"] = round(time.perf_counter() - start, 1)
    result["load_after"] = round(os.getloadavg()[0], 1)
    return result


def prepare(size: str, tmp: Path) -> list[Path]:
    from citygraph.load import resources
    from citygraph.namespaces import data_graph
    from citygraph.sources import world

    core = resources.data_sources()["nanjing"]
    if size == "core":
        return core
    if size == "world":
        import pyoxigraph as ox

        path = tmp / "world.nt"
        quads = world.world_quads(world.read_inputs(), data_graph("world").value)
        path.write_bytes(ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES))
        return core + [path]
    if size == "1m":
        path = tmp / "world-1m.nt"
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--triples", "1000000", "--out", str(path)], check=True)
        return [path]
    raise SystemExit(f"unknown size {size!r}: choose core, world, 1m")


LABELS = {"plain": "plain: rdflib → owlrl → pyshacl → rdflib", "citygraph": "citygraph (same RDF input)",
          "build": "`citygraph build` (imports data/world CSV)"}


def table(results: dict, plain_timeout: float) -> str:
    head = ("| size | pipeline | triples after reasoning | parse / load | reason | validate | serialise / dump | total "
            "| CPU (process) | peak memory | load average | plain ÷ citygraph |")
    rows = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, by_kind in results.items():
        totals = {}
        for kind, res in by_kind.items():
            st = res["stages"]
            cells = []
            for n in STAGES[kind]:
                if n in st:
                    cells.append(f"{st[n]['seconds']:.2f} s")
                elif res.get("dnf") and res["dnf"][0] == n:
                    cells.append(f"DNF (> {res['dnf'][1]:.0f} s)")
                else:
                    cells.append("—")
            total = sum(r["seconds"] for r in st.values())
            finished = not res.get("dnf") and not res.get("error")
            totals[kind] = (total, finished)
            peak = max((r["peak_mib"] for r in st.values()), default=0.0)
            triples = st.get("reason", {}).get("triples")
            tot = f"**{total:.1f} s**" if finished else (f"> {plain_timeout:.0f} s" if res.get("dnf") else "error")
            rows.append(f"| {size} | {LABELS[kind]} | {triples:,} | " if triples else f"| {size} | {LABELS[kind]} | — | ")
            cpu = max((r.get("cpu_so_far", 0.0) for r in st.values()), default=0.0)
            load = f"{res.get('load_before', '?')} → {res.get('load_after', '?')}"
            rows[-1] += " | ".join(cells) + f" | {tot} | {cpu:.1f} s | {peak:,.0f} MiB | {load} | |"
        if "plain" in totals and "citygraph" in totals:
            (pt, pf), (ct, cf) = totals["plain"], totals["citygraph"]
            ratio = "?" if not (cf and ct) else (f"{pt / ct:.0f}×" if pf else f"> {plain_timeout / ct:.0f}×")
            for i, row in enumerate(rows):
                if row.startswith(f"| {size} | {LABELS['citygraph']}"):
                    rows[i] = row[: -2] + f" {ratio} |"
    return "\n".join(rows)


def machine() -> str:
    cpu, gib = cpu_model(), memory_gib()
    mem = f", {gib:.0f} GiB RAM" if gib is not None else ""
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"rdflib {rdflib.__version__}, pyshacl {pyshacl.__version__}, pyoxigraph {pyoxigraph.__version__}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="citygraph vs the plain rdflib/owlrl/pyshacl pipeline")
    ap.add_argument("--sizes", default="core,world,1m")
    ap.add_argument("--plain-timeout", type=float, default=600.0, help="stop the plain pipeline after this many seconds (default 600)")
    ap.add_argument("--skip-plain", action="store_true", help="time citygraph only")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        {"plain": lambda: worker_plain(args.files, args.out), "citygraph": lambda: worker_citygraph(args.files, args.out),
         "build": lambda: worker_build(args.out)}[args.worker]()
        return
    results: dict = {}
    queries_out: list = []
    with tempfile.TemporaryDirectory(prefix="citygraph-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for size in args.sizes.split(","):
            files = prepare(size, tmp)
            results[size] = {}
            kinds = ["citygraph"] + ([] if args.skip_plain else ["plain"]) + (["build"] if size == "world" else [])
            for kind in kinds:
                out = tmp / f"{size}-{kind}"
                out.mkdir()
                print(f"[bench] {size}: {kind} …", file=sys.stderr, flush=True)
                res = run_worker(kind, files, out, args.plain_timeout if kind == "plain" else 3600)
                if res.get("error"):
                    print(f"[bench] {size} {kind} failed:\n{res['error']}", file=sys.stderr)
                results[size][kind] = res
                if kind == "build":
                    queries_out = res["queries"]
    print(f"Machine: {machine()}\n")
    print(table(results, args.plain_timeout))
    if queries_out:
        print("\nStored queries on the world graph (median of 5 runs, default build):\n")
        print("| query | median | rows |\n|---|---|---|")
        for q in queries_out:
            med = "—" if q["median_ms"] is None else f"{q['median_ms']:.1f} ms"
            print(f"| {q['query']} | {med} | {q['rows']} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
