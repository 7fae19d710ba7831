"""citygraph build: load, reason, validate and publish the graph."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import click

from .shared import options
from .shared.progress import StageProgress


@click.command("build")
@options.out("Folder for the dumps; swapped for the new build in one step, so it always holds a whole build "
             "(left untouched if the build fails or is interrupted before the swap). One build at a time per "
             "folder; a symbolic link, or a non-empty folder without SHA256SUMS (not earlier dumps), is refused.",
             folder=True, default=Path("dist"))
@options.scope()
@options.add()
@options.reasoner()
@options.severity("Which validation results the summary lists, grouped by shape: violation, warning or info (all).")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
@click.option("--with-enrichment", "enrichment", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Include a `citygraph link enrich` file as graph/enrichment (default file: $CITYGRAPH_CACHE_DIR/enrichment.trig).")
@options.with_alignments("Also materialise the alignments (ontology/alignments/) into the dumps, as graph/inferred/alignment: "
                         "cg:twinnedWith links as wdt:P190 and dbo:twinCity, cg:City as schema:City … "
                         "(the store kept for `citygraph query` stays without them; query the dump with --graph).")
@click.option("--base-url", "base_url", metavar="URL", callback=lambda _c, _p, v: _release_option("--base-url", v),
              help="The folder URL OUT will be published under (each file at URL/NAME): void.ttl, dataset.jsonld and datacite.json then say where every file is.")
@click.option("--release-date", "release_date", metavar="YYYY-MM-DD", callback=lambda _c, _p, v: _release_option("--release-date", v),
              help="The release's date in the metadata and the day 'status today' in ties.csv means (default: the ontology's dcterms:modified; never the clock).")
@click.option("--sparql-endpoint", "sparql_endpoint", metavar="URL", callback=lambda _c, _p, v: _release_option("--sparql-endpoint", v),
              help="The public SPARQL endpoint serving this release (void:sparqlEndpoint).")
def command(out, scope, extra, reasoner, severity, progress, enrichment, alignments, base_url, release_date, sparql_endpoint):
    """Build the graph and write Turtle, N-Triples, JSON-LD, TriG, VoID and SHA256SUMS into OUT.

    The built store is kept in $CITYGRAPH_CACHE_DIR, where `citygraph query`, `serve` and `link`
    open it without rebuilding.

    \b
    Example:
      citygraph build --out dist
      citygraph build --scope nanjing --add my-ties.ttl --out /tmp/try
      citygraph build --with-alignments --out dist-aligned

    Exit 1 if the data violates the shapes (the report is printed), 2 for bad input.
    """
    from ..publish.dump import check_replaceable, output_lock

    say = StageProgress(progress)
    started = time.perf_counter()
    try:
        with output_lock(out) as target:  # a second build into the same folder exits 2 at once, naming this one
            check_replaceable(target)  # before the long work, not after it
            built, folder = _build_and_publish(out, scope, extra, reasoner, enrichment, say, alignments,
                                               base_url=base_url, release_date=release_date,
                                               sparql_endpoint=sparql_endpoint)
        say.done()
    except BaseException:
        say.abort()
        raise
    built.timings["total"] = time.perf_counter() - started
    click.echo(summary(built, folder, severity))


def _build_and_publish(out, scope, extra, reasoner, enrichment, say, alignments=False, **release):
    import os

    from ..build import build
    from ..publish.outputs import write_release

    if os.environ.get(SEQUENTIAL, "") in ("", "0"):
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say, validate=False)
        _validate_beside_the_copy(built, scope, extra, reasoner, say)
    else:  # one thing at a time: validate, keep the store, dump
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
        t0 = time.perf_counter()
        say("keeping the store for queries")
        _keep(built, scope, extra, reasoner)
        built.timings["store"] = time.perf_counter() - t0
    _give_back_memory()  # the copy's buffers, before the dumps' peak
    if enrichment is not None:  # Wikidata's facts: dumped apart, neither reasoned over nor validated
        from ..link.enrich import default_path, load_into

        say("loading the Wikidata enrichment")
        load_into(built, Path(enrichment) if enrichment else default_path())
    if alignments:  # into the dumps only: the store is kept (above) without them
        from ..reason import alignment

        say("materialising the alignments")
        alignment.materialise(built)
    t0 = time.perf_counter()
    say("writing dumps")
    folder = write_release(built, out, **release)  # dumps, exports, catalogue records, pictures/
    built.timings["dump"] = time.perf_counter() - t0
    return built, folder


SEQUENTIAL = "CITYGRAPH_SEQUENTIAL"  # set (not "" or "0"): validate, then keep the store, one after the other


def _keep(built, scope, extra, reasoner, **hooks) -> None:
    from .. import cache

    with contextlib.suppress(_Discarded):
        cache.save_built(built, scope, extra, reasoner, **hooks)


def _give_back_memory() -> None:
    import gc

    from ..serve.memory import MALLOC_TRIM

    gc.collect()
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


class _Discarded(Exception):
    """The data does not conform: the store being kept is dropped before its manifest."""


def _validate_beside_the_copy(built, scope, extra, reasoner, say) -> None:
    """Validate while a thread copies the store to disk (cache.save_built); raise ValidationFailed after it ends.

    A thread, not a process: RocksDB's bulk loader releases the GIL, and a forked process would
    soon hold a copy of the in-memory store of its own (reading it writes to its pages). The
    thread copies the shapes and alignment graphs first; validation sets them aside only then.
    The entry gets its manifest, and is kept, only if the data conforms (docs/performance.md).
    """
    import threading

    from ..validate import report as validation

    first, verdict = threading.Event(), threading.Event()
    outcome: dict[str, object] = {"conforms": False}
    took: dict[str, float] = {}

    def wait_for_verdict() -> None:
        verdict.wait()
        if not outcome["conforms"]:
            raise _Discarded

    def copy() -> None:
        t0 = time.perf_counter()
        try:
            _keep(built, scope, extra, reasoner, before_manifest=wait_for_verdict, after_first=first.set)
        except Exception as err:  # noqa: BLE001 — the dumps stand; only the next query pays for the store
            outcome["error"] = err
        finally:
            first.set()
            took["store"] = time.perf_counter() - t0

    thread = threading.Thread(target=copy, daemon=True, name="citygraph-keep-store")
    say("validating with SHACL (keeping the store for queries in a thread)")
    thread.start()
    try:
        first.wait()
        t0 = time.perf_counter()
        report = validation.validate_built(built, set_aside=True)
        built.report, built.timings["validate"] = report, time.perf_counter() - t0
        outcome["conforms"] = not report.violations
    finally:
        verdict.set()
    if thread.is_alive():
        say("keeping the store for queries")
    thread.join()
    built.timings["store"] = took["store"]
    if "error" in outcome:
        click.echo(f"citygraph: warning: the build's store was not kept for queries ({outcome['error']}); "
                   "the next query rebuilds it", err=True)
    validation.raise_if_violations(report)


def _release_option(option: str, value):
    """Check a release option before the build starts (a typo should not cost a build)."""
    from ..publish import release

    if value is None:
        return None
    if option == "--release-date":
        return release.parse_date(value)
    return release.check_base_url(value, option)


def summary(built, folder: Path, severity: str = "info") -> str:
    """What was built: triples per graph, conformance (results grouped by shape), files, seconds per stage."""
    from ..namespaces import GRAPH
    from ..publish.dump import CHECKSUMS

    base = str(GRAPH)
    lines = [f"built {folder}", "triples per named graph:"]
    for graph, n in built.graph_sizes().items():
        lines.append(f"  {n:>10,}  {graph[len(base):] if graph.startswith(base) else graph or '(default graph)'}")
    report = built.report
    if report is None:
        lines.append("conforms: not checked")
    else:
        counts = report.counts()
        lines.append(f"conforms: {'yes' if report.conforms else 'no'} "
                     f"({counts.get('Violation', 0)} violation(s), {counts.get('Warning', 0)} warning(s), {counts.get('Info', 0)} info)"
                     + ("; `citygraph validate --summary` lists them by shape" if counts.get("Warning") or counts.get("Info") else ""))
        listed = report.at_least(severity)
        if listed.results:
            lines += ["  " + line for line in listed.to_summary().splitlines()[1:]]
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    lines.append("files: " + ", ".join(f"{p.name} ({_size(p.stat().st_size)})" for p in files if p.name != CHECKSUMS)
                 + f", {CHECKSUMS}")
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in built.timings.items()))
    return "\n".join(lines)


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"
