"""`citygraph serve` as a real subprocess (uvicorn) on a free port of 127.0.0.1, for the serve tests.

`start(name, args, config)` starts one server per name per test session (the first test that
asks starts it; it is stopped when the session ends) and returns its base URL. The access
log (stderr) is kept in a file the tests can read.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from stores import free_port

_SERVERS: dict[str, dict] = {}
XSS = Path(__file__).parent / "data" / "serve" / "xss.ttl"
EVIL = Path(__file__).parent / "data" / "pictures" / "evil-labels.ttl"  # a partner of Nanjing labelled with markup: on its map
# The two servers the serve tests share: the curated build, and one with hostile labels and tight limits.
TIGHT_ARGS = ["--scope", "nanjing", "--add", str(XSS), "--add", str(EVIL), "--timeout", "1", "--max-rows", "50",
              "--max-body", "2000", "--concurrent", "1", "--queue", "0"]


def curated_args(dumps: Path) -> list[str]:
    return ["--scope", "nanjing", "--dumps", str(dumps)]


def start(name: str, args: list[str], config, folder: Path, env: dict[str, str] | None = None) -> str:
    """The base URL (http://127.0.0.1:PORT) of the server `name`, started with `citygraph serve ARGS`."""
    if name in _SERVERS:
        return _SERVERS[name]["url"]
    port = free_port()
    log_path = folder / f"serve-{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - open while the server runs, closed by stop()
    exe = Path(sys.executable).with_name("citygraph")
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=os.environ | (env or {}))
    url = f"http://127.0.0.1:{port}"

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        _SERVERS.pop(name, None)

    config.add_cleanup(stop)
    deadline = time.monotonic() + 600  # the first start may build the graph
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"citygraph serve did not start: {log_path.read_text(errors='replace')}") from None
            time.sleep(0.2)
    _SERVERS[name] = {"url": url, "log": log_path, "proc": proc}
    return url


def log_of(name: str) -> str:
    return Path(_SERVERS[name]["log"]).read_text(errors="replace")
