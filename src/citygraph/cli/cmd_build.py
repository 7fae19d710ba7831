"""citygraph build: load, reason, validate and publish the graph."""

from __future__ import annotations

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


class StoreKeeper:
    """cache.save_built in a background thread; `join()` waits for it and warns if it failed."""

    def __init__(self, built, scope, extra, reasoner):
        import threading

        self.built, self.error, self.took, self.joined = built, None, 0.0, False
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self._run, args=(scope, extra, reasoner), daemon=True,
                                       name="citygraph-keep-store")
        self.thread.start()

    def _run(self, scope, extra, reasoner):
        from .. import cache

        try:
            cache.save_built(self.built, scope, extra, reasoner)
        except Exception as err:  # reported by join() in the main thread
            self.error = err
        self.took = time.perf_counter() - self.started

    def join(self) -> None:
        if self.joined:  # before the enrichment or the alignments, and again at the end: warn once
            return
        self.joined = True
        self.thread.join()
        self.built.timings["store"] = self.took
        if self.error is not None:  # the dumps stand; only the next query pays for the store
            click.echo(f"citygraph: warning: the build's store was not kept for queries ({self.error}); "
                       "the next query rebuilds it", err=True)


def _build_and_publish(out, scope, extra, reasoner, enrichment, say, alignments=False, **release):
    from ..io import forked

    if not forked.available():  # not Linux, CITYGRAPH_SEQUENTIAL=1, or another thread runs
        return _build_and_publish_sequentially(out, scope, extra, reasoner, enrichment, say, alignments, **release)
    from ..build import build
    from ..publish.outputs import write_release

    built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say, validate=False)
    # Validation and the dumps only read the reasoned store: the dumps are written here while a
    # forked second process validates its copy-on-write view of the store and then keeps it for
    # queries; the new folder replaces --out only once the second process says it conforms.
    aside = ValidationAside(built, scope, extra, reasoner, say)
    try:
        _enrich_and_align(built, enrichment, alignments, say)  # the second process's store stays without them
        t0 = time.perf_counter()
        say("writing dumps (validating and keeping the store for queries in a second process)")
        folder = write_release(built, out, gate=aside.conforms, **release)
        built.timings["dump"] = time.perf_counter() - t0 - aside.waited
        aside.join()
    except BaseException:
        aside.kill()
        raise
    return built, folder


def _enrich_and_align(built, enrichment, alignments, say) -> None:
    if enrichment is not None:  # Wikidata's facts: dumped apart, neither reasoned over nor validated
        from ..link.enrich import default_path, load_into

        say("loading the Wikidata enrichment")
        load_into(built, Path(enrichment) if enrichment else default_path())
    if alignments:  # into the dumps only: the store kept for queries is without them
        from ..reason import alignment

        say("materialising the alignments")
        alignment.materialise(built)


class ValidationAside:
    """Validation, then keeping the store (cache.save_built), in a forked second process (io/forked.py).

    `conforms(built, folder)` is the last writer of the dumps: it waits for the verdict and raises
    ValidationFailed (exit 1, the usual report) before the new folder is swapped in, so a build
    that does not conform leaves --out as it was. `join()` waits for the store to be kept.
    """

    def __init__(self, built, scope, extra, reasoner, say):
        from ..io.forked import Forked

        self.built, self.say, self.waited = built, say, 0.0
        built.timings["validate"] = 0.0  # in the summary's order; the second process says how long it took
        say("starting validation with SHACL in a second process")
        self.child = Forked(lambda send: _validate_and_keep(built, scope, extra, reasoner, send))

    def conforms(self, _built, _folder) -> None:
        from ..validate.report import ValidationReport, raise_if_violations

        t0 = time.perf_counter()
        if not self.child.ready():
            self.say("waiting for validation (second process)")
        message = self.child.receive()
        if message[0] == "failed":  # BadInput (unusable shapes) or an error of the checker
            raise message[1]
        _, conforms, results, took = message
        self.built.report = ValidationReport(conforms=conforms, results=results)
        self.built.timings["validate"] = took
        self.waited = time.perf_counter() - t0
        raise_if_violations(self.built.report)
        self.say("writing void.ttl and SHA256SUMS")

    def join(self) -> None:
        from ..io.forked import ChildDied

        if not self.child.ready():
            self.say("waiting for the store to be kept for queries (second process)")
        try:
            _, took, error = self.child.receive()
        except ChildDied as died:
            took, error = 0.0, str(died)
        self.child.wait()
        self.built.timings["store"] = took
        if error is not None:  # the dumps stand; only the next query pays for the store
            click.echo(f"citygraph: warning: the build's store was not kept for queries ({error}); "
                       "the next query rebuilds it", err=True)

    def kill(self) -> None:
        self.child.kill()


def _validate_and_keep(built, scope, extra, reasoner, send) -> None:
    """The second process: validate, send the verdict, then keep the store if it conforms."""
    import pickle

    from .. import cache
    from ..serve.memory import MALLOC_TRIM
    from ..validate import report as validation

    t0 = time.perf_counter()
    try:
        report = validation.validate_built(built)
    except Exception as err:  # raised again in the parent
        try:
            pickle.dumps(err)
        except Exception:  # noqa: BLE001 — an exception that cannot travel: its text does
            err = RuntimeError(f"validation failed in the second process: {err}")
        send(("failed", err))
        return
    took = time.perf_counter() - t0
    send(("report", report.conforms, report.results, took))
    if report.violations:
        return
    built.report, built.timings["validate"] = report, took
    if MALLOC_TRIM is not None:  # the checker's tables, freed: back to the system before the copy
        MALLOC_TRIM(0)
    t0 = time.perf_counter()
    try:
        cache.save_built(built, scope, extra, reasoner)
        error = None
    except Exception as err:  # noqa: BLE001 — reported by the parent as a warning
        error = str(err) or type(err).__name__
    send(("kept", time.perf_counter() - t0, error))


def _build_and_publish_sequentially(out, scope, extra, reasoner, enrichment, say, alignments=False, **release):
    from ..build import build
    from ..publish.outputs import write_release

    built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
    # The build is the store `query`, `serve` and `link` open: saved beside the dumps in a thread,
    # or first when the enrichment or the alignments follow (they change the store).
    keeper = StoreKeeper(built, scope, extra, reasoner)
    if enrichment is not None or alignments:
        keeper.join()
    _enrich_and_align(built, enrichment, alignments, say)
    t0 = time.perf_counter()
    say("writing dumps (and keeping the store for queries)")
    folder = write_release(built, out, **release)  # dumps, exports, catalogue records, pictures/
    built.timings["dump"] = time.perf_counter() - t0
    keeper.join()
    return built, folder


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
