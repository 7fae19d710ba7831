"""The dataset's own record as the server publishes it: VoID/DCAT (void.ttl) and schema.org (dataset.jsonld).

One record, never a second description that could drift from the build's:

- with `--dumps DIR` holding the build's `void.ttl` (and `dataset.jsonld`), those files are
  the record, served byte for byte (`/void.ttl`, `/.well-known/void`, `/dataset` as Turtle) and
  embedded as they are (the landing page's schema.org `Dataset`);
- otherwise, over the built store, the server writes them itself with the build's own code
  (publish/void.py `describe`, publish/catalogue.py `schema_org`, the release made by
  publish/outputs.py `make_release`) for the store's graphs and the files of `--dumps` (if
  any), with this server's public URLs: downloads at `PUBLIC/download/NAME`, the endpoint at
  `PUBLIC/sparql` (`--public-url`, else the address it listens on). A build made with
  `--base-url PUBLIC/download/ --sparql-endpoint PUBLIC/sparql` writes the same bytes;
- over `--endpoint` with no `void.ttl` in `--dumps` there is no record (the description needs
  the built graph): `/void.ttl` says so with 404.

The record is made in a worker thread, in the background once the server has started
(`prepare`): the server answers at once, and the landing page's first visitor — the most
visited page — finds the record ready instead of waiting the few seconds it takes on the world
build (a visitor in those first seconds waits for the one making). It is made again when a
rebuild replaces the files of --dumps. With `--workers N` the parent makes it once before it
starts the workers (`made_now`) and each worker starts with it.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import CitygraphError
from ..namespaces import GRAPH, GRAPH_ALIGNMENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from ..publish import catalogue, release
from ..publish.dump import CHECKSUMS, VOID
from ..publish.outputs import make_release
from ..publish.void import describe
from .http.backend import LocalBackend
from .site import Site


@dataclass
class Record:
    void_ttl: bytes | None = None          # void.ttl's bytes (None: no record)
    schema: dict | None = None             # the schema.org Dataset (dataset.jsonld)
    origin: str = ""                       # where it comes from, said on the pages
    triples: list[ox.Triple] = field(default_factory=list, repr=False)

    @property
    def rows(self) -> list[tuple[str, str, Any, str]]:
        """(subject, predicate, object term, object text) of every triple (the record has no blank nodes)."""
        return [(text(t.subject), t.predicate.value, t.object, text(t.object)) for t in self.triples]

    def about(self, iri: str) -> list[ox.Triple]:
        """The record's triples with `iri` (or one of its #fragments) as subject, and those pointing at it."""
        return [t for t in self.triples if text(t.subject) == iri or text(t.subject).startswith(iri + "#") or text(t.object) == iri]

    def values(self, iri: str, predicate: str) -> list[str]:
        return [o for s, p, _term, o in self.rows if s == iri and p == predicate]


def text(term) -> str:
    """An IRI's or literal's text."""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def public_url(site: Site) -> str:
    return site.public_url if site.public_url.endswith("/") else site.public_url + "/"


def _read(folder: Path | None, name: str) -> bytes | None:
    path = folder / name if folder is not None else None
    return path.read_bytes() if path is not None and path.is_file() else None


def store_view(store: ox.Store, scope: str, add: list[str]):
    """The built store as the build's BuiltGraph, which publish/void.py and catalogue.py describe."""
    from ..build import BuiltGraph, source_files  # the build machinery: only when the record is generated

    graphs = sorted(r["g"].value for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))  # type: ignore[union-attr]
    data = [g for g in graphs if g.startswith((GRAPH["data/"].value, GRAPH["add/"].value))]
    return BuiltGraph(store=store, ontology_graphs=[GRAPH_ONTOLOGY.value], shape_graphs=[GRAPH_SHAPES.value], data_graphs=data,
                      inferred_graph=GRAPH_INFERRED.value if GRAPH_INFERRED.value in graphs else None,
                      alignment_graphs=[GRAPH_ALIGNMENT.value] if GRAPH_ALIGNMENT.value in graphs else [],
                      sources=source_files(scope, [Path(p) for p in add]))


