"""Shared fixtures: the CLI run in-process, and builds made once per session."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


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
