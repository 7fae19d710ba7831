"""The built store: where `citygraph build` leaves its graph and `query`, `serve`, `link` find it.

A build is kept as an on-disk pyoxigraph store in $CITYGRAPH_CACHE_DIR (default
~/.cache/citygraph), under a key hashing everything the build depends on: the content of every
file under ontology/ and data/, each --add file, the package version and code, pyoxigraph's
version, the scope and the reasoner. `citygraph build` saves its store there, so the first
query after a build opens it in milliseconds; any change of an input gives a new key and a
fresh build (with progress on stderr).

An entry is a folder `built-<key>.oxigraph/` holding `store/` (the database, opened read-only)
and `manifest.json` (what was built: graphs, triple counts, the validation verdict, and the
size and modification time of every database file). The manifest is written last and the folder
is renamed into place, so an entry is complete or absent. On opening, the manifest and every
file's size and time are checked (a stat, no reading): an entry that is truncated, overwritten,
missing a table, written by another version, or whose manifest is unreadable is moved aside to
`broken-*`, reported in one warning line, and rebuilt. Builds into the cache take one lock
(`.lock`, flock), so two cold runs at once build once: the second waits and then opens the
first one's entry. A cache the user cannot write is used read-only; a missing entry is then
built in memory for the one run, with a warning.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import BadInput
from .io.swap import FolderLock, exchange, fsync_dir
from .load import resources

# shutil (with bz2 and lzma, ~3 ms) is imported where an entry is written or removed, not on the
# everyday path that only opens one.

KEEP = 6  # newest entries kept; older ones are deleted when a new one is written
KEEP_BROKEN = 2  # moved-aside entries kept for a post-mortem
SUFFIX = ".oxigraph"
FORMAT = 2  # the entry layout; an entry of another format is rebuilt
MANIFEST = "manifest.json"
STORE = "store"
LOCK = ".lock"

Progress = Callable[[str], None]


cache_dir = resources.cache_dir


def _files_under(root: Path | str, suffix: str = "") -> list[str]:
    """Every file under `root` (ending in `suffix`) outside __pycache__, as a relative POSIX path,
    in the order sorted(root.rglob("*" + suffix)) gave (paths sort by their parts); plain strings and
    os.scandir, as pathlib's walk and objects cost more than the rest of the key."""
    out: list[str] = []
    folders = [""]
    while folders:
        rel = folders.pop()
        with os.scandir(os.path.join(root, rel)) as entries:
            for e in entries:
                name = f"{rel}/{e.name}" if rel else e.name
                if e.is_dir():
                    if e.name != "__pycache__" and not e.is_symlink():  # rglob does not follow linked folders
                        folders.append(name)
                elif e.is_file() and e.name.endswith(suffix):
                    out.append(name)
    return sorted(out, key=lambda name: name.split("/"))


def _inputs(extra: Sequence[Path]) -> list[tuple[str, str]]:
    """(label, file) for every file a build reads: the package's code, ontology/, data/, --add files."""
    code = os.path.dirname(os.path.realpath(__file__))
    out = [("code/" + rel, os.path.join(code, rel)) for rel in _files_under(code, ".py")]  # an edited checkout rebuilds
    for kind, root in (("ontology", resources.ontology_dir()), ("data", resources.data_dir())):
        out += [(f"{kind}/{rel}", os.path.join(root, rel)) for rel in _files_under(root)]
    for i, p in enumerate(extra):
        p = Path(p)
        if not p.is_file():
            raise BadInput(f"--add {p}: no such file")
        out.append((f"add/{i}/{p.name}", str(p)))
    return out


def cache_key(scope: str = "all", extra: Sequence[Path] = (), reasoner: str | None = None) -> str:
    """A hex digest of every input of a build; equal keys mean an identical build.

    Hashing every input (~2 MB) costs every command that opens the store several milliseconds,
    so the key is also remembered under the files' stat (see `_stamp`): while no input file was
    touched, it is read back instead of computed.
    """
    from .version import __version__

    head = [__version__, ox.__version__, str(FORMAT), scope, reasoner or default_reasoner()]
    inputs = _inputs(extra)
    stamp = _stamp(head, inputs)
    memo = _read_memo() if stamp else {}
    key = memo.get(stamp) if stamp else None
    if not isinstance(key, str):
        key = hash_inputs(head, inputs)
        if stamp:
            _write_memo(memo, stamp, key)
    return key