def _triple_count(built) -> int:
    """The triples of the one-graph dumps (every graph but the shapes, each triple once): void:triples."""
    values = " ".join(f"<{g}>" for g in built.content_graphs)
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }}"
    return int(next(iter(built.store.query(text)))["n"].value)


def generate(store: ox.Store, scope: str, add: list[str], folder: Path | None, public: str) -> tuple[bytes, dict]:
    """void.ttl and dataset.jsonld's data for the store and the files of `folder`, by the build's own writers."""
    built = store_view(store, scope, add)
    rel = make_release(store, base_url=public + "download/", sparql_endpoint=public + "sparql")
    with release.releasing(rel), tempfile.TemporaryDirectory(prefix="citygraph-record-") as empty:
        files = folder if folder is not None and folder.is_dir() else Path(empty)
        data = describe(built, files, triples=_triple_count(built))
        schema = json.loads(json.dumps(catalogue.schema_org(built, files, rel)))  # as dataset.jsonld reads back
    return data, schema


def _load(site: Site) -> Record:
    """The build's files where --dumps has them; else written here over the built store; else none."""
    void_ttl, jsonld = _read(site.dumps, VOID), _read(site.dumps, catalogue.SCHEMA_JSONLD)
    schema = json.loads(jsonld) if jsonld is not None else None
    origin = f"the build's {VOID} in --dumps" if void_ttl is not None else ""
    backend = site.backend
    if (void_ttl is None or schema is None) and isinstance(backend, LocalBackend) and backend.store is not None:
        try:
            written, written_schema = generate(backend.store, site.scope, site.add, site.dumps, public_url(site))
        except CitygraphError as err:  # e.g. an ontology without a date: say so on the pages, serve the rest
            return Record(void_ttl=void_ttl, schema=schema, origin=origin or f"none: it could not be written ({err})")
        if void_ttl is None:
            void_ttl, origin = written, f"written by this server for {public_url(site)} with the build's code (publish/void.py)"
        schema = schema if schema is not None else written_schema
    if void_ttl is None:
        origin = f"none: over --endpoint the record is the build's {VOID}; serve with --dumps naming the build's output folder"
    return Record(void_ttl=void_ttl, schema=schema, origin=origin)


_LOCK = asyncio.Lock()


def _version(folder: Path | None) -> tuple:
    """What the record depends on in --dumps: a rebuild (which swaps the folder) gives another value."""
    out: list = []
    for name in (VOID, catalogue.SCHEMA_JSONLD, CHECKSUMS):
        try:
            st = (folder / name).stat() if folder is not None else None
        except OSError:
            st = None
        out.append((st.st_ino, st.st_mtime_ns, st.st_size) if st else None)
    return tuple(out)


async def record_of(site: Site) -> Record:
    """The site's record, made on first use (in a thread: generating reads the whole store) and made
    again when the build in --dumps is replaced, so the record always describes the files served."""
    version = _version(site.dumps)
    if site.record is None or site.record[0] != version:
        async with _LOCK:
            if site.record is None or site.record[0] != version:
                site.record = (version, await asyncio.to_thread(_made, site))
    return site.record[1]


def _made(site: Site) -> Record:
    made = _load(site)
    if made.void_ttl is not None:
        made.triples = [q.triple for q in ox.parse(made.void_ttl, format=ox.RdfFormat.TURTLE)]
    return made


def made_now(site: Site) -> tuple:
    """The site's record, made here and now: what `Site.record` holds. The parent of `--workers N`
    makes it once and hands it to every worker, which would otherwise each make it at start-up."""
    return _version(site.dumps), _made(site)


async def prepare(site: Site) -> None:
    """Make the record in the background after start-up. A failure is not reported here: the page
    that needs the record makes it again and says what went wrong."""
    try:
        await record_of(site)
    except Exception:  # noqa: BLE001 - reported by the request that needs the record
        return
