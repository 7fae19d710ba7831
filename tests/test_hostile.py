"""The hostile-input corpus: every case in tests/data/hostile/manifest.tsv, run through the CLI.

Each line names a case (a file in tests/data/hostile/, or a generated input such as a FIFO),
the command to run, the exit code it must end with and a fragment of its message. A case passes
when the command exits with that code, says that fragment, and prints no traceback: a hostile
file becomes one `citygraph: error:` line naming the file, line or parameter, never a crash, a
hang or a wrong success.
"""

from __future__ import annotations

import os
import shlex
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import run_cli
from stores import http_server

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"


def manifest() -> list[tuple[str, str, int, str]]:
    rows = []
    for line in (HOSTILE / "manifest.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        case, command, code, fragment = line.split("\t")
        rows.append((case, command, int(code), fragment))
    return rows


CASES = manifest()


class _Serve(BaseHTTPRequestHandler):
    """Answers every request with the bytes of the case file named by the server's `body`."""

    body = b""
    hits = 0

    def _answer(self):
        type(self).hits += 1
        if self.command == "POST":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    with http_server(_Serve) as server:
        yield server


def _generated(name: str, tmp: Path) -> Path:
    path = tmp / "gen" / name
    path.parent.mkdir(exist_ok=True)
    if name == "adir.ttl":
        path.mkdir()
    elif name == "pipe.ttl":
        os.mkfifo(path)
    elif name == "zero.ttl":
        path.symlink_to("/dev/zero")
    elif name in ("big-literal.ttl", "huge-literal.ttl"):
        size = 16_000_000 if name.startswith("big") else 60_000_000
        with path.open("w", encoding="ascii") as f:
            f.write('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#comment> "')
            f.write("a" * size)
            f.write('" .\n')
    elif name == "deep.json":
        path.write_text('{"head": {"vars": ["item"]}, "results": {"bindings": [' + "[" * 100_000 + "]" * 100_000 + "]}}")
    elif name == "deep.jsonld":
        path.write_text('{"@id": "https://example.org/a", "https://example.org/p": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return path


GENERATED = {"{dir}": "adir.ttl", "{fifo}": "pipe.ttl", "{zero}": "zero.ttl", "{big-literal}": "big-literal.ttl",
             "{huge-literal}": "huge-literal.ttl", "{deep-json}": "deep.json", "{deep-jsonld}": "deep.jsonld"}


def test_the_manifest_names_real_files_and_every_file_has_a_case():
    named = {case for case, command, _code, _frag in CASES if "{case}" in command or "{serve}" in command}
    for case in named:
        assert (HOSTILE / case).is_file(), case
    files = {p.name for p in HOSTILE.iterdir()} - {"manifest.tsv", "select-x.rq"}
    assert files <= named, f"files without a case: {sorted(files - named)}"
    assert len({c for c, *_ in CASES}) == len(CASES), "case names repeat"


@pytest.mark.parametrize("case, command, code, fragment", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(case, command, code, fragment, tmp_path, serve, monkeypatch):
    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))  # link answers are cached: one cache per case
    text = command.replace("{case}", str(HOSTILE / case)).replace("{data}", str(DATA)).replace("{tmp}", str(tmp_path))
    if "{serve}" in text:
        _Serve.body = (HOSTILE / case).read_bytes()
        text = text.replace("{serve}", f"http://127.0.0.1:{serve.server_address[1]}/sparql")
    for placeholder, name in GENERATED.items():
        if placeholder in text:
            text = text.replace(placeholder, str(_generated(name, tmp_path)))
    r = run_cli(*shlex.split(text))
    said = r.stderr if code else r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert r.exit_code == code, f"exit {r.exit_code}, expected {code}: {r.stderr}"
    assert fragment in said, said
    if code:
        # one error line: ours, or click's for an option it checks itself (then after its usage line)
        errors = [line for line in r.stderr.splitlines() if line.startswith(("citygraph: error:", "Error:"))]
        assert len(errors) == 1, r.stderr
        assert not (tmp_path / "out.ttl").exists()  # nothing half-written
        assert not list((tmp_path / "cache" / "wikidata").rglob("*.json"))  # a bad remote answer is never cached


def test_honest_files_pass_the_border_checks(curated_dumps):
    """The checks refuse no honest file: the JSON-LD dump (language maps, a context) loads whole."""
    import pyoxigraph as ox

    from citygraph.load.rdfio import load_file

    folder = Path(curated_dumps)  # write_dumps returns the folder
    counts = {}
    for name in ("citygraph.jsonld", "citygraph.ttl"):
        store = ox.Store()
        load_file(store, Path(folder) / name, "https://example.org/g")
        counts[name] = len(store)
    assert counts["citygraph.jsonld"] == counts["citygraph.ttl"] > 1000
