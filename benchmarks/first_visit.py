"""First visits of linked-data pages: the time to render a page the server has not kept yet.

The application runs in-process (httpx's ASGI transport, no socket, started and stopped through
its lifespan as uvicorn does) over the built store, with
the same page sample as benchmarks/serve.py (places with ties, ties, events, people and sources,
drawn with a fixed seed) and `--max-rows 1000000` as there. After the process's own start (the
landing page: templates, the stored-query catalogue, the world pictures), every page is asked
once, at the given concurrency; nothing is kept between visits (Kept(max_bytes=0)), so each
request renders its page from the graph. Prints p50/p95/max per kind of page and in all, the
slowest pages, and the load average: the machine is shared, so compare runs made together.

    python benchmarks/first_visit.py --scope all
    python benchmarks/first_visit.py --scope all --concurrency 8
    python benchmarks/first_visit.py --store /path/to/store --profile 20   # cProfile, top 20
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from citygraph import cache  # noqa: E402
from citygraph.serve.app import create_app  # noqa: E402
from citygraph.serve.http.backend import LocalBackend  # noqa: E402
from citygraph.serve.http.limits import Limits  # noqa: E402
from citygraph.serve.pages.kept import Kept  # noqa: E402
from citygraph.serve.site import Site  # noqa: E402
from serve import page_paths  # noqa: E402 - benchmarks/serve.py's sample of pages

MAX_ROWS = 1_000_000


def kind_of(path: str) -> str:
    return {"place": "city", "partnership": "tie"}.get(path.split("/")[2], path.split("/")[2])


async def visit(site: Site, paths: list[str], concurrency: int) -> dict[str, float]:
    """Each path once, at most `concurrency` in flight: path -> seconds."""
    out: dict[str, float] = {}
    todo = list(paths)
    app = create_app(site)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=600) as client:  # as uvicorn starts it
        start = time.perf_counter()
        home = await client.get("/", headers={"Accept": "text/html"})
        assert home.status_code == 200, home.status_code
        print(f"process start (landing page): {1000 * (time.perf_counter() - start):.0f} ms", file=sys.stderr)

        async def worker():
            while todo:
                path = todo.pop(0)
                t = time.perf_counter()
                answer = await client.get(path, headers={"Accept": "text/html"})
                out[path] = time.perf_counter() - t
                assert answer.status_code == 200, (path, answer.status_code)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[int(q * (len(ordered) - 1))]


def report(times: dict[str, float], loads: tuple[float, float]) -> None:
    kinds: dict[str, list[float]] = {}
    for path, s in times.items():
        kinds.setdefault(kind_of(path), []).append(s)
    print("| pages | n | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for kind, values in sorted(kinds.items()) + [("all", list(times.values()))]:
        print(f"| {kind} | {len(values)} | {1000 * statistics.median(values):.1f} | {pct(values, 0.95):.1f} | {1000 * max(values):.1f} |")
    print("slowest:", ", ".join(f"{p} {1000 * s:.0f} ms" for p, s in sorted(times.items(), key=lambda kv: -kv[1])[:5]))
    print(f"load average (1 min): {loads[0]:.1f} at the start, {loads[1]:.1f} at the end; sum of renders {sum(times.values()):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--store", help="an on-disk pyoxigraph store to open read-only instead of the cached build")
    ap.add_argument("--pages", type=int, default=100, help="distinct pages (as benchmarks/serve.py)")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0, help="print cProfile's N costliest functions (cumulative)")
    args = ap.parse_args()
    store = ox.Store.read_only(args.store) if args.store else cache.built_store(args.scope)
    paths = page_paths(store, args.pages)
    site = Site(backend=LocalBackend(store=store, max_rows=MAX_ROWS), limits=Limits(max_rows=MAX_ROWS, timeout=120),
                kept=Kept(max_bytes=0))
    loads = os.getloadavg()[0]
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    times = asyncio.run(visit(site, paths, args.concurrency))
    if profile:
        profile.disable()
    print(f"{len(times)} first visits at concurrency {args.concurrency}")
    report(times, (loads, os.getloadavg()[0]))
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
