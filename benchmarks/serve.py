"""`citygraph serve` under load, against `oxigraph serve` on the same data, in one run.

Starts both servers on 127.0.0.1 (ours as `citygraph serve`, a uvicorn subprocess; Oxigraph's
HTTP server loaded with the same quads, default graph = union), then a bounded load generator
(a fixed number of requests per cell, at most C in flight) sends, at concurrency 1, 8 and 32:

  api      the stored-query mix as GET /api/queries/{name} (every local query, example values)
  sparql   the same bound query texts as GET /sparql (SPARQL results JSON / Turtle)
  oxigraph the same texts to oxigraph's /query, same Accept
  pages    linked-data pages (HTML) of places, ties, events, people and sources

and prints a Markdown table (requests, errors, req/s, p50 and p95 ms), the ratio of our /sparql
throughput to Oxigraph's at each concurrency, and the server's resident memory before and after.
Client and servers share the machine: compare ratios within one run, not absolute figures.

    python benchmarks/serve.py --scope nanjing --requests 400
    python benchmarks/serve.py --scope all --requests 1000 --concurrency 1,8,32
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citygraph import cache
from citygraph.query.binding import bind, bound_text
from citygraph.query.catalogue import catalogue

GRAPH_ACCEPT = "text/turtle"
RESULTS_ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, what: str, seconds: float = 900) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start") from None
            time.sleep(0.2)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stored_mix() -> list[tuple[str, dict, str, str]]:
    """(name, example values, bound text, Accept) of every local stored query."""
    out = []
    for q in catalogue():
        if q.federated:
            continue
        values = q.example_values()
        accept = GRAPH_ACCEPT if q.form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
        out.append((q.name, values, bound_text(q, bind(q, values)), accept))
    return out


def page_paths(store: ox.Store, n: int = 40) -> list[str]:
    """Pages of places with ties, ties, events, people and sources, sampled with a fixed seed."""
    base = "https://w3id.org/citygraph/"
    paths = []
    for cls in ("City", "Partnership", "Event", "Person", "Source"):
        rows = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x a <{base}ontology#{cls}> FILTER(STRSTARTS(STR(?x), '{base}id/')) }} ORDER BY ?x LIMIT 2000",
                           use_default_graph_as_union=True)
        iris = [r["x"].value for r in rows]
        random.Random(cls).shuffle(iris)
        paths += ["/" + i[len(base):] for i in iris[: n // 5]]
    return paths or ["/id/place/Q16666"]


async def load(requests: list[tuple[str, dict, dict]], base: str, concurrency: int) -> dict:
    """Send every request with at most `concurrency` in flight; latencies and errors."""
    latencies: list[float] = []
    errors = 0
    queue = list(requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        async def worker():
            nonlocal errors
            while queue:
                path, params, headers = queue.pop()
                t0 = time.perf_counter()
                try:
                    resp = await client.get(path, params=params, headers=headers)
                    await resp.aread()
                    if resp.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    latencies.sort()
    return {"n": len(latencies), "errors": errors, "rps": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000, "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000}


def cycle(items: list, n: int) -> list:
    return [items[i % len(items)] for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--requests", type=int, default=500, help="requests per mix and concurrency")
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--workers", type=int, default=1, help="citygraph serve --workers")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    print(f"building or opening the {args.scope} graph …", file=sys.stderr)
    store = cache.built_store(args.scope, progress=lambda m: print("  " + m, file=sys.stderr))
    mix = stored_mix()
    pages = page_paths(store)
    tmp = Path(tempfile.mkdtemp(prefix="citygraph-bench-serve-"))
    nq = tmp / "data.nq"
    store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    quads = len(store)
    del store

    exe_ox = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    subprocess.run([exe_ox, "load", "--location", str(tmp / "ox"), "--file", str(nq)], check=True, capture_output=True)
    ox_port, our_port = free_port(), free_port()
    logs = contextlib.ExitStack()
    ox_log = logs.enter_context(open(tmp / "oxigraph.log", "wb"))  # noqa: SIM115 - closed by the ExitStack
    our_log = logs.enter_context(open(tmp / "serve.log", "wb"))  # noqa: SIM115 - closed by the ExitStack
    oxi = subprocess.Popen([exe_ox, "serve", "--location", str(tmp / "ox"), "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                           stdout=ox_log, stderr=subprocess.STDOUT)
    ours = subprocess.Popen([str(Path(sys.executable).with_name("citygraph")), "serve", "--scope", args.scope, "--port", str(our_port),
                             "--max-rows", "1000000", "--timeout", "120", "--queue", "1000", "--queue-wait", "600",
                             "--workers", str(args.workers)],
                            stdout=our_log, stderr=subprocess.STDOUT, env=os.environ)
    try:
        wait_for(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", oxi, "oxigraph serve")
        wait_for(f"http://127.0.0.1:{our_port}/health", ours, "citygraph serve")
        ours_url, ox_url = f"http://127.0.0.1:{our_port}", f"http://127.0.0.1:{ox_port}"
        cells = {
            "api": (ours_url, [(f"/api/queries/{name}", values, {"Accept": accept}) for name, values, _t, accept in mix]),
            "sparql": (ours_url, [("/sparql", {"query": text}, {"Accept": accept}) for _n, _v, text, accept in mix]),
            "oxigraph": (ox_url, [("/query", {"query": text}, {"Accept": accept}) for _n, _v, text, accept in mix]),
            "pages": (ours_url, [(p, {}, {"Accept": "text/html"}) for p in pages]),
        }
        for base, reqs in cells.values():  # warm up: every request once
            asyncio.run(load(reqs, base, 4))
        rss_start = rss_kb(ours.pid)
        table = []
        for c in levels:
            for name, (base, reqs) in cells.items():
                r = asyncio.run(load(cycle(reqs, args.requests), base, c))
                table.append((name, c, r))
                print(f"  {name:9} c={c:<3} {r['rps']:8.1f} req/s  p95 {r['p95']:8.1f} ms  errors {r['errors']}", file=sys.stderr)
        rss_end = rss_kb(ours.pid)
    finally:
        for proc in (ours, oxi):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        logs.close()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nscope {args.scope}: {quads:,} quads; {len(mix)} stored queries, {len(pages)} pages; "
          f"{args.requests} requests per cell; citygraph serve --workers {args.workers}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print("\n| mix | concurrency | requests | errors | req/s | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|")
    for name, c, r in table:
        print(f"| {name} | {c} | {r['n']:,} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} |")
    rps = {(name, c): r["rps"] for name, c, r in table}
    print("\n/sparql throughput as a share of oxigraph serve's: "
          + ", ".join(f"c={c}: {rps[('sparql', c)] / rps[('oxigraph', c)]:.0%}" for c in levels))
    total = sum(r["n"] for _n, _c, r in table)
    errors = sum(r["errors"] for _n, _c, r in table)
    print(f"errors: {errors} in {total:,} requests; citygraph serve resident memory {rss_start / 1024:.0f} MB after warm-up, "
          f"{rss_end / 1024:.0f} MB at the end ({(rss_end - rss_start) / max(rss_start, 1):+.1%})")


if __name__ == "__main__":
    main()
