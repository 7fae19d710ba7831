"""Real servers for the tests, each on 127.0.0.1: triple stores with a temporary database, and
plain HTTP servers that answer as a test's handler says (a remote endpoint stood in for).

- Oxigraph: `oxigraph serve --location TMP --bind 127.0.0.1:PORT` (pip package `oxigraph`);
  Graph Store at /store, SPARQL at /query, no authentication.
- OpenLink Virtuoso (Debian's virtuoso-opensource, /usr/bin/virtuoso-t): a virtuoso.ini
  written into TMP with free ports, a database created there on first start (user dba,
  password dba); the authenticated Graph Store endpoint /sparql-graph-crud-auth takes HTTP
  Digest as dba; SPARQL at /sparql.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}/vsp
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """A threaded HTTP server on a free port of 127.0.0.1, answering with `handler`, stopped on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Store:
    """A running store: where to push, where to ask, and how to stop it."""

    name: str
    graph_store: str
    sparql: str
    proc: subprocess.Popen
    folder: Path
    env: dict[str, str] = field(default_factory=dict)  # credentials the store needs

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-2000:] for p in self.folder.glob("*.log"))


def _wait(store: Store, seconds: float) -> Store:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(store.sparql + "?query=ASK%7B%7D", timeout=5) as resp:
                if resp.status == 200:
                    return store
        except (urllib.error.URLError, OSError):
            pass
        if store.proc.poll() is not None or time.monotonic() > deadline:
            store.stop()
            raise RuntimeError(f"{store.name} did not start:\n{store.log()}")
        time.sleep(0.3)


def start_oxigraph(folder: Path, data: Path | None = None, union: bool = False) -> Store:
    """`oxigraph serve` on a new database in `folder`, first loaded with `data` if given.

    `union`: the default graph is the union of the named graphs (`--union-default-graph`).
    """
    exe = shutil.which("oxigraph")
    if exe is None:
        raise RuntimeError("the `oxigraph` server CLI is not installed (pip install oxigraph; it is in the test extra)")
    folder.mkdir(parents=True, exist_ok=True)
    location = str(folder / "db")
    if data is not None:
        subprocess.run([exe, "load", "--location", location, "--file", str(data)], check=True, capture_output=True, timeout=300)
    port = free_port()
    log = open(folder / "oxigraph.log", "wb")  # noqa: SIM115 - the server writes it until stopped
    proc = subprocess.Popen([exe, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"]
                            + (["--union-default-graph"] if union else []), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    return _wait(Store("oxigraph", f"{base}/store", f"{base}/query", proc, folder), 60)


def start_virtuoso(folder: Path) -> Store:
    if not Path(VIRTUOSO).exists():
        raise RuntimeError(f"{VIRTUOSO} is missing: install Debian's virtuoso-opensource (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port))
    proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    store = Store("virtuoso", f"{base}/sparql-graph-crud-auth", f"{base}/sparql", proc, folder,
                  {"CITYGRAPH_STORE_USER": "dba", "CITYGRAPH_STORE_PASSWORD": "dba"})
    return _wait(store, 180)


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
