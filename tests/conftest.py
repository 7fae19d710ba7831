"""Shared fixtures: the CLI run in-process, builds made once per session, real Oxigraph servers."""

from __future__ import annotations

import contextlib
import io
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import serve_server
from stores import Store, start_oxigraph

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


# Fixtures whose users are slow: the full world build (about a minute) and real servers.
SLOW_FIXTURES = {"world", "world_dumps", "oxigraph", "oxigraph_server", "served", "served_over_oxigraph", "http", "remote"}


def pytest_collection_modifyitems(config, items):
    """Mark `slow` every test that uses a slow fixture, so `pytest -m "not slow"` is the quick loop.

    Tests slow for another reason carry `@pytest.mark.slow` themselves.
    """
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def store_of_turtle(text: str, folder: Path, name: str = "data.ttl"):
    """A small graph of the test's own, built as `citygraph build` builds it (reasoned, no shipped
    data, not validated): the pyoxigraph store the stored queries run on."""
    from citygraph.build import build

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return build(scope="none", extra=[path], validate=False).store


def run_cli(*args: str) -> CliResult:
    """Run `citygraph ARGS…` in-process through the real entry point (exit-code mapping included)."""
    from citygraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def curated():
    """The curated core (scope 'nanjing'), loaded, reasoned and validated once per session."""
    from citygraph.build import build

    return build(scope="nanjing")


@pytest.fixture(scope="session")
def curated_dumps(curated, tmp_path_factory):
    """The curated core's dumps, written once per session."""
    from citygraph.publish.dump import write_dumps

    return write_dumps(curated, tmp_path_factory.mktemp("curated") / "dist")


@pytest.fixture(scope="session")
def world():
    """The full default build (curated core + world layer), loaded, reasoned and validated once per session."""
    from citygraph.build import build

    return build()


@pytest.fixture(scope="session")
def world_dumps(world, tmp_path_factory):
    """The full default build's dumps, written once per session."""
    from citygraph.publish.dump import write_dumps

    return write_dumps(world, tmp_path_factory.mktemp("world") / "dist")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own (CITYGRAPH_CACHE_DIR), empty at the start."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(folder))
    return folder


# --- real Oxigraph servers ---------------------------------------------------------------------


def quad_count(url: str) -> int:
    """How many quads a server holds, asked through its query service."""
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    req = urllib.request.Request(f"{url}?query={q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory) -> Callable[..., str]:
    """Start a real `oxigraph serve` on 127.0.0.1 for an RDF file: oxigraph(path, union=False) -> query URL.

    The one way tests get an Oxigraph server. `oxigraph load` puts the file into a temporary
    store folder; the server runs until the session ends. One server per (file, union), however
    many modules ask.
    """
    servers: dict[tuple[Path, bool], str] = {}
    started: list[Store] = []

    def start(path: Path, union: bool = False) -> str:
        key = (Path(path).resolve(), union)
        if key not in servers:
            try:
                store = start_oxigraph(tmp_path_factory.mktemp("oxigraph"), data=Path(path), union=union)
            except RuntimeError as e:
                pytest.fail(str(e))
            started.append(store)
            servers[key] = store.sparql
        return servers[key]

    yield start
    for store in started:
        store.stop()


@pytest.fixture(scope="session")
def curated_nquads(curated, tmp_path_factory) -> Path:
    """The curated core as one N-Quads file (every named graph)."""
    import pyoxigraph as ox

    path = tmp_path_factory.mktemp("endpoint") / "curated.nq"
    curated.store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="session")
def oxigraph_server(oxigraph, curated_nquads) -> str:
    """Query URL of a real Oxigraph server holding the curated core, default graph = union of the graphs."""
    return oxigraph(curated_nquads, union=True)


# --- citygraph serve, as the serve tests share it ------------------------------------------------


@pytest.fixture(scope="session")
def served(request, curated_dumps, tmp_path_factory) -> str:
    """Base URL of the real `citygraph serve` over the curated build (one per session: serve_server.py)."""
    return serve_server.start("curated", serve_server.curated_args(curated_dumps), request.config, tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="session")
def served_over_oxigraph(request, curated_dumps, tmp_path_factory, oxigraph) -> str:
    """Base URL of the same server in --endpoint mode over a real `oxigraph serve` holding the TriG dump."""
    endpoint = oxigraph(Path(curated_dumps) / "citygraph.trig", union=True)
    return serve_server.start("endpoint", ["--endpoint", endpoint, "--dumps", str(curated_dumps)], request.config,
                              tmp_path_factory.mktemp("serve-endpoint"))


@pytest.fixture(scope="session")
def http(served):
    """An HTTP client of the curated server."""
    with httpx.Client(base_url=served, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def remote(served_over_oxigraph):
    """An HTTP client of the server in --endpoint mode."""
    with httpx.Client(base_url=served_over_oxigraph, timeout=60) as client:
        yield client
