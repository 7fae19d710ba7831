"""Publishing a built dataset: serialisations, checksums, atomic writes.

Dumps are deterministic: every graph is taken as canonical N-Triples lines (pyoxigraph writes
them in Rust) and sorted bytewise, which groups triples by subject and then predicate; the
other formats are written from that order. Nothing carries a run timestamp, and no blank
nodes reach the store (rdfio skolemises them). The output folder is replaced atomically: all
files are written into a temporary sibling folder, which then takes the old folder's place,
so a failure leaves the previous dumps exactly as they were.

Files: citygraph.ttl / .nt / .jsonld hold the knowledge (ontology + data + inferred, one
graph); citygraph.trig keeps every named graph apart (shapes included); void.ttl describes
them all (VoID + DCAT); SHA256SUMS lists a checksum for each file.
"""

from __future__ import annotations

import contextlib
import glob
import operator
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, islice
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput
from ..io import atomic
from ..io.digest import FolderDigests, sha256_file
from ..io.formats import BY_NAME, Format
from ..io.swap import Busy, ExchangeUnsupported, FolderLock, exchange, fsync_dir
from ..prefixes import PREFIXES, ordered_prefixes

TURTLE = "citygraph.ttl"
NTRIPLES = "citygraph.nt"
JSONLD = "citygraph.jsonld"
TRIG = "citygraph.trig"
VOID = "void.ttl"
CHECKSUMS = "SHA256SUMS"

# File name -> its format in citygraph.io.formats; feeds the VoID/DCAT distributions and the README.
DUMP_FORMATS: dict[str, Format] = {TURTLE: BY_NAME["turtle"], NTRIPLES: BY_NAME["ntriples"], JSONLD: BY_NAME["jsonld"],
                                   TRIG: BY_NAME["trig"]}
MEDIA_TYPES: dict[str, str] = {name: f.media_type for name, f in DUMP_FORMATS.items()}

Writer = Callable[[object, Path], None]

# Graph names stay full IRIs: "graph:data/nanjing" would need an escaped slash in Turtle.
DUMP_PREFIXES: dict[str, str] = {k: v for k, v in PREFIXES.items() if k != "graph"}


# --- canonical, sorted N-Triples: the order every other format follows ------------------------
#
# Why sorted in Python and not the engine's own order: pyoxigraph's in-memory store dumps a graph
# in reverse insertion order (so the inferred graph, made from a Python set, differs between two
# identical builds), and its on-disk store, whose order is fixed by the content (hashes of the
# terms), dumps about eight times slower than sorting (docs/performance.md, "Dumps"). So each
# graph is dumped once as N-Triples (Rust), its lines sorted bytewise (C), and every other format
# is written from those lines. The lines come from the engine's own writer, so re-parsing them
# skips IRI validation (`lenient`), which is most of a parse's cost.

def graph_lines(store: ox.Store, graph: str) -> list[bytes]:
    """The triples of one named graph as sorted canonical N-Triples lines."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
    lines = data.splitlines(keepends=True)
    lines.sort()
    return lines


def union_lines(per_graph: Iterable[list[bytes]]) -> bytes:
    """Sorted N-Triples lines of several graphs as one sorted, de-duplicated document."""
    lines: list[bytes] = []
    for chunk in per_graph:
        lines.extend(chunk)
    lines.sort()  # timsort merges the already sorted runs
    # a triple two graphs hold is two equal neighbours now: keep each line unlike the one before it
    # (map and compress walk the list in C: no Python loop over ~360k lines)
    return b"".join(compress(lines, chain((True,), map(operator.ne, islice(lines, 1, None), lines))))


def graph_nquads(graph: str, lines: list[bytes]) -> bytes:
    """One graph's sorted N-Triples lines as N-Quads in that graph."""
    # Every line ends with b" .\n" and nowhere else holds a raw newline (N-Triples escapes it in
    # literals), so one replace turns the triples into quads.
    return b"".join(lines).replace(b" .\n", f" <{graph}> .\n".encode())


def nquads_from(lines_by_graph: dict[str, list[bytes]]) -> bytes:
    """N-Quads from each graph's sorted N-Triples lines: graphs in IRI order."""
    return b"".join(graph_nquads(g, lines_by_graph[g]) for g in sorted(lines_by_graph))


def _parse_own(data: bytes, fmt: ox.RdfFormat):
    """Quads of N-Triples/N-Quads the engine itself wrote (so already valid: no IRI checks)."""
    return ox.parse(data, format=fmt, lenient=True)


def _header_end(data: bytes) -> int:
    """Where a Turtle or TriG writer's @prefix lines end."""
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    return end


def _prefixes_in_order(data: bytes, prefixes: dict[str, str]) -> bytes:
    """ordered_prefixes on the @prefix header only (the body is not split into lines)."""
    end = _header_end(data)
    return ordered_prefixes(data[:end], prefixes) + data[end:]


