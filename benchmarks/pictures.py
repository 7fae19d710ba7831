"""Pictures: how long each takes on the world graph, and what they add to the world build.

Targets (issue 15): the world map of all ties in ≤ 5 s, a city map in ≤ 200 ms (warm), and the
build's pictures (dist/pictures/: world map + growth chart) adding ≤ 15 % to the world build.

One run, one process: the world graph is built once (load → reason → validate, timed), its
dumps written once without and once with the pictures writer; then each picture is rendered
--runs times on the built in-memory store (the first run is reported apart as "cold") and
the median printed. The PNG column is CairoSVG on the SVG just made. Prints a Markdown table.

    python benchmarks/pictures.py            # --runs 7
    python benchmarks/pictures.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

CASES = [
    ("world map", "map", {}),
    ("city map (Nanjing)", "map", {"city": "Q16666"}),
    ("tie timeline (Nagoya–Nanjing)", "timeline", {"tie": "partnership:Q11751-Q16666"}),
    ("city timeline (Nanjing)", "timeline", {"city": "Q16666"}),
    ("growth (world)", "growth", {}),
    ("growth (Nanjing)", "growth", {"city": "Q16666"}),
]
TARGETS = {"world map": 5.0, "city map (Nanjing)": 0.2}


def timed(fn, runs: int) -> tuple[float, float, object]:
    """(first run, median of the following runs, last result)."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    rest = []
    for _ in range(max(runs - 1, 1)):
        t0 = time.perf_counter()
        out = fn()
        rest.append(time.perf_counter() - t0)
    return first, statistics.median(rest), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    from citygraph.build import build
    from citygraph.pictures import png, render
    from citygraph.pictures.output import write_build_pictures
    from citygraph.publish.dump import write_dumps

    t0 = time.perf_counter()
    built = build()
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_dumps(built, Path(tmp) / "plain")
        dump_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_dumps(built, Path(tmp) / "with", writers=[write_build_pictures])
        dump_pictures_s = time.perf_counter() - t0
        pictures_s = built.timings["pictures"]

    print(f"world graph: {len(built.store):,} quads; build (load, reason, validate) {build_s:.1f} s, dumps {dump_s:.1f} s\n")
    print("| picture | cold s | warm s (median) | target | SVG kB | PNG s |")
    print("|---|---|---|---|---|---|")
    for name, kind, kw in CASES:
        first, median, svg = timed(lambda kind=kind, kw=kw: render(kind, built.store, **kw), args.runs)
        t0 = time.perf_counter()
        png.from_svg(svg)  # type: ignore[arg-type]
        png_s = time.perf_counter() - t0
        target = TARGETS.get(name)
        verdict = "" if target is None else (f"≤ {target:g} s: {'met' if median <= target else 'MISSED'}")
        print(f"| {name} | {first:.3f} | {median:.3f} | {verdict} | {len(svg) / 1000:.0f} | {png_s:.2f} |")  # type: ignore[arg-type]
    total = build_s + dump_s
    share = pictures_s / total
    print(f"\nbuild pictures (world map + growth, SVG): {pictures_s:.2f} s; dumps with them {dump_pictures_s:.1f} s "
          f"vs {dump_s:.1f} s without; {share:.1%} of the world build ({total:.1f} s) — target ≤ 15 %: "
          f"{'met' if share <= 0.15 else 'MISSED'}")


if __name__ == "__main__":
    main()
