"""First visits of linked-data pages and of their pictures: the time to render what the server has not kept yet.

The application runs in-process (httpx's ASGI transport, no socket, started and stopped through
its lifespan as uvicorn does) over the built store, with the same page sample as
benchmarks/serve.py (places with ties, ties, events, people and sources, drawn with a fixed
seed) and `--max-rows 1000000` as there. Nothing is kept between visits (Kept(max_bytes=0)), so
each request renders its page or draws its picture from the graph.

A page names its pictures (a city its map and ties timeline, a tie its timeline; the landing
page the world's growth chart and map) and the browser asks for each in a request of its own
(serve/pages/figures.py). So there are two mixes, reported as separate rows:

  pages     every page of the sample once, at the given concurrency
  pictures  every picture those pages name once, at the given concurrency

With `--mix apart` (the default) the page pass runs first, then the picture pass; with
`--mix browser` each of the `--concurrency` visitors asks for a page and then, as a browser
does, for its pictures all at once, so pages and pictures share the process as they would.
The process's own start comes first, timed as rows of their own: its start-up before it serves
(the stored-query catalogue, the templates, the world pictures drawn once per process), then
the landing page and its two pictures. Prints p50/p95/max per kind and in all, the slowest
requests, the process's CPU time beside the wall time, and the load average: the machine is
shared, so compare runs made together.

    python benchmarks/first_visit.py --scope all
    python benchmarks/first_visit.py --scope all --concurrency 8
    python benchmarks/first_visit.py --scope all --concurrency 8 --mix browser
    python benchmarks/first_visit.py --store /path/to/store --profile 20   # cProfile, top 20
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import re
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
PICTURE = re.compile(r'data-picture="([^"]+)"')


def kind_of(path: str) -> str:
    """city, tie, event, person, source for pages; the picture's name (map, ties, timeline, growth, world) for pictures."""
    if path.startswith("/pictures/"):
        return path.rsplit("/", 1)[1].removesuffix(".svg")
    return {"place": "city", "partnership": "tie"}.get(path.split("/")[2], path.split("/")[2])


class Visits:
    """Timed GETs through one client: path -> seconds, and the pictures each page names."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.times: dict[str, float] = {}
        self.named: dict[str, list[str]] = {}

    async def get(self, path: str) -> None:
        t = time.perf_counter()
        answer = await self.client.get(path, headers={"Accept": "text/html"})
        self.times[path] = time.perf_counter() - t
        assert answer.status_code == 200, (path, answer.status_code)
        if not path.startswith("/pictures/"):
            self.named[path] = PICTURE.findall(answer.text)

    async def each(self, paths: list[str], concurrency: int, then_pictures: bool = False) -> None:
        """Each path once, at most `concurrency` in flight; with then_pictures a visitor asks for a page's pictures at once after it."""
        todo = list(paths)

        async def visitor():
            while todo:
                path = todo.pop(0)
                await self.get(path)
                if then_pictures:
                    await asyncio.gather(*(self.get(p) for p in self.named[path]))

        await asyncio.gather(*(visitor() for _ in range(concurrency)))


async def run(site: Site, paths: list[str], concurrency: int, mix: str) -> tuple[Visits, Visits]:
    """The process's start (landing page and world pictures), then the pages and their pictures: (start, visits)."""
    app = create_app(site)
    transport = httpx.ASGITransport(app=app)
    began = time.perf_counter()
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=600) as client:  # as uvicorn starts it
        start = Visits(client)
        start.times["(start-up)"] = time.perf_counter() - began  # the lifespan: catalogue, templates, world pictures
        await start.get("/")
        for picture in start.named["/"]:
            await start.get(picture)
        visits = Visits(client)
        if mix == "browser":
            await visits.each(paths, concurrency, then_pictures=True)
        else:
            await visits.each(paths, concurrency)
            await visits.each([p for path in paths for p in visits.named[path]], concurrency)
    return start, visits


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[int(q * (len(ordered) - 1))]


def rows(times: dict[str, float], what: str) -> list[tuple[str, list[float]]]:
    kinds: dict[str, list[float]] = {}
    for path, s in times.items():
        kinds.setdefault(kind_of(path), []).append(s)
    return sorted(kinds.items()) + ([(f"all {what}", list(times.values()))] if times else [])


def report(start: Visits, visits: Visits, loads: tuple[float, float], wall: float, cpu: float) -> None:
    print("| requests | kind | n | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|")
    for path, s in start.times.items():
        what = {"/": "landing page", "(start-up)": "start-up (before serving)"}.get(path) or kind_of(path)
        print(f"| process start | {what} | 1 | {1000 * s:.1f} | | |")
    pages = {p: s for p, s in visits.times.items() if not p.startswith("/pictures/")}
    pictures = {p: s for p, s in visits.times.items() if p.startswith("/pictures/")}
    for what, times in (("pages", pages), ("pictures", pictures)):
        for kind, values in rows(times, what):
            print(f"| {what} | {kind} | {len(values)} | {1000 * statistics.median(values):.1f} | {pct(values, 0.95):.1f} | {1000 * max(values):.1f} |")
    for what, times in (("pages", pages), ("pictures", pictures)):
        print(f"slowest {what}:", ", ".join(f"{p} {1000 * s:.0f} ms" for p, s in sorted(times.items(), key=lambda kv: -kv[1])[:5]))
    print(f"sum of requests: pages {sum(pages.values()):.2f} s, pictures {sum(pictures.values()):.2f} s; "
          f"the run (its start included) took {wall:.2f} s of wall time and {cpu:.2f} s of this process's CPU")
    print(f"load average (1 min): {loads[0]:.1f} at the start, {loads[1]:.1f} at the end")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--store", help="an on-disk pyoxigraph store to open read-only instead of the cached build")
    ap.add_argument("--pages", type=int, default=100, help="distinct pages (as benchmarks/serve.py)")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--mix", choices=("apart", "browser"), default="apart",
                    help="apart: all pages, then all their pictures; browser: each page, then its pictures at once")
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
    wall, cpu = time.perf_counter(), time.process_time()
    start, visits = asyncio.run(run(site, paths, args.concurrency, args.mix))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profile:
        profile.disable()
    print(f"{len(paths)} pages and the {sum(1 for p in visits.times if p.startswith('/pictures/'))} pictures they name, "
          f"first visits at concurrency {args.concurrency} ({args.mix})")
    report(start, visits, (loads, os.getloadavg()[0]), wall, cpu)
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
