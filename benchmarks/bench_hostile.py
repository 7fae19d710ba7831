"""What the hardening costs and how fast hostile input is refused (issue #11).

Prints, in one run:
- the wall-clock time of `citygraph validate billion-laughs.rdf` (a fresh process, as a user
  runs it): the issue asks for a refusal in under 5 s (it ran 115 s and took 8.9 GB before);
- the slowest and the total time of the hostile corpus's local cases (tests/data/hostile);
- the border checks' overhead on honest input: loading every shipped RDF file with
  `rdfio.load_file` (checks on) against pyoxigraph's bare parser, and `coverage.scan` on the
  world build's inputs, each the median of --rounds, interleaved.

    python benchmarks/bench_hostile.py
    python benchmarks/bench_hostile.py --rounds 11
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from citygraph.build import load_sources  # noqa: E402
from citygraph.load import rdfio  # noqa: E402
from citygraph.reason import coverage  # noqa: E402

HOSTILE = REPO / "tests" / "data" / "hostile"


def cli_seconds(*args: str) -> tuple[float, int]:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "citygraph", *args], capture_output=True, timeout=600)
    return time.perf_counter() - start, r.returncode


def local_cases() -> list[tuple[str, list[str]]]:
    out = []
    for line in (HOSTILE / "manifest.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        case, command, _code, _frag = line.split("\t")
        if "{case}" in command and "{" not in command.replace("{case}", "") and command.startswith(("validate", "import")):
            out.append((case, command.replace("{case}", str(HOSTILE / case)).split()))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()

    seconds, code = cli_seconds("validate", str(HOSTILE / "billion-laughs.rdf"))
    print("| measure | value |\n| --- | --- |")
    print(f"| `citygraph validate billion-laughs.rdf` (fresh process) | {seconds:.2f} s, exit {code} |")

    times = []
    for case, argv in local_cases():
        if "--out" in argv:
            argv[argv.index("--out") + 1] = "/tmp/citygraph-bench-hostile-out.ttl"
        s, _ = cli_seconds(*argv)
        times.append((s, case))
    slowest = max(times)
    print(f"| hostile corpus, {len(times)} local file cases | total {sum(t for t, _ in times):.1f} s, "
          f"slowest {slowest[0]:.2f} s ({slowest[1]}) |")

    files = sorted(p for p in (REPO / "data").rglob("*") if p.suffix in rdfio.FORMATS_BY_SUFFIX)
    files += sorted((REPO / "ontology").glob("*.ttl"))
    checked, bare = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        store = ox.Store()
        for f in files:
            rdfio.load_file(store, f, "https://example.org/g/" + f.name)
        checked.append(time.perf_counter() - t)
        t = time.perf_counter()
        store = ox.Store()
        for f in files:
            fmt = rdfio.format_for(f)
            store.bulk_load(path=str(f), format=fmt, to_graph=None if fmt.supports_datasets else ox.NamedNode("https://example.org/g/" + f.name))
        bare.append(time.perf_counter() - t)
    c, b = statistics.median(checked), statistics.median(bare)
    print(f"| load {len(files)} shipped RDF files: load_file (checks on) / bare bulk_load | "
          f"{c * 1000:.0f} ms / {b * 1000:.0f} ms = {c / b:.1f}x |")

    built = load_sources("all")
    scans = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        coverage.scan(built.store, built.ontology_graphs, built.data_graphs)
        scans.append(time.perf_counter() - t)
    print(f"| coverage.scan on the world build's inputs ({len(built.store):,} quads) | {statistics.median(scans) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