def hash_inputs(head: list[str], inputs: list[tuple[str, str]]) -> str:
    """The key itself: the version, engine, format, scope and reasoner, then every input's content."""
    h = hashlib.sha256()

    def feed(label: str, data: bytes) -> None:
        h.update(label.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())

    for label, value in zip(("version", "pyoxigraph", "format", "scope", "reasoner"), head, strict=True):
        feed(label, value.encode())
    for label, path in inputs:
        with open(path, "rb") as f:
            feed(label, f.read())
    return h.hexdigest()[:32]


# --- the key remembered under the inputs' stat ----------------------------------------------------
# A file's content can change only with its change time (ctime: set by the kernel on every write,
# rename or chmod, and not settable by a user, unlike the modification time that `touch -d`, tar
# or rsync restore). The stamp is a digest of each input's path, size, modification and change
# times and inode, and of the head. A file changed within the last SETTLED_NS could still change
# again within the same clock tick without its times moving (git's "racily clean" files), so while
# any input is that fresh the key is computed, not remembered. Memo damage costs only the hashing.
KEYS = "keys.json"
KEYS_KEPT = 64
SETTLED_NS = 2_000_000_000


def _stamp(head: list[str], inputs: list[tuple[str, str]]) -> str | None:
    """A digest of the inputs' stat, or None when any input changed too recently to be trusted."""
    newest = time.time_ns() - SETTLED_NS
    rows = []
    for label, path in inputs:
        try:
            st = os.stat(path)
        except OSError:
            return None  # hashing it will raise the right error
        if st.st_ctime_ns > newest:
            return None
        rows.append([label, path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return hashlib.sha256(json.dumps([head, rows]).encode("utf-8")).hexdigest()


def _read_memo() -> dict:
    with contextlib.suppress(OSError, ValueError):
        memo = json.loads((cache_dir() / KEYS).read_text(encoding="utf-8"))
        if isinstance(memo, dict):
            return memo
    return {}


def _write_memo(memo: dict, stamp: str, key: str) -> None:
    memo = {k: v for k, v in memo.items() if k != stamp}
    memo[stamp] = key  # the newest last; the oldest dropped beyond KEYS_KEPT
    path = cache_dir() / KEYS
    tmp = path.with_name(f".{KEYS}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a read-only cache: the key is computed every time
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            tmp.write_text(json.dumps(dict(list(memo.items())[-KEYS_KEPT:])), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def default_reasoner() -> str:
    """The reasoner `citygraph build` uses when none is named."""
    # a constant, not an import of reason/ (which imports rdflib): checked in tests
    return "fast"


def entry_path(key: str) -> Path:
    return cache_dir() / f"built-{key}{SUFFIX}"


# --- one entry ---------------------------------------------------------------------------------

class Damaged(Exception):
    """A cache entry that cannot be trusted; the message says why."""


@dataclass
class Entry:
    """A complete cache entry: its folder and its manifest."""

    path: Path
    manifest: dict

    @property
    def store_path(self) -> Path:
        return self.path / STORE

    def open(self) -> ox.Store:
        try:
            return ox.Store.read_only(str(self.store_path))
        except (OSError, RuntimeError, ValueError) as err:  # RocksDB reports damage as any of these
            raise Damaged(f"the database does not open ({str(err).splitlines()[0][:200]})") from None

    @property
    def graph_sizes(self) -> dict[str, int]:
        return dict(self.manifest.get("sizes", {}))


def fingerprint(store_dir: Path) -> dict[str, list[int]]:
    """Size and modification time (ns) of every database file; RocksDB's own log excluded."""
    out = {}
    for name in sorted(os.listdir(store_dir)):
        if name.startswith("LOG"):
            continue  # the info log; RocksDB may append to it
        st = os.stat(store_dir / name)
        out[name] = [st.st_size, st.st_mtime_ns]
    return out


def _check(path: Path, key: str | None = None) -> Entry:
    """The entry at `path`, checked without reading the database; Damaged says what is wrong."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Damaged("it has no manifest (a half-written or foreign entry)") from None
    except (OSError, ValueError) as err:
        raise Damaged(f"its manifest is unreadable ({err})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise Damaged("its manifest is not a citygraph manifest")
    if manifest.get("format") != FORMAT or manifest.get("pyoxigraph") != ox.__version__:
        raise Damaged(f"it was written by another version (format {manifest.get('format')}, "
                      f"pyoxigraph {manifest.get('pyoxigraph')})")
    if key is not None and manifest.get("key") != key:
        raise Damaged("its manifest names another build")
    try:
        now = fingerprint(path / STORE)
    except OSError as err:
        raise Damaged(f"its database folder is unreadable ({err.strerror})") from None
    want = manifest["files"]
    for name in sorted(set(want) | set(now)):
        if name not in now:
            raise Damaged(f"database file {name} is missing")
        if name not in want:
            raise Damaged(f"database file {name} was not written by the build")
        if now[name] != list(want[name]):
            raise Damaged(f"database file {name} was changed after the build (size or time differs)")
    return Entry(path, manifest)


def open_entry(key: str) -> Entry | None:
    """The checked entry for `key`, None if there is none; Damaged if there is a bad one."""
    path = entry_path(key)
    if not path.exists():
        return None
    return _check(path, key)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _warn(text: str) -> None:
    import sys

    print(f"citygraph: warning: {text}", file=sys.stderr, flush=True)


def move_aside(path: Path, reason: str) -> None:
    """Move a damaged entry out of the way (to broken-*), with one warning line."""
    import shutil  # lazy: see the imports

    aside = path.with_name(f"broken-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{path.name}")
    try:
        os.rename(path, aside)
    except OSError:
        _warn(f"the cached build {path} is damaged ({reason}) and cannot be moved (read-only cache); "
              "building in memory for this run")
        raise
    _warn(f"the cached build {path.name} was damaged ({reason}); moved it to {aside.name} and rebuilding")
    broken = sorted(path.parent.glob("broken-*"), key=lambda p: p.name, reverse=True)
    for old in broken[KEEP_BROKEN:]:
        shutil.rmtree(old, ignore_errors=True)


# --- writing an entry ----------------------------------------------------------------------------

def manifest_for(built, key: str, **extra) -> dict:
    report = getattr(built, "report", None)
    return {
        "format": FORMAT,
        "key": key,
        "citygraph": _version(),
        "pyoxigraph": ox.__version__,
        "ontology_graphs": list(built.ontology_graphs),
        "shape_graphs": list(built.shape_graphs),
        "data_graphs": list(built.data_graphs),
        "inferred_graph": built.inferred_graph,
        "sources": {k: [str(p) for p in v] for k, v in sorted((built.sources or {}).items())},
        "sizes": built.graph_sizes(),
        "conforms": None if report is None else bool(report.conforms),
        "counts": None if report is None else dict(report.counts()),
        "timings": {k: round(v, 3) for k, v in built.timings.items()},
        **extra,
    }


def _version() -> str:
    from .version import __version__
    return __version__


def save(built, path: Path, key: str | None = None, before_manifest: Callable[[], None] | None = None,
         after_first: Callable[[], None] | None = None, **meta) -> Path:
    """Write `built` (a BuiltGraph) as the entry `path`: a temporary folder, renamed into place.

    An existing entry at `path` is exchanged atomically for the new one (`--rebuild`).
    `before_manifest` runs once the database is written: `citygraph build` waits there for the
    validation running beside the copy (the manifest holds the verdict); if it raises, nothing is kept.
    `after_first` runs once the graphs that hold no knowledge (shapes, alignments) are copied, which
    validation may then set aside (validate/report.py: content_only).
    """
    import shutil  # lazy: see the imports

    key = key or path.name[len("built-"):-len(SUFFIX)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        disk = ox.Store(str(tmp / STORE))
        # the graphs validation sets aside (alignments among them) first: see _copy and checked_graphs
        _copy(built.store, disk, tmp / "copy.nt", set(built.checked_graphs), after_first)
        disk.flush()
        disk.optimize()
        del disk
        gc.collect()  # close the database before it is fingerprinted and moved
        if before_manifest is not None:
            before_manifest()
        manifest = manifest_for(built, key, files=fingerprint(tmp / STORE), **meta)
        with open(tmp / MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        fsync_dir(tmp)
        if path.exists():
            exchange(tmp, path)  # the old entry now sits at tmp and is removed below
        else:
            os.rename(tmp, path)
        fsync_dir(path.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


COPY_CHUNK = 4 << 20  # bytes of N-Triples per bulk load: its memory grows with the batch (measured)


def _copy(source: ox.Store, disk: ox.Store, scratch: Path, content: Collection[str] = (),
          after_first: Callable[[], None] | None = None) -> None:
    """Every quad of `source` into `disk`, graph by graph: N-Triples out to the file `scratch`
    (the engine writes it), then into the bulk loader a few megabytes at a time.

    RocksDB's bulk loader holds its whole batch in memory: fed a graph at once it added ~240 MiB
    to the world build's peak; fed 4 MiB at a time, ~60 MiB, for ~2 s more CPU (`citygraph build`
    copies in a thread while validation runs: docs/performance.md). `scratch` is removed. The graphs
    not in `content` (the graphs validation checks) are copied first, then `after_first()` is called:
    from then on validation may set them aside.
    """
    named = [g for g in source.named_graphs() if isinstance(g, ox.NamedNode)]
    try:
        for g in [g for g in named if g.value not in content] + [ox.DefaultGraph()]:
            _copy_graph(source, disk, scratch, g)
        if after_first is not None:
            after_first()
        for g in [g for g in named if g.value in content]:
            _copy_graph(source, disk, scratch, g)
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()


def _copy_graph(source: ox.Store, disk: ox.Store, scratch: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    source.dump(output=str(scratch), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    with open(scratch, "rb") as f:
        while chunk := f.readlines(COPY_CHUNK):  # whole lines, about COPY_CHUNK bytes
            # the engine wrote it: valid, so no IRI checks (lenient)
            disk.bulk_load(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)


def _prune(keep: Path) -> None:
    import shutil  # lazy: see the imports

    entries = sorted(cache_dir().glob(f"built-*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _clean_strays(folder: Path) -> None:
    """Half-written entries of runs that died (we hold the lock, so no live run owns one)."""
    import shutil  # lazy: see the imports

    for stray in folder.glob(".tmp-*"):
        shutil.rmtree(stray, ignore_errors=True)


# --- the one function every consumer calls -------------------------------------------------------

def built_entry(
    scope: str = "all",
    extra: Iterable[Path] = (),
    reasoner: str | None = None,
    progress: Progress | None = None,
    *,
    refresh: bool = False,
) -> tuple[ox.Store, Entry | None]:
    """The built store and its cache entry (None when the build could not be cached)."""
    extra = [Path(p) for p in extra]
    reasoner = reasoner or default_reasoner()
    key = cache_key(scope, extra, reasoner)
    if not refresh:
        found = _open_or_heal(key)
        if found is not None:
            return found
    folder = cache_dir()
    if not _writable(folder):
        return _build_uncached(scope, extra, reasoner, progress, f"{folder} is not writable"), None
    say = progress or (lambda _m: None)
    try:
        lock = FolderLock(folder / LOCK, wait=True,
                          on_wait=lambda who: _warn(f"waiting for another citygraph run that is building into the cache ({who})"))
        with lock:
            if not refresh:  # another run may have built it while we waited
                found = _open_or_heal(key)
                if found is not None:
                    return found
            _clean_strays(folder)
            _announce(scope, say)
            built = _build(scope, extra, reasoner, progress)
            path = save(built, entry_path(key), key, scope=scope, reasoner=reasoner, add=[p.name for p in extra])
            _prune(path)
            entry = _check(path, key)
            return entry.open(), entry
    except OSError as err:  # an unwritable cache costs speed, not the answer
        _warn(f"cannot cache the build in {folder} ({err}); set CITYGRAPH_CACHE_DIR to a writable folder")
        return _build_uncached(scope, extra, reasoner, progress, None), None


def built_store(
    scope: str = "all",
    extra: Iterable[Path] = (),
    reasoner: str | None = None,
    progress: Progress | None = None,
    *,
    refresh: bool = False,
) -> ox.Store:
    """The built graph's store: opened from the cache while the inputs are unchanged, else built
    (with progress) and saved for the next run. The store is read-only when it comes from the cache."""
    return built_entry(scope, extra, reasoner, progress=progress, refresh=refresh)[0]


def existing_entry(scope: str = "all", extra: Iterable[Path] = (), reasoner: str | None = None) -> tuple[ox.Store, Entry] | None:
    """The built store of these inputs if one is kept (healing a damaged one), else None: never builds."""
    return _open_or_heal(cache_key(scope, [Path(p) for p in extra], reasoner or default_reasoner()))


def kept_entry(scope: str = "all", extra: Iterable[Path] = (), reasoner: str | None = None) -> Entry | None:
    """The checked entry of these inputs without opening its database (for `info`, which reads only
    the manifest: opening RocksDB costs time and memory); a damaged one is moved aside, as on opening."""
    key = cache_key(scope, [Path(p) for p in extra], reasoner or default_reasoner())
    try:
        return open_entry(key)
    except Damaged as why:
        with contextlib.suppress(OSError):
            move_aside(entry_path(key), str(why))
        return None


def _open_or_heal(key: str) -> tuple[ox.Store, Entry] | None:
    try:
        entry = open_entry(key)
        if entry is None:
            return None
        store = entry.open()
    except Damaged as why:
        with contextlib.suppress(OSError):  # a read-only cache: rebuilt in memory below
            move_aside(entry_path(key), str(why))
        return None
    with contextlib.suppress(OSError):
        os.utime(entry.path)  # most recently used (not possible in a read-only cache)
    return store, entry


def _announce(scope: str, say: Progress) -> None:
    import sys

    line = f"building the graph (scope {scope}): no up-to-date build in {cache_dir()}; it is kept there for the next runs"
    if getattr(say, "enabled", False):
        say(line)
    else:  # one line even off a terminal, so a slow first query says why it is slow
        print(f"citygraph: {line}", file=sys.stderr, flush=True)


def _build(scope: str, extra: list[Path], reasoner: str, progress: Progress | None):
    from . import build as build_module  # looked up at call time (tests count the builds)

    return build_module.build(scope=scope, extra=extra, reasoner=reasoner, progress=progress)


def _build_uncached(scope, extra, reasoner, progress, why: str | None) -> ox.Store:
    if why:
        _warn(f"cannot cache the build ({why}); building in memory for this run")
    return _build(scope, extra, reasoner, progress).store


def save_built(built, scope: str, extra: Sequence[Path], reasoner: str,
               before_manifest: Callable[[], None] | None = None, after_first: Callable[[], None] | None = None) -> Path | None:
    """`citygraph build`: leave the build where `query`, `serve` and `link` look for it.

    Skipped (None) when an intact entry for the same inputs exists; a warning when the cache
    cannot be written (the dumps are still written). `before_manifest`, `after_first`: see `save`.
    """
    extra = [Path(p) for p in extra]
    key = cache_key(scope, extra, reasoner)
    folder = cache_dir()
    try:
        if open_entry(key) is not None:
            return None
    except Damaged as why:
        with contextlib.suppress(OSError):
            move_aside(entry_path(key), str(why))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with FolderLock(folder / LOCK, wait=True):
            _clean_strays(folder)
            path = save(built, entry_path(key), key, before_manifest, after_first, scope=scope, reasoner=reasoner, add=[p.name for p in extra])
            _prune(path)
            return path
    except OSError as err:
        _warn(f"cannot keep the build in {folder} ({err}); queries will rebuild it. "
              "Set CITYGRAPH_CACHE_DIR to a writable folder")
        return None


def newest_entry(scope: str = "all") -> Entry | None:
    """The most recently used intact entry of `scope` without --add files (for `info`), unchecked keys."""
    folder = cache_dir()
    with contextlib.suppress(OSError):
        entries = sorted(folder.glob(f"built-*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in entries:
            try:
                entry = _check(path)
            except Damaged:
                continue
            if entry.manifest.get("scope") == scope and not entry.manifest.get("add"):
                return entry
    return None


def graph_file_store(path: Path) -> ox.Store:
    """A store holding a dump given with --graph: TriG/N-Quads keep their graphs, triples get one."""
    from .build import extra_graph_name
    from .load.rdfio import format_for, load_file

    path = Path(path)
    store = ox.Store()
    fmt = format_for(path)
    load_file(store, path, None if fmt.supports_datasets else extra_graph_name(path))
    return store


__all__ = ["cache_dir", "cache_key", "built_store", "built_entry", "existing_entry", "kept_entry", "save_built", "graph_file_store",
           "entry_path", "save", "open_entry", "Entry", "Damaged", "newest_entry"]
