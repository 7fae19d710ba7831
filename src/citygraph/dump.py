"""Publishing a built dataset: serialisations, checksums, atomic writes.

Dumps are deterministic: quads are sorted before serialisation, nothing carries a run
timestamp, and the data has no blank nodes. The output folder is replaced atomically: all
files are written into a temporary sibling folder, which then takes the old folder's place,
so a failure leaves the previous dumps exactly as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .namespaces import PREFIXES

TURTLE = "citygraph.ttl"
NTRIPLES = "citygraph.nt"
TRIG = "citygraph.trig"
CHECKSUMS = "SHA256SUMS"


def _term_key(term) -> tuple:
    # Sort by kind, then lexical form: stable across runs and platforms.
    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.Literal):
        return (2, term.value, term.datatype.value, term.language or "")
    return (3, str(term))


def sorted_triples(store: ox.Store, graphs: Iterable[str]) -> list[ox.Triple]:
    """The union of `graphs` as sorted, de-duplicated triples."""
    seen = set()
    for g in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
            seen.add(ox.Triple(q.subject, q.predicate, q.object))
    return sorted(seen, key=lambda t: (_term_key(t.subject), _term_key(t.predicate), _term_key(t.object)))


def sorted_quads(store: ox.Store, graphs: Iterable[str]) -> list[ox.Quad]:
    out = []
    for g in sorted(graphs):
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        out.extend(sorted(quads, key=lambda q: (_term_key(q.subject), _term_key(q.predicate), _term_key(q.object))))
    return out


def serialize_turtle(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def serialize_ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def serialize_trig(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_checksums(folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != CHECKSUMS)
    lines = [f"{sha256_file(folder / n)}  {n}\n" for n in names]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def replace_folder_atomically(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out`; if that fails, `out` is as it was."""
    out = Path(out)
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out)


def staging_folder(out: Path) -> Path:
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))


def write_dumps(built, out: Path, writers=None) -> Path:
    """Write every dump of `built` into `out`, replacing the folder atomically."""
    out = Path(out).resolve()
    staging = staging_folder(out)
    try:
        content = built.content_graphs
        triples = sorted_triples(built.store, content)
        (staging / TURTLE).write_bytes(serialize_turtle(triples))
        (staging / NTRIPLES).write_bytes(serialize_ntriples(triples))
        (staging / TRIG).write_bytes(serialize_trig(sorted_quads(built.store, content + built.shape_graphs)))
        for writer in writers or ():
            writer(built, staging)
        write_checksums(staging)
        replace_folder_atomically(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
