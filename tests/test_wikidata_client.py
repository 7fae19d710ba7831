"""The Wikidata client against a misbehaving HTTP server the tests start on 127.0.0.1:
rate limits with Retry-After, 500s, answers slower than the timeout, truncated JSON, HTML
error pages. Retries happen as specified; failures end in exit 3 with a clear message and
nothing half-written (no cache file, no output file). Issue 5. No test touches the internet."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from citygraph.errors import BadInput, RemoteError
from citygraph.link.client import (
    WikidataClient,
    parse_retry_after,
    user_agent,
    values_block,
)
from conftest import run_cli
from stores import http_server

OURS = Path(__file__).parent / "data" / "wikidata" / "ourgraph.ttl"
EMPTY = json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": []}}).encode()
ONE = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}).encode()


class Misbehaving(BaseHTTPRequestHandler):
    """Behaviour by path; every request is recorded as (path, headers, query)."""

    log: list = []
    counts: dict = {}

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status, body, content_type="application/sparql-results+json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, query):
        path = urllib.parse.urlsplit(self.path).path
        n = Misbehaving.counts[path] = Misbehaving.counts.get(path, 0) + 1
        Misbehaving.log.append((path, dict(self.headers), query, self.command))
        if path == "/ok":
            self._send(200, ONE)
        elif path == "/empty":
            self._send(200, EMPTY)
        elif path == "/429-then-ok":
            if n == 1:
                self._send(429, b"Too Many Requests", "text/plain", [("Retry-After", "1")])
            else:
                self._send(200, ONE)
        elif path == "/503-long-wait":
            self._send(503, b"busy", "text/plain", [("Retry-After", "3600")])
        elif path == "/500":
            self._send(500, b"java.lang.IllegalStateException", "text/plain")
        elif path == "/slow":
            time.sleep(1.5)
            with contextlib.suppress(OSError):  # the client may have given up already
                self._send(200, ONE)
        elif path == "/truncated":
            self._send(200, ONE[: len(ONE) // 2])
        elif path == "/html":
            self._send(200, b"<!DOCTYPE html><html><body><h1>Wikimedia Error</h1></body></html>", "text/html")
        elif path == "/not-sparql":
            self._send(200, b'{"error": "not a result set"}', "application/json")
        elif path == "/400":
            self._send(400, b"MalformedQueryException: bad", "text/plain")
        else:
            self._send(404, b"no such path", "text/plain")

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
        self._handle(query)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self._handle(urllib.parse.parse_qs(body).get("query", [""])[0])


@pytest.fixture(scope="module")
def server():
    with http_server(Misbehaving) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    Misbehaving.log.clear()
    Misbehaving.counts.clear()
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CITYGRAPH_WIKIDATA_RETRIES", "2")
    monkeypatch.setenv("CITYGRAPH_WIKIDATA_BACKOFF", "0.01")
    monkeypatch.setenv("CITYGRAPH_WIKIDATA_TIMEOUT", "5")
    monkeypatch.delenv("CITYGRAPH_WIKIDATA_ENDPOINT", raising=False)


def cache_files(tmp_path):
    folder = tmp_path / "cache" / "wikidata"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


Q = "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1"


# --- politeness ----------------------------------------------------------------------------

def test_user_agent_names_citygraph_version_and_homepage(server):
    from citygraph import __version__

    WikidataClient(endpoint=server + "/ok").select(Q)
    agent = Misbehaving.log[0][1]["User-Agent"]
    assert agent == user_agent()
    assert agent.startswith(f"citygraph/{__version__} (https://w3id.org/citygraph;")


def test_values_batches_are_bounded(server):
    client = WikidataClient(endpoint=server + "/empty", batch_size=2)
    client.select_batched("SELECT ?item WHERE { {values} }", "item", ["Q5", "Q1", "Q3", "Q2", "Q4", "Q1"])
    assert [entry[2] for entry in Misbehaving.log] == [
        "SELECT ?item WHERE { VALUES ?item { wd:Q1 wd:Q2 } }",
        "SELECT ?item WHERE { VALUES ?item { wd:Q3 wd:Q4 } }",
        "SELECT ?item WHERE { VALUES ?item { wd:Q5 } }",
    ]


def test_short_queries_go_by_get_long_ones_by_post(server):
    from citygraph.link.client import GET_LIMIT

    client = WikidataClient(endpoint=server + "/ok")
    client.select(Q)
    long_query = Q + "\n#" + "x" * GET_LIMIT
    client.select(long_query)
    assert [(entry[3], entry[2]) for entry in Misbehaving.log] == [("GET", Q), ("POST", long_query)]


def test_values_block_accepts_only_qids():
    assert values_block("city", ["Q16666"]) == "VALUES ?city { wd:Q16666 }"
    with pytest.raises(BadInput):
        values_block("city", ["Q1 } ; DROP"])


def test_batch_size_is_bounded():
    with pytest.raises(BadInput, match="between 1 and 200"):
        WikidataClient(endpoint="http://127.0.0.1:9/x", batch_size=1000)


def test_a_cached_answer_is_not_asked_again(server):
    first = WikidataClient(endpoint=server + "/ok")
    assert first.select(Q) == [{"x": {"type": "literal", "value": "1"}}]
    second = WikidataClient(endpoint=server + "/ok")
    second.select(Q)
    assert Misbehaving.counts["/ok"] == 1 and second.cache_hits == 1
    WikidataClient(endpoint=server + "/ok", refresh=True).select(Q)
    assert Misbehaving.counts["/ok"] == 2


def test_retry_after_parses_seconds_and_dates():
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None


# --- misbehaviour, library level -----------------------------------------------------------

def test_429_waits_as_long_as_retry_after_says_then_succeeds(server):
    waits = []
    client = WikidataClient(endpoint=server + "/429-then-ok", sleep=waits.append)
    assert client.select(Q) == [{"x": {"type": "literal", "value": "1"}}]
    assert waits == [1.0]
    assert Misbehaving.counts["/429-then-ok"] == 2


def test_repeated_500s_retry_with_backoff_then_fail(server, tmp_path):
    waits = []
    client = WikidataClient(endpoint=server + "/500", retries=3, backoff=0.5, sleep=waits.append)
    with pytest.raises(RemoteError, match=r"HTTP 500.*gave up after 4 attempts"):
        client.select(Q)
    assert waits == [0.5, 1.0, 2.0]  # doubling back-off
    assert Misbehaving.counts["/500"] == 4
    assert cache_files(tmp_path) == []


def test_a_complete_answer_of_the_wrong_shape_is_not_retried_nor_cached(server, tmp_path):
    out = tmp_path / "out.qs"
    r = run_cli("link", "diff", "--data", OURS, "--endpoint", server + "/not-sparql", "--timeout", "0.3",
                "--retries", "1", "--city", "Q16666", "--quickstatements", out)
    assert r.exit_code == 3, r.stderr
    assert "without a results.bindings list" in r.stderr and "Traceback" not in r.stderr
    assert Misbehaving.counts["/not-sparql"] == 1  # the same answer would come again
    assert not out.exists() and cache_files(tmp_path) == []


def test_a_retry_after_beyond_the_limit_fails_at_once(server):
    waits = []
    client = WikidataClient(endpoint=server + "/503-long-wait", sleep=waits.append)
    with pytest.raises(RemoteError, match="wait 3600 s"):
        client.select(Q)
    assert waits == [] and Misbehaving.counts["/503-long-wait"] == 1


def test_a_bad_query_is_not_retried(server):
    with pytest.raises(RemoteError, match="QueryBadFormed"):
        WikidataClient(endpoint=server + "/400").select(Q)
    assert Misbehaving.counts["/400"] == 1


# --- misbehaviour, through the CLI: exit 3, a clear message, nothing written ---------------

@pytest.mark.parametrize("path, message", [
    ("/500", "HTTP 500"),
    ("/slow", "no answer within 0.3 s"),
    ("/truncated", "JSON that does not parse"),
    ("/html", "HTML page, not SPARQL JSON"),
])
def test_failures_end_in_exit_3_with_nothing_written(server, tmp_path, path, message):
    out = tmp_path / "out.qs"
    r = run_cli("link", "diff", "--data", OURS, "--endpoint", server + path, "--timeout", "0.3",
                "--retries", "1", "--city", "Q16666", "--quickstatements", out)
    assert r.exit_code == 3, r.stderr
    assert message in r.stderr and "gave up after 2 attempts" in r.stderr
    assert "Traceback" not in r.stderr
    assert "retry 1 of 1" in r.stderr  # the retry is announced
    assert Misbehaving.counts[path] == 2
    assert r.stdout == ""
    assert not out.exists() and list(tmp_path.glob(".out.qs*")) == []
    assert cache_files(tmp_path) == []


def test_429_then_200_through_the_cli(server, tmp_path):
    r = run_cli("link", "check", "--data", OURS, "--endpoint", server + "/429-then-ok", "--format", "json")
    # The server's answer binds ?x, not ?item: every place comes back not-found, which is the point —
    # the command finished after honouring Retry-After once.
    assert r.exit_code == 0, r.stderr
    assert "HTTP 429" in r.stderr and "in 1 s" in r.stderr
    assert {item["status"] for item in json.loads(r.stdout)} == {"not-found"}
    assert len(cache_files(tmp_path)) == 2  # the answer and its query


def test_a_damaged_cache_file_is_named(server, tmp_path):
    client = WikidataClient(endpoint=server + "/ok")
    client.select(Q)
    client.cache_path(Q).write_bytes(b'{"head": {"vars": ["x"]}, "resu')
    with pytest.raises(RemoteError, match=r"cache file .*\.json: answered JSON that does not parse.*--refresh"):
        WikidataClient(endpoint=server + "/ok", offline=True).select(Q)


def test_offline_miss_is_exit_3(server):
    r = run_cli("link", "check", "--data", OURS, "--endpoint", server + "/ok", "--offline")
    assert r.exit_code == 3 and "offline: no cached answer" in r.stderr
    assert Misbehaving.log == []  # offline never connects


def test_bad_settings_are_bad_input(server, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_WIKIDATA_RETRIES", "many")
    r = run_cli("link", "check", "--data", OURS, "--endpoint", server + "/ok")
    assert r.exit_code == 2 and "$CITYGRAPH_WIKIDATA_RETRIES" in r.stderr
    r = run_cli("link", "check", "--data", OURS, "--endpoint", "ftp://example.org/sparql")
    assert r.exit_code == 2 and "--endpoint" in r.stderr
    r = run_cli("link", "check", "--data", OURS, "--offline", "--refresh")
    assert r.exit_code == 2


def test_endpoint_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_WIKIDATA_ENDPOINT", server + "/empty")
    assert WikidataClient().endpoint == server + "/empty"
    r = run_cli("link", "check", "--data", OURS, "--format", "json")
    assert r.exit_code == 0 and Misbehaving.counts["/empty"] == 1
