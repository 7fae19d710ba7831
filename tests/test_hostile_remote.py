"""Outbound requests only where asked, and remote faults as exit 3: real sockets on 127.0.0.1.

- SSRF: a real listener on 127.0.0.1 stands where a hostile query's SERVICE points; every path a
  query takes (an ad-hoc --file with or without a header, --endpoint, the Python API) must refuse
  the query without a single connection reaching it. The same query with --allow-service does
  reach it, which shows the listener would have seen a connection.
- A misbehaving SPARQL server (429, 5xx, a slow drip, a body cut short, HTML, a redirect loop, a
  redirect to another host, an endless body) for `query --endpoint` and `link check`: each ends
  with exit 3 and one line saying what happened, within the wall-clock --timeout.
"""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import run_cli
from stores import http_server

DATA = Path(__file__).parent / "data"
GRAPH = DATA / "validate" / "nagoya-valid.ttl"
OURS = DATA / "wikidata" / "ourgraph.ttl"
SELECT = DATA / "hostile" / "select-x.rq"
OK_BODY = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records whether anything connected."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(sock: socket.socket) -> int:
    n = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


def _service_query(tmp_path: Path, port: int, header: bool) -> Path:
    head = "#+ summary: a federated query to a loopback address\n#+ federated: true\n" if header else ""
    path = tmp_path / ("with-header.rq" if header else "no-header.rq")
    path.write_text(head + f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?p ?o }} }}\n")
    return path


@pytest.mark.parametrize("header", [False, True], ids=["no-header", "federated-header"])
def test_service_to_loopback_is_refused_without_a_connection(listener, tmp_path, header):
    port = listener.getsockname()[1]
    query = _service_query(tmp_path, port, header)
    for where in (["--graph", str(GRAPH)], ["--endpoint", f"http://127.0.0.1:{port}/other"]):
        r = run_cli("query", "--file", query, *where)
        assert r.exit_code == 2, r.stderr
        assert f"SERVICE <http://127.0.0.1:{port}/sparql> is not on the allow-list" in r.stderr
        assert "--allow-service" in r.stderr and "Traceback" not in r.stderr
    time.sleep(0.2)
    assert connections(listener) == 0


def test_run_local_refuses_an_off_list_service_without_a_connection(listener):
    import pyoxigraph as ox

    from citygraph.errors import BadInput
    from citygraph.query.results import run_local

    port = listener.getsockname()[1]
    with pytest.raises(BadInput, match="not on the allow-list"):
        run_local(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}", ox.Store())
    assert connections(listener) == 0


def test_allow_service_lets_the_request_through_and_the_local_timeout_stops_it(listener, tmp_path):
    port = listener.getsockname()[1]
    query = _service_query(tmp_path, port, header=False)
    start = time.monotonic()
    r = run_cli("query", "--file", query, "--graph", GRAPH, "--allow-service", f"http://127.0.0.1:{port}/sparql",
                "--timeout", "2")
    took = time.monotonic() - start
    assert r.exit_code == 2, r.stderr
    assert "ran longer than --timeout 2 s on the local graph" in r.stderr
    assert took < 30
    deadline = time.monotonic() + 5
    seen = 0
    while not seen and time.monotonic() < deadline:
        seen = connections(listener)
        time.sleep(0.05)
    assert seen >= 1  # the listener does see a connection when the user allows it


# --- a misbehaving server ------------------------------------------------------------------

