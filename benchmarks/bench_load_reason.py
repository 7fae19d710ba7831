"""The load and reason stages of a build, each run in a fresh process, optionally against other code.

Each run is a fresh Python process that loads the scope's sources (`build.load_sources`), then
reasons (`reason.materialise` and `status.materialise`), and reports the CPU seconds (user +
system) and wall seconds of each stage, and the load average. With `--baseline DIR` (the `src`
folder of another checkout, e.g. made with `git archive <commit> | tar -x -C DIR`) the two are
run interleaved, run by run, so both meet the same machine; the compiled schema is warmed first.

    python benchmarks/bench_load_reason.py                                   # this code, 5 runs
    python benchmarks/bench_load_reason.py --baseline /tmp/old/src --runs 5  # old and new, interleaved
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import cpu_model, load_average, memory_gib  # noqa: E402

HERE_SRC = Path(__file__).resolve().parents[1] / "src"

ONE_RUN = """
import json, os, resource, time
from citygraph import build
from citygraph.reason import materialise, status

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

w0, c0 = time.perf_counter(), cpu()
built = build.load_sources(SCOPE)
w1, c1 = time.perf_counter(), cpu()
materialise.materialise(built)
status.materialise(built)
w2, c2 = time.perf_counter(), cpu()
print(json.dumps({"load": [c1 - c0, w1 - w0], "reason": [c2 - c1, w2 - w1], "quads": len(built.store),
                  "load_average": os.getloadavg()[0]}))
"""


def run_once(src: Path, scope: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", ONE_RUN.replace("SCOPE", repr(scope))], env=env, cwd="/",
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(runs: list[dict], stage: str) -> str:
    cpu = [r[stage][0] for r in runs]
    wall = [r[stage][1] for r in runs]
    return (f"{min(cpu):.2f} / {statistics.median(cpu):.2f} s | "
            f"{min(wall):.2f} / {statistics.median(wall):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="the src/ folder of the code to compare with")
    args = ap.parse_args()
    codes = {"this code": HERE_SRC} | ({"baseline": args.baseline} if args.baseline else {})
    for src in codes.values():
        run_once(src, "none")  # warm the compiled schema (reason/schema_cache.py) of each
    results: dict[str, list[dict]] = {name: [] for name in codes}
    for _ in range(args.runs):
        for name, src in codes.items():
            results[name].append(run_once(src, args.scope))
    mem = memory_gib()
    print(f"{cpu_model()}, {os.cpu_count()} cores" + (f", {mem:.1f} GiB" if mem else "")
          + f"; scope {args.scope}, {args.runs} runs each, interleaved; load average now {load_average():.1f}\n")
    print("| code | quads | load CPU min / median | load wall min / median | reason CPU min / median "
          "| reason wall min / median | load average |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        loads = [r["load_average"] for r in runs]
        load_cols = summary(runs, "load")
        reason_cols = summary(runs, "reason")
        print(f"| {name} | {runs[0]['quads']:,} | {load_cols} | {reason_cols} | {min(loads):.1f}–{max(loads):.1f} |")


if __name__ == "__main__":
    main()
