"""`citygraph serve` under load, against `oxigraph serve` on the same data, in one run.

Starts both servers on 127.0.0.1 (ours as `citygraph serve`, a uvicorn subprocess; Oxigraph's
HTTP server loaded with the same quads, default graph = union), then a bounded load generator
(a fixed number of requests per cell, at most C in flight) sends, at each concurrency:

  api      the stored-query mix as GET /api/queries/{name} (every local stored query with its
           example values, except the heavy ones below)
  sparql   the same bound query texts as GET /sparql (SPARQL results JSON / Turtle)
  oxigraph the same texts to oxigraph's /query, same Accept
  pages    linked-data pages (HTML) of places, ties, events, people and sources
  pictures the pictures those pages name (a city's map and ties timeline, a tie's timeline:
           /pictures/…svg, each a request of its own that the browser makes after the page)

The heavy stored queries (whole-graph answers of more than --heavy-rows rows or triples:
`most-connected`, `status-on`, `twinned-with` on the world build) take seconds each, for
Oxigraph too; they are sent separately (api-heavy, sparql-heavy, oxigraph-heavy,
--heavy-requests per cell) so they neither drown the everyday mix nor take an hour.

Before the measured cells every request is sent once: the landing page first (the process's
own start: templates, the stored-query catalogue), then every page at concurrency 8, reported as
`pages-first`, each page's first visit (rendered from the graph, then kept by the server; the
`pages` cells after it are repeat visits), then every picture those pages name at concurrency 8,
reported as `pictures-first`. `--first-only` stops there (and starts no Oxigraph): the quick run
to compare first visits with `--workers 1` and `--workers 2`. With more than one worker, each
has its own kept pages, and a worker's first request for a page it has not rendered is a first
visit even if the other worker has it. The server's resident memory (VmRSS, summed over its
processes) is read after that warm-up and after every cell, so warming up and growing can be told
apart; with it the anonymous part (the heap: the rest is file pages such as mapped libraries), the
proportional share (Pss: pages the processes share counted once) and each process's own.

It prints Markdown tables (requests, errors, req/s, p50 and p95 ms), the ratio of our /sparql
throughput to Oxigraph's at each concurrency, the memory series (resident, anonymous,
proportional), and the load average.
Client and servers share the machine: compare ratios within one run, not absolute figures.

    python benchmarks/serve.py --scope nanjing --requests 200
    python benchmarks/serve.py --scope all                    # 10,000 requests or more in all
    python benchmarks/serve.py --scope all --first-only --workers 2   # first visits only, two worker processes
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

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


MEMORY_FIELDS = ("Rss", "Anonymous", "Pss")  # /proc/PID/smaps_rollup: resident, of it anonymous (not file pages), proportional


def memory_kb(pid: int) -> dict[str, int]:
    """A process's resident kB (VmRSS, the target's measure), the anonymous part of it (the heap:
    file pages such as the store's mapped files are the rest) and its proportional share (Pss:
    pages shared with the other workers counted once across them)."""
    out = dict.fromkeys(MEMORY_FIELDS, 0)
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in out:
                out[key] = int(rest.split()[0])
    return out


def stored_mix(store: ox.Store) -> list[tuple[str, dict, str, str, int]]:
    """(name, example values, bound text, Accept, answer size) of every local stored query."""
    out = []
    for q in catalogue():
        if q.federated:
            continue
        values = q.example_values()
        accept = GRAPH_ACCEPT if q.form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
        text = bound_text(q, bind(q, values))
        answer = store.query(text, use_default_graph_as_union=True)
        size = 1 if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)
        out.append((q.name, values, text, accept, size))
    return out


def page_paths(store: ox.Store, n: int) -> list[str]:
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


class Connection:
    """One keep-alive HTTP/1.1 connection: GET and read the whole answer (Content-Length or chunked).

    The load generator shares the machine with the servers, so it is kept cheap: a bare client
    on asyncio streams spends a fraction of the CPU a full client library does per request, so
    the latencies measured are the servers', not the client's."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 24)
        assert self.reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{head}\r\n".encode("latin-1"))
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")  # the empty trailer
        else:
            body = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return int(status_line.split()[1]), body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def load(requests: list[tuple[str, dict, dict]], base: str, concurrency: int, bodies: dict | None = None) -> dict:
    """Send every request with at most `concurrency` in flight; latencies, errors and their statuses.
    With `bodies`, each answer's body is kept there by path."""
    latencies: list[float] = []
    failures: Counter = Counter()
    queue = list(reversed(requests))
    url = urllib.parse.urlsplit(base)

    async def worker():
        conn = Connection(url.hostname or "127.0.0.1", url.port or 80)
        while queue:
            path, params, headers = queue.pop()
            target = path + ("?" + urllib.parse.urlencode(params) if params else "")
            t0 = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(conn.get(target, headers), 600)
                if bodies is not None:
                    bodies[path] = body
                if status != 200:
                    failures[f"{status} {path}"] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError) as err:
                failures[f"{type(err).__name__} {path}"] += 1
                await conn.close()
            latencies.append(time.perf_counter() - t0)
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {"n": len(latencies), "errors": sum(failures.values()), "failures": failures, "rps": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000, "p95": p95_ms(latencies), "latencies": latencies}


