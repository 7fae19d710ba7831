"""The built store heals itself: damage of each kind is moved aside, rebuilt, and answered right.

Each test seeds the cache with the session's curated build (as `citygraph build --scope nanjing`
leaves it), damages the entry the way a crash, a full disk or a stray command would, and runs
the real `citygraph query` on it: one warning line, a rebuild, and the correct answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citygraph import build as build_module
from citygraph import cache

QUERY = ("query", "status-on", "-p", "date=2015-01-01", "--scope", "nanjing", "--format", "csv")
ANSWER = "Q11751-Q16666,Nagoya,Nanjing,unknown,active suspended"  # resumed no later than 2019: either


@pytest.fixture
def entry(cache_dir, curated) -> Path:
    key = cache.cache_key("nanjing", [])
    return cache.save(curated, cache.entry_path(key), key, scope="nanjing", reasoner="fast", add=[])


@pytest.fixture
def builds(monkeypatch, curated):
    """Count the builds; each hands back the session's identical curated build."""
    calls: list[str] = []

    def counting(*args, **kwargs):
        calls.append(kwargs.get("scope"))
        return curated

    monkeypatch.setattr(build_module, "build", counting)
    return calls


def _tables(entry: Path) -> list[Path]:
    return sorted((entry / cache.STORE).glob("*.sst"), key=lambda p: p.stat().st_size, reverse=True)


def test_an_intact_entry_is_opened_without_a_build(cli, entry, builds):
    result = cli(*QUERY)
    assert result.exit_code == 0 and ANSWER in result.stdout
    assert builds == [] and "warning" not in result.stderr


def _truncate(entry: Path) -> None:
    big = _tables(entry)[0]
    with open(big, "r+b") as f:
        f.truncate(big.stat().st_size // 2)


def _garbage(entry: Path) -> None:
    big = _tables(entry)[0]
    big.write_bytes(os.urandom(big.stat().st_size))


def _delete_tables(entry: Path) -> None:
    for table in _tables(entry):
        table.unlink()


def _bad_rocksdb_manifest(entry: Path) -> None:
    (manifest,) = (entry / cache.STORE).glob("MANIFEST-*")
    manifest.write_bytes(b"not a manifest\n" * 10)


def _bad_our_manifest(entry: Path) -> None:
    (entry / cache.MANIFEST).write_text("{ not json", encoding="utf-8")


def _no_manifest(entry: Path) -> None:  # a half-written entry (crash before the manifest)
    (entry / cache.MANIFEST).unlink()


def _foreign_version(entry: Path) -> None:
    path = entry / cache.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format"] = cache.FORMAT + 1
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _empty_folder(entry: Path) -> None:
    for p in sorted(entry.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()


DAMAGE = {
    "truncated table": (_truncate, "changed after the build"),
    "garbage table": (_garbage, "changed after the build"),
    "deleted tables": (_delete_tables, "is missing"),
    "bad RocksDB manifest": (_bad_rocksdb_manifest, "changed after the build"),
    "bad citygraph manifest": (_bad_our_manifest, "manifest is unreadable"),
    "half-written entry": (_no_manifest, "no manifest"),
    "foreign version": (_foreign_version, "another version"),
    "emptied entry": (_empty_folder, "no manifest"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_is_moved_aside_and_rebuilt_with_one_warning(kind, cli, entry, builds, cache_dir):
    damage, reason = DAMAGE[kind]
    damage(entry)
    result = cli(*QUERY)
    assert result.exit_code == 0, result.stderr
    assert ANSWER in result.stdout
    assert builds == ["nanjing"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("citygraph: warning:")]
    assert len(warnings) == 1 and reason in warnings[0] and "rebuilding" in warnings[0], result.stderr
    assert len(list(cache_dir.glob("broken-*"))) == 1
    assert cache.open_entry(cache.cache_key("nanjing", [])) is not None  # healed: intact again
    again = cli(*QUERY)
    assert again.stdout == result.stdout and builds == ["nanjing"] and "warning" not in again.stderr


def test_damage_the_stat_check_cannot_see_is_caught_by_the_engine(cli, entry, builds):
    """Garbage written over a table with its size and time restored: RocksDB refuses to open it."""
    table = _tables(entry)[0]
    st = table.stat()
    table.write_bytes(os.urandom(st.st_size))
    os.utime(table, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = cli(*QUERY)
    assert result.exit_code == 0, result.stderr
    assert ANSWER in result.stdout
    assert builds == ["nanjing"] and "rebuilding" in result.stderr


def test_stray_half_written_entries_are_removed_by_the_next_build(cli, cache_dir, builds):
    stray = cache_dir / ".tmp-99999-built-0123.oxigraph"
    (stray / cache.STORE).mkdir(parents=True)
    (stray / cache.STORE / "000001.sst").write_bytes(b"half")
    result = cli(*QUERY)
    assert result.exit_code == 0 and ANSWER in result.stdout
    assert not stray.exists()


def _run(args, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "citygraph", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_two_cold_runs_at_once_build_once_and_agree(cache_dir):
    env = dict(os.environ, CITYGRAPH_CACHE_DIR=str(cache_dir))
    runs = [_run(QUERY, env) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [o[1] for o in outs]
    assert outs[0][0] == outs[1][0] and ANSWER in outs[0][0]
    building = [err for _out, err in outs if "building the graph" in err]
    assert len(building) == 1, [o[1] for o in outs]  # the other waited and opened the first one's build
    entries = list(cache_dir.glob("built-*"))
    assert len(entries) == 1 and cache.open_entry(cache.cache_key("nanjing", [])) is not None
    assert not list(cache_dir.glob(".tmp-*")) and not list(cache_dir.glob("broken-*"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
                    reason="needs root to run the query as another user (root writes anywhere)")
def test_a_read_only_cache_is_used_read_only(entry, cache_dir):
    """Another user, who cannot write the cache, opens the entry as it is: no rebuild, no warning."""
    for p in [cache_dir, *cache_dir.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    for parent in cache_dir.parents:
        if parent == Path("/tmp") or parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o055)
    env = dict(os.environ, CITYGRAPH_CACHE_DIR=str(cache_dir), HOME="/nonexistent")
    before = sorted(p.name for p in cache_dir.iterdir())
    proc = subprocess.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           sys.executable, "-m", "citygraph", *QUERY], env=env, text=True, capture_output=True,
                          cwd="/", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert ANSWER in proc.stdout
    assert proc.stderr == ""
    assert sorted(p.name for p in cache_dir.iterdir()) == before
