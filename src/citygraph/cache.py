"""A cache of built graphs, so stored queries run on the built graph without rebuilding each time.

A build is saved as an on-disk pyoxigraph store (every named graph) in $CITYGRAPH_CACHE_DIR
(default ~/.cache/citygraph), under a key hashing everything the build depends on: the content
of every file under ontology/ and data/, each --add file, the package version and code, the
scope and the reasoner. While nothing changes the saved build is opened read-only — in
milliseconds, where re-parsing the world layer's ~470k quads from N-Quads takes seconds; any
change gives a new key and a fresh build. Entries are written into a temporary folder and
renamed, so an interrupted build never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .errors import BadInput
from .load import resources

KEEP = 6  # newest entries kept; older ones are deleted when a new one is written
SUFFIX = ".oxigraph"


cache_dir = resources.cache_dir


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def cache_key(scope: str = "all", extra: Sequence[Path] = (), reasoner: str | None = None) -> str:
    """A hex digest of every input of a build; equal keys mean an identical build."""
    from .version import __version__

    reasoner = reasoner or default_reasoner()
    h = hashlib.sha256()

    def feed(label: str, data: bytes) -> None:
        h.update(label.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())

    feed("version", __version__.encode())
    feed("scope", scope.encode())
    feed("reasoner", reasoner.encode())
    code = Path(__file__).resolve().parent
    for p in sorted(code.rglob("*.py")):  # the build's own code: an edited checkout rebuilds
        feed("code/" + p.relative_to(code).as_posix(), p.read_bytes())
    for kind, root in (("ontology", resources.ontology_dir()), ("data", resources.data_dir())):
        for p in _files_under(root):
            feed(f"{kind}/{p.relative_to(root).as_posix()}", p.read_bytes())
    for i, p in enumerate(extra):
        p = Path(p)
        if not p.is_file():
            raise BadInput(f"--add {p}: no such file")
        feed(f"add/{i}/{p.name}", p.read_bytes())
    return h.hexdigest()[:32]


def default_reasoner() -> str:
    """The reasoner `citygraph build` uses when none is named."""
    from .reason.materialise import DEFAULT_REASONER
    return DEFAULT_REASONER


def entry_path(key: str) -> Path:
    return cache_dir() / f"built-{key}{SUFFIX}"


def save(store: ox.Store, path: Path) -> Path:
    """Copy every quad of `store` into an on-disk store at `path`, atomically (temp folder, rename)."""
    import gc
    import shutil

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        disk = ox.Store(str(tmp))
        disk.bulk_extend(store)
        disk.flush()
        disk.optimize()
        del disk
        gc.collect()  # close the database before it moves
        if path.exists():  # a concurrent run saved the same build first
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load(path: Path) -> ox.Store:
    return ox.Store.read_only(str(path))


def _prune(keep: Path) -> None:
    import shutil

    entries = sorted(cache_dir().glob(f"built-*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def built_store(
    scope: str = "all",
    extra: Iterable[Path] = (),
    reasoner: str | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    refresh: bool = False,
) -> ox.Store:
    """The built graph's store: from the cache while the inputs are unchanged, else built and saved."""
    from .build import build

    extra = [Path(p) for p in extra]
    reasoner = reasoner or default_reasoner()
    path = entry_path(cache_key(scope, extra, reasoner))
    if path.is_dir() and not refresh:
        try:
            store = load(path)
            os.utime(path)  # most recently used
            return store
        except OSError:
            import shutil
            shutil.rmtree(path, ignore_errors=True)  # a damaged entry: rebuild it
    say = progress or (lambda _m: None)
    say(f"building the graph (scope {scope}); it is cached in {cache_dir()} for the next queries")
    built = build(scope=scope, extra=extra, reasoner=reasoner, progress=progress)
    if refresh and path.exists():
        import shutil
        shutil.rmtree(path, ignore_errors=True)
    try:
        save(built.store, path)
        _prune(path)
    except OSError as err:  # an unwritable cache costs speed, not the answer
        import click
        click.echo(f"citygraph: warning: cannot cache the build in {cache_dir()} ({err}); "
                   "set CITYGRAPH_CACHE_DIR to a writable folder", err=True)
    return built.store


def graph_file_store(path: Path) -> ox.Store:
    """A store holding a dump given with --graph: TriG/N-Quads keep their graphs, triples get one."""
    from .build import extra_graph_name
    from .load.rdfio import format_for, load_file

    path = Path(path)
    store = ox.Store()
    fmt = format_for(path)
    load_file(store, path, None if fmt.supports_datasets else extra_graph_name(path))
    return store


__all__ = ["cache_dir", "cache_key", "built_store", "graph_file_store", "entry_path", "save", "load"]
