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

import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import atomic
from ..errors import BadInput
from ..formats import BY_NAME, Format
from ..namespaces import PREFIXES

TURTLE = "citygraph.ttl"
NTRIPLES = "citygraph.nt"
JSONLD = "citygraph.jsonld"
TRIG = "citygraph.trig"
VOID = "void.ttl"
CHECKSUMS = "SHA256SUMS"

# File name -> its format in citygraph.formats; feeds the VoID/DCAT distributions and the README.
DUMP_FORMATS: dict[str, Format] = {TURTLE: BY_NAME["turtle"], NTRIPLES: BY_NAME["ntriples"], JSONLD: BY_NAME["jsonld"],
                                   TRIG: BY_NAME["trig"]}
MEDIA_TYPES: dict[str, str] = {name: f.media_type for name, f in DUMP_FORMATS.items()}

Writer = Callable[[object, Path], None]

# Graph names stay full IRIs: "graph:data/nanjing" would need an escaped slash in Turtle.
DUMP_PREFIXES: dict[str, str] = {k: v for k, v in PREFIXES.items() if k != "graph"}


# --- canonical, sorted N-Triples: the order every other format follows ------------------------

def graph_lines(store: ox.Store, graph: str) -> list[bytes]:
    """The triples of one named graph as sorted canonical N-Triples lines."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
    return sorted(data.splitlines(keepends=True))


def union_lines(per_graph: Iterable[list[bytes]]) -> bytes:
    """Sorted N-Triples lines of several graphs as one sorted, de-duplicated document."""
    lines: list[bytes] = []
    for chunk in per_graph:
        lines.extend(chunk)
    lines.sort()  # timsort merges the already sorted runs
    return b"".join(dict.fromkeys(lines))  # drops repeats, keeps the order


def nquads_from(lines_by_graph: dict[str, list[bytes]]) -> bytes:
    """N-Quads from each graph's sorted N-Triples lines: graphs in IRI order."""
    out: list[bytes] = []
    for g in sorted(lines_by_graph):
        tail = f" <{g}> .\n".encode()
        out.extend(line[:-3] + tail for line in lines_by_graph[g])  # lines end with b" .\n"
    return b"".join(out)


def ordered_prefixes(data: bytes, prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    """Rewrite the serialiser's @prefix header in our fixed order (its own order is a hash map's)."""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    declared = {line.split(b" ", 2)[1].rstrip(b":").decode() for line in lines[:n]}
    head = [f"@prefix {k}: <{v}> .".encode() for k, v in prefixes.items() if k in declared]
    return b"\n".join(head + lines[n:])


def serialize_turtle(nt: bytes, prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    data = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return ordered_prefixes(data, prefixes)


def serialize_trig(nq: bytes, prefixes: dict[str, str] = DUMP_PREFIXES) -> bytes:
    data = ox.serialize(ox.parse(nq, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    return ordered_prefixes(data, prefixes)


def serialize_jsonld(nt: bytes, context: dict | None = None) -> bytes:
    from .jsonld import to_jsonld

    return to_jsonld(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), context)  # quads: subject/predicate/object suffice


def dataset_graphs(built) -> list[str]:
    """Every named graph of the built store (the TriG dump keeps each apart)."""
    return sorted(g.value for g in built.store.named_graphs() if isinstance(g, ox.NamedNode))


# --- checksums --------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_checksums(folder: Path) -> None:
    """SHA256SUMS in the format `sha256sum -c` reads: one "HEX  NAME" line per file."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != CHECKSUMS)
    lines = [f"{sha256_file(folder / n)}  {n}\n" for n in names]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


# --- the atomic folder swap -------------------------------------------------------------------

def check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a folder of earlier dumps (never `--out ~` by accident)."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BadInput(f"--out {out}: exists and is not a folder; choose a folder for the dumps")
    if out.is_dir() and any(out.iterdir()) and not (out / CHECKSUMS).is_file():
        raise BadInput(
            f"--out {out}: folder is not empty and holds no earlier citygraph dumps (no {CHECKSUMS}); "
            "it would be replaced as a whole, so choose an empty or new folder"
        )


# --- all dumps --------------------------------------------------------------------------------

def write_files(built, folder: Path, writers: Sequence[Writer] = ()) -> None:
    """Write every dump of `built` into an existing (empty) `folder`."""
    from .void import describe

    folder = Path(folder)
    by_graph = {g: graph_lines(built.store, g) for g in dataset_graphs(built)}  # each graph dumped once
    nt = union_lines(by_graph.get(g) or graph_lines(built.store, g) for g in built.content_graphs)
    (folder / NTRIPLES).write_bytes(nt)
    (folder / TURTLE).write_bytes(serialize_turtle(nt))
    (folder / JSONLD).write_bytes(serialize_jsonld(nt))
    (folder / TRIG).write_bytes(serialize_trig(nquads_from(by_graph)))
    del by_graph
    for writer in writers:
        writer(built, folder)
    (folder / VOID).write_bytes(describe(built, folder, triples=nt.count(b"\n")))
    write_checksums(folder)


def write_dumps(built, out: Path, writers: Sequence[Writer] | None = None) -> Path:
    """Write every dump of `built` into `out`, replacing the folder atomically.

    `writers` are extra callables (built, folder) that add files before VoID and checksums are
    made, so their files are described and checksummed too.
    """
    out = Path(out).resolve()
    check_replaceable(out)
    try:
        staging = atomic.staging_folder(out)
    except OSError as err:
        raise BadInput(f"--out {out}: cannot create a folder beside it: {err.strerror}") from None
    try:
        write_files(built, staging, writers or ())
        atomic.replace_folder(staging, out)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise BadInput(f"--out {out}: cannot write the dumps: {err}; the folder is left as it was") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