class Misbehaving(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: dict[str, int] = {}

    def _go(self):
        if self.command == "POST":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        Misbehaving.hits[path] = Misbehaving.hits.get(path, 0) + 1
        getattr(self, "_" + path.strip("/").replace("-", "_"))()

    do_GET = do_POST = _go

    def _send(self, code, body=b"", ctype="application/sparql-results+json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _ok(self):
        self._send(200, OK_BODY)

    def _too_many(self):
        self._send(429, b"slow down", "text/plain", [("Retry-After", "0")])

    def _broken(self):
        self._send(502, b"bad gateway", "text/plain")

    def _html(self):
        self._send(200, b"<!DOCTYPE html><html><body>Welcome</body></html>", "text/html")

    def _loop(self):
        self._send(302, b"", headers=[("Location", "/loop")])

    def _elsewhere(self):
        port = self.server.server_address[1]
        self._send(302, b"", headers=[("Location", f"http://localhost:{port}/ok")])

    def _truncated(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", "5000")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(OK_BODY[:20])
        self.wfile.flush()
        self.close_connection = True

    def _drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(OK_BODY)))
        self.send_header("Connection", "close")
        self.end_headers()
        for byte in OK_BODY[:40]:  # bounded: at most 40 bytes, 0.25 s apart
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.25)

    def _huge(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b" " * 65536
        for _ in range(160):  # bounded: 10 MiB at most
            try:
                self.wfile.write(chunk)
            except OSError:
                return

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    with http_server(Misbehaving) as srv:
        yield f"http://127.0.0.1:{srv.server_address[1]}"


FAULTS = [
    ("/too-many", "HTTP 429"),
    ("/broken", "502"),
    ("/html", "HTML page"),
    ("/loop", "redirect"),
    ("/elsewhere", "another host or scheme"),
    ("/truncated", "cut short"),
    ("/drip", "within 2 s"),
    ("/huge", "--max-bytes 1,000,000"),
]


def test_the_server_answers_well_when_asked_well(server):
    r = run_cli("query", "--file", SELECT, "--endpoint", server + "/ok", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == ["x"]


@pytest.mark.parametrize("path, message", FAULTS, ids=[p for p, _ in FAULTS])
def test_query_endpoint_faults_are_exit_3(server, path, message):
    start = time.monotonic()
    r = run_cli("query", "--file", SELECT, "--endpoint", server + path, "--timeout", "2", "--max-bytes", "1000000")
    assert time.monotonic() - start < 8  # the timeout is for the whole request, not one read
    assert r.exit_code == 3, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert [line.startswith("citygraph: error:") for line in r.stderr.splitlines()] == [True]


@pytest.mark.parametrize("path, message", [f for f in FAULTS if f[0] != "/huge"], ids=[p for p, _ in FAULTS if p != "/huge"])
def test_link_faults_are_exit_3_and_nothing_is_cached(server, path, message, tmp_path, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    start = time.monotonic()
    r = run_cli("link", "check", "--data", OURS, "--endpoint", server + path, "--timeout", "2", "--retries", "0")
    assert time.monotonic() - start < 8
    assert r.exit_code == 3, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    cache = tmp_path / "cache" / "wikidata"
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_link_max_bytes_option_refuses_a_huge_answer(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    r = run_cli("link", "check", "--data", OURS, "--endpoint", server + "/huge", "--retries", "0", "--max-bytes", "1000000")
    assert r.exit_code == 3, r.stderr
    assert "larger than --max-bytes 1,000,000" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("damage", [b"", b"{\"results\": {\"bindings\": 3}}", b"\xff\xfe garbage", b"<html>cached error page</html>"],
                         ids=["empty", "wrong-shape", "garbage", "html"])
def test_a_damaged_link_cache_file_is_exit_3_naming_it(server, tmp_path, monkeypatch, damage):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    args = ("link", "check", "--data", OURS, "--endpoint", server + "/ok", "--retries", "0")
    assert run_cli(*args).exit_code == 0  # fills the cache
    files = sorted((tmp_path / "cache" / "wikidata").glob("*.json"))
    assert files
    for f in files:
        f.write_bytes(damage)
    r = run_cli(*args, "--offline")
    assert r.exit_code == 3, r.stderr
    assert "cache file" in r.stderr and "--refresh" in r.stderr and "Traceback" not in r.stderr
    assert run_cli(*args, "--refresh").exit_code == 0  # and --refresh mends it


def test_link_refuses_a_huge_answer(server, tmp_path, monkeypatch):
    from citygraph.errors import RemoteError
    from citygraph.link.client import WikidataClient

    client = WikidataClient(endpoint=server + "/huge", cache_dir=tmp_path, retries=0, timeout=5, max_bytes=1_000_000)
    with pytest.raises(RemoteError, match="--max-bytes 1,000,000"):
        client.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert list(tmp_path.glob("*.json")) == []


def test_a_refused_connection_fails_fast_saying_how_to_work_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: the connection is refused
    start = time.monotonic()
    r = run_cli("link", "check", "--data", OURS, "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert time.monotonic() - start < 5  # no half minute of retries
    assert r.exit_code == 3, r.stderr
    assert "needs the network" in r.stderr and "--offline" in r.stderr
