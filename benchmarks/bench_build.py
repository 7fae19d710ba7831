"""`citygraph build` as a command, first build of new inputs: wall time, CPU time, peak memory.

Runs `python -m citygraph build --scope all` with an empty CITYGRAPH_CACHE_DIR (so the build
keeps its store: the first build of new inputs) into a new --out folder, and samples the whole
process tree every 20 ms: the memory is the largest sum, at one instant, of every live
process's proportional set size (PSS, /proc/PID/smaps_rollup: pages shared copy-on-write by
the build and any process it forks are counted once, split between them), and the largest sum
of resident sizes (RSS, shared pages counted in each process: an upper bound). CPU time is
user + system of the command and every process it waited for.

Variants, interleaved run by run so they meet the same load:
  overlap     this checkout: validation while a thread copies the store to disk; then the dumps
  sequential  this checkout with CITYGRAPH_SEQUENTIAL=1: validation, the copy and the dumps one after the other
  before      another checkout's src/ (--before DIR), e.g. `git archive da7badb src | tar -x -C /tmp/before`

    python benchmarks/bench_build.py --runs 2
    python benchmarks/bench_build.py --runs 2 --before /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model, load_average, memory_gib  # benchmarks/machine.py, beside this script

REPO = Path(__file__).resolve().parents[1]


def _tree(root: int) -> list[int]:
    """root and its descendants (from /proc/PID/task/*/children)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def _kib(pid: int, fields: tuple[str, ...]) -> dict[str, int]:
    out = dict.fromkeys(fields, 0)
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in out:
                    out[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


def run_once(variant: str, before: Path | None) -> dict | None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if variant == "sequential":
        env["CITYGRAPH_SEQUENTIAL"] = "1"
    else:
        env.pop("CITYGRAPH_SEQUENTIAL", None)
    if variant == "before":
        env["PYTHONPATH"] = str(before)
    with tempfile.TemporaryDirectory(prefix="citygraph-bench-build-") as tmp:
        env["CITYGRAPH_CACHE_DIR"] = str(Path(tmp) / "cache")  # empty: a first build, which keeps its store
        cmd = [sys.executable, "-m", "citygraph", "build", "--scope", "all", "--out", str(Path(tmp) / "dist")]
        load = load_average()
        usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp)
        peak_pss = peak_rss = most = 0
        by_pid: dict[int, int] = {}
        while proc.poll() is None:
            pids = _tree(proc.pid)
            sizes = [_kib(p, ("Pss", "Rss")) for p in pids]
            for p, s in zip(pids, sizes, strict=True):
                by_pid[p] = max(by_pid.get(p, 0), s["Pss"])
            peak_pss = max(peak_pss, sum(s["Pss"] for s in sizes))
            peak_rss = max(peak_rss, sum(s["Rss"] for s in sizes))
            most = max(most, len(pids))
            time.sleep(0.02)
        wall = time.perf_counter() - start
        out, err = proc.communicate()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(f"[bench] {variant}: exit {proc.returncode}\n{err[-2000:]}", file=sys.stderr, flush=True)
        return None
    seconds = next((line for line in out.splitlines() if line.startswith("seconds:")), "")
    return {"variant": variant, "wall": wall, "cpu": (usage.ru_utime - usage0.ru_utime) + (usage.ru_stime - usage0.ru_stime),
            "pss": peak_pss / 1024, "each": [round(v / 1024) for v in by_pid.values()], "rss": peak_rss / 1024, "processes": most, "load": load, "stages": seconds}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=2, help="runs of each variant, interleaved (default 2)")
    ap.add_argument("--variants", default="overlap,sequential", help="comma-separated: overlap, sequential, before")
    ap.add_argument("--before", type=Path, help="the src/ folder of the code to compare with (variant 'before')")
    args = ap.parse_args(argv)
    variants = args.variants.split(",") + (["before"] if args.before and "before" not in args.variants else [])
    results = []
    for i in range(args.runs):
        for v in variants:
            print(f"[bench] run {i + 1}: {v} …", file=sys.stderr, flush=True)
            r = run_once(v, args.before)
            if r is None:
                continue
            print(f"[bench]   {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, PSS {r['pss']:.0f} MiB, RSS {r['rss']:.0f} MiB, "
                  f"load {r['load']:.1f}; peak PSS of each process {r['each']} MiB; {r['stages']}", file=sys.stderr, flush=True)
            results.append(r)
    gib = memory_gib()
    print(f"Machine: {cpu_model()}, {os.cpu_count()} CPUs" + (f", {gib:.0f} GiB RAM" if gib else "") + "\n")
    print("| `citygraph build --scope all`, first build | runs | wall (median) | CPU (median) | peak PSS, all processes (max) "
          "| peak RSS summed (max) | processes | load average |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for v in variants:
        rs = [r for r in results if r["variant"] == v]
        if not rs:
            continue
        print(f"| {v} | {len(rs)} | {statistics.median(r['wall'] for r in rs):.1f} s | {statistics.median(r['cpu'] for r in rs):.1f} s "
              f"| {max(r['pss'] for r in rs):.0f} MiB | {max(r['rss'] for r in rs):.0f} MiB | {max(r['processes'] for r in rs)} "
              f"| {min(r['load'] for r in rs):.1f}–{max(r['load'] for r in rs):.1f} |")


if __name__ == "__main__":
    main()
