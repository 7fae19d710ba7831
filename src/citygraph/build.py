"""The one entry to a built citygraph Dataset: load → reason → validate.

Every consumer (dumps, stored queries, the Wikidata link) reads the `BuiltGraph` this module
returns and never re-implements loading. The store is an in-memory pyoxigraph Store with one
named graph per source (DESIGN §4): ontology, shapes, data/<source>, inferred, metadata.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import BadInput
from .load import resources
from .load.rdfio import load_file
from .load.store import select
from .namespaces import GRAPH, GRAPH_ALIGNMENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, data_graph

Progress = Callable[[str], None]


@dataclass
class BuiltGraph:
    """A built dataset and what the build learned on the way."""

    store: ox.Store
    ontology_graphs: list[str]
    shape_graphs: list[str]
    data_graphs: list[str]
    inferred_graph: str | None = None
    report: object | None = None  # validate.ValidationReport
    timings: dict[str, float] = field(default_factory=dict)
    sources: dict[str, list[Path]] = field(default_factory=dict)
    # the alignment mapping triples (ontology/alignments/): published, never reasoned over
    alignment_graphs: list[str] = field(default_factory=list)
    # the alignments' entailments (wdt:P190 links …), only when asked (reason/alignment.materialise)
    aligned_graph: str | None = None

    @property
    def content_graphs(self) -> list[str]:
        """Graphs that hold knowledge (not shapes): ontology, alignments, data, inferred (and aligned, if asked)."""
        out = self.ontology_graphs + self.alignment_graphs + self.data_graphs
        out = out + [self.inferred_graph] if self.inferred_graph else out
        return out + [self.aligned_graph] if self.aligned_graph else out

    @property
    def checked_graphs(self) -> list[str]:
        """Graphs validation checks: ontology, data, inferred. The others (shapes, alignments and
        their consequences) are set aside while it runs (validate/report.py content_only), so the
        store copy beside it (cache.save) copies them first."""
        return self.ontology_graphs + self.data_graphs + ([self.inferred_graph] if self.inferred_graph else [])

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph ("" for the default graph, if it holds any), sorted by IRI."""
        # Counted by the store in Rust: iterating ~500k quads in Python takes about a second.
        sizes = {r["g"].value: int(r["n"].value) for r in select(
            self.store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        default = int(next(iter(select(self.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        if default:
            sizes[""] = default
        return dict(sorted(sizes.items()))


def extra_graph_name(path: Path) -> str:
    """The named graph of a file given with `--add`: graph/add/<file stem>."""
    return GRAPH["add/" + Path(path).stem].value


def _sources_in_scope(scope: str, with_world: bool) -> dict[str, list[Path]]:
    """The data/ sources (name -> Turtle files) that --scope selects; BadInput for an unknown one."""
    from .sources import world

    sources = resources.data_sources()
    if scope == "all":
        return sources
    if scope == "none":
        return {}
    if scope not in sources and not with_world:
        choices = sorted(set(sources) | ({world.WORLD} if world.available() else set()))
        raise BadInput(f"--scope {scope!r}: no such data source; choose 'all' or one of {', '.join(choices)}")
    return {scope: sources[scope]} if scope in sources else {}


def load_sources(scope: str = "all", extra: Sequence[Path] = ()) -> BuiltGraph:
    """Load ontology, shapes and data into a fresh store; nothing reasoned or checked yet.

    scope: 'all' loads every data/ source; 'nanjing' (or any source name) loads only that one;
    'none' loads no data (only ontology, shapes and `extra`, as `validate FILE` does).
    extra: further RDF files, each into a named graph of its own.
    """
    from .sources import world

    store = ox.Store()
    # The world layer is CSV/TSV in data/world/, imported straight into quads (world.py).
    with_world = world.available() and scope in ("all", world.WORLD)
    sources = _sources_in_scope(scope, with_world)
    for path in resources.ontology_files():
        load_file(store, path, GRAPH_ONTOLOGY.value)
    for path in resources.shapes_files():
        load_file(store, path, GRAPH_SHAPES.value)
    alignments = resources.alignment_files()
    for path in alignments:  # mapping triples only: materialised on request (reason/alignment.py)
        load_file(store, path, GRAPH_ALIGNMENT.value)
    data_graphs: list[str] = []
    for name, files in sources.items():
        g = data_graph(name).value
        for path in files:
            load_file(store, path, g)
        data_graphs.append(g)
    if with_world:  # after the curated data, which it checks bothness's countries against
        data_graphs.append(world.import_world(store))
    for path in extra:
        g = extra_graph_name(path)
        if g in data_graphs:
            raise BadInput(f"--add {path}: another added file has the same name; rename one of them")
        load_file(store, path, g)
        data_graphs.append(g)
    return BuiltGraph(
        store=store,
        ontology_graphs=[GRAPH_ONTOLOGY.value],
        shape_graphs=[GRAPH_SHAPES.value],
        data_graphs=data_graphs,
        alignment_graphs=[GRAPH_ALIGNMENT.value] if alignments else [],
        sources=source_files(scope, extra),
    )


def source_files(scope: str = "all", extra: Sequence[Path] = ()) -> dict[str, list[Path]]:
    """The files a build of `scope` (with `extra`) loads, by data source (or --add graph): what
    void.ttl names per named graph. `citygraph serve` asks it too, to describe its store as the build does."""
    from .sources import world

    with_world = world.available() and scope in ("all", world.WORLD)
    return ({k: list(v) for k, v in _sources_in_scope(scope, with_world).items()}
            | ({world.WORLD: [world.world_dir() / n for n in world.INPUTS]} if with_world else {})
            | {extra_graph_name(p): [Path(p)] for p in extra})


def build(
    scope: str = "all",
    extra: Iterable[Path] = (),
    *,
    reasoner: str = "fast",
    validate: bool = True,
    progress: Progress | None = None,
) -> BuiltGraph:
    """Load, reason and validate. Raises ValidationFailed (exit 1) if the data does not conform."""
    from .reason import materialise as reason
    from .reason import status
    from .validate import report as validation

    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    say("loading ontology, shapes and data")
    built = load_sources(scope, list(extra))
    built.timings["load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    say(f"reasoning (OWL 2 RL, {reasoner})")
    reason.materialise(built, reasoner=reasoner)
    status.materialise(built)  # event intervals and tie status periods (reason/status.py)
    built.timings["reason"] = time.perf_counter() - t0

    if validate:
        t0 = time.perf_counter()
        say("validating with SHACL")
        built.report = validation.validate_built(built)
        built.timings["validate"] = time.perf_counter() - t0
        validation.raise_if_violations(built.report)
    return built


__all__ = ["BuiltGraph", "build", "load_sources", "source_files", "extra_graph_name", "GRAPH_INFERRED"]
