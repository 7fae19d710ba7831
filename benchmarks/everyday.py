"""The everyday table: each command a person runs every minute, as a fresh process, beside its floor.

Every row is a new `python -m citygraph …` process (start-up, imports, opening the built store,
the answer), run N times (default 7) with rounds interleaved, so machine noise hits every row
alike: compare the ratios, not the seconds. The floors are measured in the same run: Python
itself (`python -c pass`), `python -c "import pyoxigraph"`, and for the large answer the
engine's own CONSTRUCT → N-Triples in a fresh process that opens the same store.

Before timing, the store of the scope is built (`citygraph build`), the catalogue and the schema
are cached, and byte code is compiled, as after any install: the sandbox this was written in
sets PYTHONDONTWRITEBYTECODE, which an installed package never meets, so it is cleared here.

    python benchmarks/everyday.py                 # scope all (the world build), 7 runs
    python benchmarks/everyday.py --scope nanjing --runs 11
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model, load_average  # benchmarks/machine.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
ONE_TIE = ROOT / "tests" / "data" / "validate" / "nagoya-valid.ttl"
PY = sys.executable

ENGINE = """
import sys, pyoxigraph as ox
from citygraph import cache
store = cache.built_store(sys.argv[1])
tw = "<https://w3id.org/citygraph/ontology#twinnedWith>"
q = "CONSTRUCT { ?a %s ?b } WHERE { ?a %s ?b }" % (tw, tw)
sys.stdout.buffer.write(store.query(q, use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES))
"""


def rows(scope: str) -> dict[str, list[str]]:
    cg = [PY, "-m", "citygraph"]
    return {
        "floor: python -c pass": [PY, "-c", "pass"],
        "floor: python -c 'import pyoxigraph'": [PY, "-c", "import pyoxigraph"],
        "floor: python -c 'import click, pyoxigraph'": [PY, "-c", "import click, pyoxigraph"],
        "citygraph --version": [*cg, "--version"],
        "citygraph info": [*cg, "info"],
        "citygraph queries": [*cg, "queries"],
        f"citygraph query partners --scope {scope}": [*cg, "query", "partners", "--scope", scope, "--format", "csv"],
        "citygraph validate one-tie.ttl": [*cg, "validate", str(ONE_TIE)],
        f"floor: engine CONSTRUCT -> N-Triples, fresh process ({scope})": [PY, "-c", ENGINE, scope],
        f"citygraph query twinned-with --format ntriples --scope {scope}": [*cg, "query", "twinned-with", "--scope", scope,
                                                                            "--format", "ntriples"],
    }


def timed(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the child) and output bytes of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True)
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu, len(proc.stdout)


def peak_rss(cmd: list[str], env: dict) -> float | None:
    """Peak resident memory of one run in MiB, by GNU time if present."""
    if not Path("/usr/bin/time").exists():
        return None
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        return int(proc.stderr.strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return None


# Issue #13's targets for the everyday commands: (row prefix, seconds, MiB or None)
TARGETS = [("citygraph query partners", 0.150, None), ("citygraph queries", 0.150, None),
           ("citygraph info", 0.300, 100), ("citygraph validate one-tie.ttl", 0.300, None)]


def verdicts(times: dict, cpus: dict, peaks: dict) -> list[str]:
    """One line per target: met or not, by the CPU median and by the wall median (a busy machine
    stretches wall time; on a quiet one the two are close)."""
    out = []
    for prefix, limit, mib in TARGETS:
        name = next(k for k in times if k.startswith(prefix))
        cpu, wall = statistics.median(cpus[name]), statistics.median(times[name])
        line = (f"{name}: CPU median {cpu * 1000:.0f} ms, wall median {wall * 1000:.0f} ms (target ≤ {limit * 1000:.0f} ms): "
                f"{'met' if cpu <= limit else 'NOT met'} by CPU, {'met' if wall <= limit else 'not met'} by wall")
        if mib is not None:
            peak = peaks.get(name)
            line += f"; peak {peak:.0f} MiB (target ≤ {mib} MiB): {'met' if peak is not None and peak <= mib else 'NOT met'}"
        out.append(line)
    return out


def machine() -> str:
    cpu, load = cpu_model(), load_average()
    import pyoxigraph

    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, load {load:.1f} at start; "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}")


def prepare(scope: str, env: dict) -> None:
    """Build the scope's store, fill the caches and write byte code, as any user's second run finds them."""
    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "citygraph", "build", "--scope", scope, "--out", f"{tmp}/dist"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"(citygraph build --scope {scope}: {time.perf_counter() - t0:.1f} s; its store is what the rows open)\n")
    for cmd in rows(scope).values():  # warm: caches filled, byte code written, pages in the OS cache
        timed(cmd, env)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(machine())
    prepare(args.scope, env)
    table = rows(args.scope)
    times: dict[str, list[float]] = {k: [] for k in table}
    cpus: dict[str, list[float]] = {k: [] for k in table}
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        for name, cmd in table.items():
            took, cpu, size = timed(cmd, env)
            times[name].append(took)
            cpus[name].append(cpu)
            sizes[name] = size
    floor = statistics.median(cpus["floor: python -c 'import pyoxigraph'"])
    engine = next(statistics.median(v) for k, v in times.items() if k.startswith("floor: engine"))
    peaks = {name: peak_rss(cmd, env) for name, cmd in table.items()}
    print(f"| command (fresh process, {args.runs} runs) | wall min | median | max | CPU min | CPU median | CPU max "
          "| CPU median − import pyoxigraph | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, ts in times.items():
        cs = cpus[name]
        peak = "—" if peaks[name] is None else f"{peaks[name]:.0f} MiB"
        print(f"| {name} | {min(ts) * 1000:.0f} ms | {statistics.median(ts) * 1000:.0f} ms | {max(ts) * 1000:.0f} ms | "
              f"{min(cs) * 1000:.0f} ms | {statistics.median(cs) * 1000:.0f} ms | {max(cs) * 1000:.0f} ms | "
              f"{(statistics.median(cs) - floor) * 1000:+.0f} ms | {peak} |")
    print()
    print("\n".join(verdicts(times, cpus, peaks)))
    load = load_average()
    print(f"load average at the end: {load:.1f}")
    tw = next(statistics.median(v) for k, v in times.items() if k.startswith("citygraph query twinned-with"))
    print(f"twinned-with from the command line ÷ the engine's own CONSTRUCT → N-Triples (both fresh processes): "
          f"{tw / engine:.2f}× (target ≤ 1.3×); outputs {sizes[next(k for k in table if k.startswith('citygraph query twinned'))]:,} "
          f"and {sizes[next(k for k in table if k.startswith('floor: engine'))]:,} bytes")


if __name__ == "__main__":
    main()
