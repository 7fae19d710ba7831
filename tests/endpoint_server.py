"""A real Oxigraph server for the endpoint and injection tests: one per test session.

`oxigraph load` puts the curated core's N-Quads into a store folder, then `oxigraph serve
--union-default-graph` serves it on 127.0.0.1 and a free port. The first module that asks
starts it; it is stopped when the session ends (config cleanup), whichever module asked first.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

_STATE: dict[str, object] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curated_nquads(curated, tmp_path_factory) -> Path:
    if "nquads" not in _STATE:
        path = tmp_path_factory.mktemp("endpoint") / "curated.nq"
        curated.store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
        _STATE["nquads"] = path
    return _STATE["nquads"]  # type: ignore[return-value]


def server_url(curated, tmp_path_factory, config) -> str:
    """The query URL of the session's Oxigraph server (started on first use)."""
    if "url" in _STATE:
        return _STATE["url"]  # type: ignore[return-value]
    exe = shutil.which("oxigraph")
    if exe is None:
        raise RuntimeError("the `oxigraph` server CLI is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("oxigraph")
    location = folder / "db"
    subprocess.run([exe, "load", "--location", str(location), "--file", str(curated_nquads(curated, tmp_path_factory))],
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed by stop() at session end
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=log, stderr=subprocess.STDOUT)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        _STATE.pop("url", None)

    config.add_cleanup(stop)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph serve did not start: {(folder / 'server.log').read_text(errors='replace')}") from None
            time.sleep(0.1)
    _STATE["url"] = url
    return url


def quad_count(url: str) -> int:
    """How many quads the server holds, asked through its query service."""
    import json
    import urllib.parse

    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    req = urllib.request.Request(f"{url}?query={q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])