def p95_ms(latencies: list[float]) -> float:
    """The 95th percentile of sorted latencies (seconds), in ms."""
    return latencies[int(0.95 * (len(latencies) - 1))] * 1000


def cycle(items: list, n: int) -> list:
    return [items[i % len(items)] for i in range(n)]


def start_oxigraph(tmp: Path, nq: Path, logs: contextlib.ExitStack, procs: list) -> str:
    """Oxigraph's server over the same quads (appended to `procs`, to be stopped): its URL."""
    exe_ox = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    subprocess.run([exe_ox, "load", "--location", str(tmp / "ox"), "--file", str(nq)], check=True, capture_output=True)
    ox_port = free_port()
    ox_log = logs.enter_context(open(tmp / "oxigraph.log", "wb"))  # noqa: SIM115 - closed by the ExitStack
    oxi = subprocess.Popen([exe_ox, "serve", "--location", str(tmp / "ox"), "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                           stdout=ox_log, stderr=subprocess.STDOUT)
    procs.append(oxi)
    wait_for(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", oxi, "oxigraph serve")
    return f"http://127.0.0.1:{ox_port}"


def start_servers(args, tmp: Path, nq: Path | None, logs: contextlib.ExitStack, procs: list) -> tuple[subprocess.Popen, str, str]:
    """Oxigraph's server (unless `nq` is None) and ours (both appended to `procs`, to be stopped); ours, our URL, Oxigraph's URL."""
    ox_url = start_oxigraph(tmp, nq, logs, procs) if nq is not None else ""
    our_port = free_port()
    our_log = logs.enter_context(open(tmp / "serve.log", "wb"))  # noqa: SIM115 - closed by the ExitStack
    ours = subprocess.Popen([str(Path(sys.executable).with_name("citygraph")), "serve", "--scope", args.scope, "--port", str(our_port),
                             "--max-rows", "1000000", "--timeout", "120", "--queue", "1000", "--queue-wait", "600",
                             "--workers", str(args.workers)],
                            stdout=our_log, stderr=subprocess.STDOUT, env=os.environ)
    procs.append(ours)
    wait_for(f"http://127.0.0.1:{our_port}/health", ours, "citygraph serve")
    if args.workers > 1:
        time.sleep(5)  # /health answered from one worker; let the others finish starting (store, catalogue) too
    return ours, f"http://127.0.0.1:{our_port}", ox_url


def server_memory(proc: subprocess.Popen) -> dict[str, int]:
    """`memory_kb` of `citygraph serve` (with --workers N: its processes' sum, the parent's included),
    with each process's resident kB under its pid."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    pids = [proc.pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])
    each = {pid: memory_kb(pid) for pid in pids}
    return {field: sum(m[field] for m in each.values()) for field in MEMORY_FIELDS} | {"each": {pid: m["Rss"] for pid, m in each.items()}}


def html_get(paths: list[str]) -> list[tuple[str, dict, dict]]:
    return [(p, {}, {"Accept": "text/html"}) for p in paths]


def cells_of(mix, pages, ours_url: str, ox_url: str) -> dict[str, tuple[str, list]]:
    def stored(subset):
        return {"api": (ours_url, [(f"/api/queries/{name}", values, {"Accept": accept}) for name, values, _t, accept, _n in subset]),
                "sparql": (ours_url, [("/sparql", {"query": text}, {"Accept": accept}) for _n, _v, text, accept, _s in subset]),
                "oxigraph": (ox_url, [("/query", {"query": text}, {"Accept": accept}) for _n, _v, text, accept, _s in subset])}
    light, heavy = stored(mix["light"]), stored(mix["heavy"])
    return light | {"pages": (ours_url, html_get(pages))} | {k + "-heavy": v for k, v in heavy.items() if mix["heavy"]}


def first_visits(cells: dict, table: list) -> None:
    """The process's start (the landing page), then every page's first visit, then every picture's they name: at concurrency 8.
    Adds the `pictures` mix (the pictures the pages name) to `cells`."""
    base = cells["pages"][0]
    table.append(("start (landing page)", 1, asyncio.run(load(html_get(["/"]), base, 1))))  # templates, catalogue
    bodies: dict[str, bytes] = {}
    table.append(("pages-first", 8, asyncio.run(load(cells["pages"][1], base, 8, bodies))))  # every page's first visit
    named = list(dict.fromkeys(url.decode() for body in bodies.values() for url in re.findall(rb'<figure class="picture" id="[^"]*" data-picture="([^"]+)"', body)))
    cells["pictures"] = (base, html_get([u for u in named if not u.endswith(("/growth.svg", "/world.svg"))]))
    if cells["pictures"][1]:  # none from a server whose pages draw their pictures inline
        table.append(("pictures-first", 8, asyncio.run(load(cells["pictures"][1], base, 8))))
    else:
        del cells["pictures"]


def run_cells(args, levels: list[int], cells: dict, ours: subprocess.Popen) -> tuple[list, list]:
    table: list = []
    memory: list = []
    first_visits(cells, table)
    if args.first_only:
        memory.append(("after the first visits", server_memory(ours)))
        return table, memory
    for name, (base, reqs) in cells.items():  # warm up: every other request once
        if name not in ("pages", "pictures"):
            asyncio.run(load(reqs, base, 1 if name.endswith("-heavy") else 4))
    memory.append(("after warm-up", server_memory(ours)))
    for c in levels:
        for name, (base, reqs) in cells.items():
            heavy = name.endswith("-heavy")
            if heavy and c > 8:
                continue  # the heavy answers take seconds each: concurrency above 8 only queues them
            r = asyncio.run(load(cycle(reqs, args.heavy_requests if heavy else args.requests), base, c))
            table.append((name, c, r))
            memory.append((f"{name} c={c}", server_memory(ours)))
            print(f"  {name:15} c={c:<3} {r['rps']:8.1f} req/s  p95 {r['p95']:8.1f} ms  errors {r['errors']}  "
                  f"rss {memory[-1][1]['Rss'] / 1024:.0f} MB (anon {memory[-1][1]['Anonymous'] / 1024:.0f}, "
                  f"each {'/'.join(f'{kb / 1024:.0f}' for kb in memory[-1][1]['each'].values())})  load {os.getloadavg()[0]:.1f}", file=sys.stderr)
            for what, k in r["failures"].most_common(5):
                print(f"      {k} x {what}", file=sys.stderr)
    return table, memory


def report(args, quads: int, mix: dict, pages: list, table: list, memory: list, loads: list) -> None:
    levels = sorted({c for name, c, _r in table if name == "sparql"})
    print(f"\nscope {args.scope}: {quads:,} quads; {len(mix['light'])} stored queries in the mix, {len(mix['heavy'])} heavy "
          f"({', '.join(n for n, *_ in mix['heavy']) or 'none'}: more than {args.heavy_rows:,} rows); {len(pages)} pages; "
          f"{args.requests} requests per cell, {args.heavy_requests} per heavy cell; citygraph serve --workers {args.workers}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
          f"load average (1 min) {loads[0]:.1f} at the start, {loads[1]:.1f} at the end")
    print("\n| mix | concurrency | requests | errors | req/s | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|")
    for name, c, r in table:
        print(f"| {name} | {c} | {r['n']:,} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} |")
    rps = {(name, c): r["rps"] for name, c, r in table}
    if levels:
        print("\n/sparql throughput as a share of oxigraph serve's: "
              + ", ".join(f"c={c}: {rps[('sparql', c)] / rps[('oxigraph', c)]:.0%}" for c in levels)
              + "".join(f"; heavy c={c}: {rps[('sparql-heavy', c)] / rps[('oxigraph-heavy', c)]:.0%}" for c in levels if ("sparql-heavy", c) in rps))
    cells = {(name, c): r for name, c, r in table}
    for kind in ("pages", "pictures"):  # every request for them at concurrency 8: first visits and repeat visits together
        if (f"{kind}-first", 8) in cells and (kind, 8) in cells:
            both = sorted(cells[(f"{kind}-first", 8)]["latencies"] + cells[(kind, 8)]["latencies"])
            print(f"{kind} at concurrency 8, first and repeat visits together: {len(both):,} requests, p95 {p95_ms(both):.1f} ms")
    total = sum(r["n"] for _n, _c, r in table)
    errors = sum(r["errors"] for _n, _c, r in table)
    print(f"errors: {errors} in {total:,} requests")
    for field, what in (("Rss", "resident memory (VmRSS)"), ("Anonymous", "of it anonymous"), ("Pss", "proportional (Pss)")):
        series = [m[field] for _w, m in memory]
        start, end = series[0], series[-1]
        print(f"citygraph serve {what}: {start / 1024:.0f} MB after warm-up, {end / 1024:.0f} MB at the end "
              f"({(end - start) / max(start, 1):+.1%}), peak {max(series) / 1024:.0f} MB; after each cell: "
              + ", ".join(f"{kb / 1024:.0f}" for kb in series[1:]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scope", default="all")
    ap.add_argument("--requests", type=int, default=825, help="requests per cell (mix x concurrency) of the everyday mixes")
    ap.add_argument("--heavy-requests", type=int, default=6, help="requests per cell of the heavy stored queries (0: none)")
    ap.add_argument("--heavy-rows", type=int, default=5000, help="a stored query answering more rows or triples is heavy")
    ap.add_argument("--pages", type=int, default=100, help="distinct pages in the page mix")
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--workers", type=int, default=1, help="citygraph serve --workers")
    ap.add_argument("--first-only", action="store_true", help="only the process's start and the first visits of pages and pictures")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    loads = [os.getloadavg()[0]]

    print(f"building or opening the {args.scope} graph …", file=sys.stderr)
    store = cache.built_store(args.scope, progress=lambda m: print("  " + m, file=sys.stderr))
    stored = [] if args.first_only else stored_mix(store)
    mix = {"light": [m for m in stored if m[4] <= args.heavy_rows],
           "heavy": [m for m in stored if m[4] > args.heavy_rows] if args.heavy_requests else []}
    pages = page_paths(store, args.pages)
    tmp = Path(tempfile.mkdtemp(prefix="citygraph-bench-serve-"))
    nq: Path | None = None
    if not args.first_only:  # Oxigraph is compared on the query mixes only
        nq = tmp / "data.nq"
        store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    quads = len(store)
    del store

    logs = contextlib.ExitStack()
    procs: list[subprocess.Popen] = []
    try:
        ours, ours_url, ox_url = start_servers(args, tmp, nq, logs, procs)
        table, memory = run_cells(args, levels, cells_of(mix, pages, ours_url, ox_url), ours)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        logs.close()
        shutil.rmtree(tmp, ignore_errors=True)
    loads.append(os.getloadavg()[0])
    report(args, quads, mix, pages, table, memory, loads)


if __name__ == "__main__":
    main()