def serialize_turtle(nt: bytes, prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    """Turtle of sorted N-Triples written by the engine (subjects in the lines' order)."""
    data = ox.serialize(_parse_own(nt, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return _prefixes_in_order(data, prefixes)


def serialize_trig(nq: bytes, prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    """TriG of N-Quads written by the engine (graphs and triples in the lines' order)."""
    data = ox.serialize(_parse_own(nq, ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    return _prefixes_in_order(data, prefixes)


def trig_from(lines_by_graph: dict[str, list[bytes]], prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    """serialize_trig(nquads_from(lines_by_graph)), the same bytes, written graph by graph as Turtle.

    The engine's TriG block of a graph is its Turtle with every line indented by one tab (the
    writer escapes newlines in literals, so every newline ends a line), so each graph goes
    through the Turtle writer from its N-Triples lines: no N-Quads to build and parse, no graph
    name per quad.
    """
    header: set[bytes] = set()
    blocks: list[bytes] = []
    for g in sorted(lines_by_graph):
        data = ox.serialize(_parse_own(b"".join(lines_by_graph[g]), ox.RdfFormat.N_TRIPLES),
                            format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        end = _header_end(data)
        header.update(data[:end].splitlines(keepends=True))
        body = data[end:]
        blocks.append(f"<{g}> {{\n".encode() + (b"\t" + body.replace(b"\n", b"\n\t"))[:-1] + b"}\n")
    return ordered_prefixes(b"".join(sorted(header)), prefixes) + b"".join(blocks)


def serialize_jsonld(nt: bytes, context: dict | None = None) -> bytes:
    from .jsonld import to_jsonld

    return to_jsonld(_parse_own(nt, ox.RdfFormat.N_TRIPLES), context)  # quads: subject/predicate/object suffice


def dataset_graphs(built) -> list[str]:
    """Every named graph of the built store (the TriG dump keeps each apart)."""
    return sorted(g.value for g in built.store.named_graphs() if isinstance(g, ox.NamedNode))


# --- checksums --------------------------------------------------------------------------------

def write_checksums(folder: Path, digest: Callable[[str], str] | None = None) -> None:
    """SHA256SUMS in the format `sha256sum -c` reads: one "HEX  NAME" line per file, those of
    sub-folders (pictures/) included by their relative path. `digest` (a name -> its SHA-256)
    reuses checksums already taken (io.digest.FolderDigests)."""
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS)
    digest = digest or (lambda n: sha256_file(folder / n))
    lines = [f"{digest(n)}  {n}\n" for n in names]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


# --- the atomic folder swap -------------------------------------------------------------------
#
# At every instant --out holds a complete build, the old one or the new one: the new dumps are
# written into a staging sibling `.NAME.tmp-PID`, which is then exchanged with --out in one
# renameat2(RENAME_EXCHANGE) (swap.exchange); the old build, now at the staging name, is removed.
# A symlink swap would give the same guarantee but turn --out into a link, which tools that copy
# or serve the folder treat differently; the exchange keeps --out a plain folder. Where the file
# system cannot exchange, two renames are used (--out aside to `.NAME.old-PID`, staging in) and
# the next build repairs the one moment between them (`recover`). A lock file `.NAME.lock` beside
# --out (flock: released by the kernel whatever kills the holder) keeps a second build out.

STEP_HOOK: Callable[[str], None] | None = None  # tests: called between file operations (kill points)


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


def resolve_out(out: Path) -> Path:
    """--out as an absolute path; a symlink is refused (replacing it would replace its target)."""
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        raise BadInput(f"--out {out}: is a symbolic link (to {os.readlink(out)}); give the folder it points to "
                       "as --out, or another folder: a build never replaces a link")
    return out


def check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a folder of earlier dumps (never `--out ~` by accident)."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BadInput(f"--out {out}: exists and is not a folder; choose a folder for the dumps")
    if out.is_dir() and any(out.iterdir()) and not (out / CHECKSUMS).is_file():
        raise BadInput(
            f"--out {out}: folder is not empty and holds no earlier citygraph dumps (no {CHECKSUMS}); "
            "it would be replaced as a whole, so choose an empty or new folder"
        )


_HELD: set[Path] = set()  # output folders this process holds the lock of


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold the lock of --out for the whole build; BadInput (exit 2) naming the holder if taken."""
    out = resolve_out(out)
    if out in _HELD:
        yield out
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = FolderLock(out.with_name(f".{out.name}.lock"), remove=True)
        lock.__enter__()
    except Busy as busy:
        raise BadInput(f"--out {out}: another citygraph build is writing this folder ({busy.holder}); "
                       "wait for it to finish or choose another --out") from None
    except OSError as err:
        raise BadInput(f"--out {out}: cannot lock the folder: {err.strerror}") from None
    _HELD.add(out)
    try:
        _step("locked")
        yield out
    finally:
        _HELD.discard(out)
        lock.__exit__(None, None, None)


def recover(out: Path) -> list[str]:
    """Repair what a killed build left beside `out` (the caller holds the lock). Returns what it did."""
    done = []
    olds = sorted(out.parent.glob(f".{glob.escape(out.name)}.old-*"))
    if not out.exists() and olds and (olds[-1] / CHECKSUMS).is_file():
        os.rename(olds[-1], out)  # the two-rename fallback was cut between its renames
        done.append(f"restored the previous build from {olds[-1].name}")
        olds = olds[:-1]
    for stray in [*olds, *out.parent.glob(f".{glob.escape(out.name)}.tmp-*")]:
        shutil.rmtree(stray, ignore_errors=True)
        done.append(f"removed {stray.name}")
    return done


def staging_folder(out: Path) -> Path:
    """A new, empty sibling of `out` with the permissions a plain mkdir would give."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    os.mkdir(staging, 0o777 & ~atomic.umask())  # the published folder is shared like any other
    return staging


def replace_folder_atomically(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out`. Before this returns or raises, `out` holds the old build or
    the new one; on return the old one is gone and `staging` no longer exists."""
    out = Path(out)
    fsync_dir(staging)
    if not out.exists():
        os.rename(staging, out)
        _step("renamed")
        fsync_dir(out.parent)
        return
    try:
        exchange(staging, out)  # staging now holds the old build
    except ExchangeUnsupported:
        _two_renames(staging, out)
        return
    _step("exchanged")
    fsync_dir(out.parent)
    shutil.rmtree(staging, ignore_errors=True)
    _step("old removed")


def _two_renames(staging: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    _step("moved aside")
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    _step("renamed")
    shutil.rmtree(old, ignore_errors=True)
    _step("old removed")


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM raises KeyboardInterrupt while dumps are written, so the clean-up below runs."""
    def handler(_signum, _frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- all dumps --------------------------------------------------------------------------------

def write_files(built, folder: Path, writers: Sequence[Writer] = ()) -> None:
    """Write every dump of `built` into an existing (empty) `folder`."""
    from .void import describe

    folder = Path(folder)
    with FolderDigests(folder) as digests:  # each file hashed once, for void.ttl and SHA256SUMS
        by_graph = {g: graph_lines(built.store, g) for g in dataset_graphs(built)}  # each graph dumped once
        sizes = {g: len(lines) for g, lines in by_graph.items() if lines}  # void.ttl's counts, without a query
        nt = union_lines(by_graph.get(g) or graph_lines(built.store, g) for g in built.content_graphs)
        _write(folder, NTRIPLES, nt, digests)
        _write(folder, TURTLE, serialize_turtle(nt), digests)
        _write(folder, JSONLD, serialize_jsonld(nt), digests)
        _write(folder, TRIG, trig_from(by_graph), digests)
        triples = nt.count(b"\n")
        del by_graph, nt  # the writers' exports set the build's memory peak: not with these beside them
        for writer in writers:
            writer(built, folder)
            _step(f"wrote with {getattr(writer, '__name__', 'a writer')}")
        (folder / VOID).write_bytes(describe(built, folder, triples=triples, sizes=sizes, digest=digests))
        _step(f"wrote {VOID}")
        write_checksums(folder, digests)
    _step(f"wrote {CHECKSUMS}")


def _write(folder: Path, name: str, data: bytes, digests: FolderDigests) -> None:
    """One dump file, its checksum taken in the background while the next one is made."""
    (folder / name).write_bytes(data)
    digests.add(name, data)
    _step(f"wrote {name}")


def write_dumps(built, out: Path, writers: Sequence[Writer] | None = None) -> Path:
    """Write every dump of `built` into `out`, replacing the folder atomically.

    `writers` are extra callables (built, folder) that add files before VoID and checksums are
    made, so their files are described and checksummed too.
    """
    out = resolve_out(out)
    check_replaceable(out)
    with output_lock(out), _terminate_as_interrupt():
        recover(out)
        _step("recovered")
        had_build = out.exists()
        try:
            staging = staging_folder(out)
        except OSError as err:
            raise BadInput(f"--out {out}: cannot create a folder beside it: {err.strerror}") from None
        new = os.stat(staging).st_ino  # which build --out holds is read off the disk, not guessed
        _step("staging created")
        try:
            write_files(built, staging, writers or ())
            replace_folder_atomically(staging, out)
        except OSError as err:
            raise BadInput(f"--out {out}: cannot write the dumps: {err}; {what_out_holds(out, had_build, new)}") from None
        except KeyboardInterrupt:
            print(f"citygraph: the build was interrupted: {what_out_holds(out, had_build, new)}", file=sys.stderr, flush=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return out


def what_out_holds(out: Path, had_build: bool, new_inode: int) -> str:
    """A true sentence about --out after a failure: the new build, the previous one, or nothing."""
    try:
        if os.stat(out).st_ino == new_inode:
            return f"{out} holds the new build"
    except OSError:
        return f"{out} was not created" if not had_build else f"{out} is missing; the next build restores it"
    return f"{out} still holds the previous build, unchanged" if had_build else f"{out} was not created"
