"""Every console script and every verb (found from the click group, so new verbs are covered) answers --help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

import click
import pytest

from citygraph.cli import group


def _command_paths(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            out += _command_paths(cmd.get_command(ctx, name), path + (name,))
    return out


COMMANDS = _command_paths(group)


def test_the_core_verbs_are_discovered():
    verbs = {p[0] for p in COMMANDS if p}
    assert {"build", "validate", "info"} <= verbs


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "citygraph")
def test_help_exits_zero(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout


def _console_scripts() -> list[str]:
    return sorted(e.name for e in distribution("citygraph").entry_points if e.group == "console_scripts")


def test_citygraph_is_a_console_script():
    assert "citygraph" in _console_scripts()


@pytest.mark.parametrize("script", _console_scripts())
def test_installed_console_script_help(script):
    exe = shutil.which(script) or str(Path(sys.executable).parent / script)
    run = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Usage:" in run.stdout


def test_python_dash_m_citygraph_help():
    run = subprocess.run([sys.executable, "-m", "citygraph", "--help"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "build" in run.stdout and "validate" in run.stdout


def test_unknown_verb_is_a_usage_error(cli):
    assert cli("no-such-verb").exit_code == 2
