"""The build's folder swap has no holes: a signal at any step leaves a complete build in --out.

A real `citygraph build` runs as a subprocess; `publish.dump.STEP_HOOK` (called between every
pair of file operations) sends the process a real signal at one named step. Afterwards --out
must hold a complete build (every file its SHA256SUMS lists, checksums right, nothing else) —
the previous one or the new one, never a mix or nothing — and the next build must succeed and
leave no stray folder or lock beside --out.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from citygraph.publish import dump

OLD_TIE = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citygraph/id/place/Q16666> rdfs:label "Nanking (the old build)"@en-x-old .
"""

SCRIPT = """
import os, signal, sys
from citygraph.io import swap
from citygraph.publish import dump
target, signum, fallback = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "fallback"
if fallback:  # a file system without RENAME_EXCHANGE
    def no_exchange(a, b):
        raise swap.ExchangeUnsupported(95, "Operation not supported")
    dump.exchange = no_exchange
def hook(step):
    print("step:", step, file=sys.stderr, flush=True)
    if step == target:
        os.kill(os.getpid(), signum)
dump.STEP_HOOK = hook
from citygraph.cli import main
main(sys.argv[4:])
"""

EXCHANGE_STEPS = ["locked", "recovered", "staging created", "wrote citygraph.nt", "wrote citygraph.ttl",
                  "wrote citygraph.jsonld", "wrote citygraph.trig", "wrote void.ttl", "wrote SHA256SUMS",
                  "exchanged", "old removed"]
FALLBACK_STEPS = EXCHANGE_STEPS[:-2] + ["moved aside", "renamed", "old removed"]


def complete_build(folder: Path) -> str:
    """'old' or 'new' if `folder` holds a complete, checksummed build; fails otherwise."""
    assert folder.is_dir() and not folder.is_symlink(), f"{folder} is missing"
    listed = {}
    for line in (folder / dump.CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert sorted([*listed, dump.CHECKSUMS]) == sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    return "old" if b"the old build" in (folder / dump.NTRIPLES).read_bytes() else "new"


def _env(cache: Path) -> dict:
    return dict(os.environ, CITYGRAPH_CACHE_DIR=str(cache), PYTHONUNBUFFERED="1")


def _build(out: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citygraph", "build", "--scope", "none", "--out", str(out), *extra],
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def old_build(tmp_path_factory) -> tuple[Path, Path]:
    """A complete earlier build (with a marker triple), and a warm cache for the runs."""
    root = tmp_path_factory.mktemp("swap")
    tie = root / "old.ttl"
    tie.write_text(OLD_TIE, encoding="utf-8")
    env = _env(root / "cache")
    done = _build(root / "old", env, "--add", str(tie))
    assert done.returncode == 0, done.stderr
    assert complete_build(root / "old") == "old"
    warm = _build(root / "warm", env)  # the schema and the store of the new build are cached
    assert warm.returncode == 0, warm.stderr
    return root / "old", root / "cache"


def _killed(tmp_path: Path, old_build, step: str, signum: int, mode: str, have_old: bool = True):
    old, cache = old_build
    out = tmp_path / "dist"
    if have_old:
        shutil.copytree(old, out, copy_function=shutil.copy2)
    cmd = [sys.executable, "-c", SCRIPT, step, str(signum), mode, "build", "--scope", "none", "--out", str(out)]
    proc = subprocess.run(cmd, env=_env(cache), capture_output=True, text=True, timeout=600)
    assert f"step: {step}\n" in proc.stderr, proc.stderr  # the signal was sent at that step
    return out, proc


def _after(tmp_path: Path, out: Path, cache: Path) -> None:
    again = _build(out, _env(cache))
    assert again.returncode == 0, again.stderr
    assert complete_build(out) == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging, old copy or lock left


def _expected(step: str, steps: list[str]) -> set[str]:
    """What --out may hold when the process dies at `step`: old before the swap, new after."""
    swap_at = steps.index("exchanged") if "exchanged" in steps else steps.index("renamed")
    return {"old"} if steps.index(step) < swap_at else {"new"}


@pytest.mark.parametrize("step", EXCHANGE_STEPS)
def test_sigkill_at_every_step_leaves_a_complete_build(tmp_path, old_build, step):
    out, proc = _killed(tmp_path, old_build, step, signal.SIGKILL, "exchange")
    assert proc.returncode == -signal.SIGKILL
    assert complete_build(out) in _expected(step, EXCHANGE_STEPS)
    _after(tmp_path, out, old_build[1])


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step", EXCHANGE_STEPS)
def test_sigint_and_sigterm_at_every_step_leave_a_complete_build_and_say_which(tmp_path, old_build, step, signum):
    out, proc = _killed(tmp_path, old_build, step, signum, "exchange")
    assert proc.returncode in (130, -signum), proc.stderr
    held = complete_build(out)
    assert held in _expected(step, EXCHANGE_STEPS)
    if proc.returncode == 130 and "the build was interrupted" in proc.stderr:  # said what --out holds: truly
        said = "new" if "holds the new build" in proc.stderr else "old"
        assert said == held, proc.stderr
    _after(tmp_path, out, old_build[1])


@pytest.mark.slow
@pytest.mark.parametrize("step", FALLBACK_STEPS)
def test_sigkill_in_the_two_rename_fallback_is_repaired_by_the_next_build(tmp_path, old_build, step):
    """Without RENAME_EXCHANGE one moment has --out absent; the next build restores or replaces it."""
    out, proc = _killed(tmp_path, old_build, step, signal.SIGKILL, "fallback")
    assert proc.returncode == -signal.SIGKILL
    if step == "moved aside":
        assert not out.exists()  # the hole this scheme cannot avoid …
        restored = _build(tmp_path / "elsewhere", _env(old_build[1]))  # (any run of another folder leaves it alone)
        assert restored.returncode == 0 and not out.exists()
        shutil.rmtree(tmp_path / "elsewhere")
    else:
        assert complete_build(out) in _expected(step, FALLBACK_STEPS)
    _after(tmp_path, out, old_build[1])  # … which the next build into it repairs


def test_a_first_build_killed_before_its_rename_leaves_no_folder(tmp_path, old_build):
    out, proc = _killed(tmp_path, old_build, "wrote SHA256SUMS", signal.SIGKILL, "exchange", have_old=False)
    assert not out.exists()
    _after(tmp_path, out, old_build[1])


def test_a_second_build_into_a_locked_folder_exits_2_naming_the_holder(tmp_path, old_build):
    from citygraph.io.swap import FolderLock

    out = tmp_path / "dist"
    shutil.copytree(old_build[0], out)
    with FolderLock(tmp_path / ".dist.lock", remove=True):
        proc = _build(out, _env(old_build[1]))
    assert proc.returncode == 2
    assert proc.stderr.startswith("citygraph: error: --out") and f"pid {os.getpid()}" in proc.stderr
    assert complete_build(out) == "old"


def test_out_on_a_symlink_is_refused_and_the_link_kept(tmp_path, old_build, cli):
    target = tmp_path / "real"
    shutil.copytree(old_build[0], target)
    link = tmp_path / "dist"
    link.symlink_to(target)
    result = cli("build", "--scope", "none", "--out", link)
    assert result.exit_code == 2 and "symbolic link" in result.stderr and str(target) in result.stderr
    assert link.is_symlink() and complete_build(target) == "old"
