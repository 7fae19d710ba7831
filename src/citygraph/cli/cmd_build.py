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


def _build_and_publish(out, scope, extra, reasoner, enrichment, say, alignments=False, **release):
    from ..build import build
    from ..io import forked
    from ..publish.outputs import write_release

    aside = None
    if forked.available():  # Linux, no other thread running, CITYGRAPH_SEQUENTIAL unset
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say, validate=False)
        aside = ValidationAside(built, say)
    else:
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
    try:
        # The build is the store `query`, `serve` and `link` open: copied to disk while the second
        # process validates (the entry is kept only if the data conforms), before the enrichment
        # and the alignments change the store, and before the dumps, whose memory it would add to.
        _keep_store(built, scope, extra, reasoner, say, aside)
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
    finally:
        if aside is not None:
            aside.kill()  # already ended, unless something failed or was interrupted
    return built, folder


def _keep_store(built, scope, extra, reasoner, say, aside) -> None:
    import gc

    from .. import cache
    from ..serve.memory import MALLOC_TRIM

    t0 = time.perf_counter()
    say("keeping the store for queries" + (" (validating with SHACL in a second process)" if aside else ""))
    cache.save_built(built, scope, extra, reasoner, before_manifest=aside.verdict if aside else None)
    if aside is not None:
        aside.verdict()  # when the entry was there already, save_built did not wait for it
        built.timings["store"] = time.perf_counter() - t0 - aside.waited
    else:
        built.timings["store"] = time.perf_counter() - t0
    gc.collect()  # the copy's buffers and the bulk loader's batches, given back before the dumps' peak
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


class ValidationAside:
    """Validation in a forked second process (io/forked.py) while this one copies the store to disk.

    Forked, not in a thread: pyoxigraph holds the GIL while it evaluates queries and dumps
    graphs. Not beside the dumps: reading pyoxigraph's in-memory store writes to its pages, so the
    second process soon holds a copy of the store (+180 MiB on the world build), which the dumps'
    own peak cannot afford under 500 MiB; the copy to disk needs ~60 MiB (docs/performance.md).
    `verdict()` waits for the result and raises ValidationFailed (exit 1, the usual report).
    """

    def __init__(self, built, say):
        from ..io.forked import Forked
        from ..serve.memory import MALLOC_TRIM

        self.built, self.say, self.waited, self.done = built, say, 0.0, False
        if MALLOC_TRIM is not None:  # free pages given back, not shared: either process's next
            MALLOC_TRIM(0)           # allocation there would copy them (copy-on-write)
        self.child = Forked(lambda send: _validate(built, send))

    def verdict(self) -> None:
        from ..validate.report import ValidationReport, raise_if_violations

        if self.done:
            return
        t0 = time.perf_counter()
        if not self.child.ready():
            self.say("waiting for validation (second process)")
        message = self.child.receive()
        self.child.wait()
        self.done = True
        self.waited = time.perf_counter() - t0
        if message[0] == "failed":  # BadInput (unusable shapes) or an error of the checker
            raise message[1]
        _, conforms, results, took = message
        self.built.report = ValidationReport(conforms=conforms, results=results)
        self.built.timings["validate"] = took
        raise_if_violations(self.built.report)

    def kill(self) -> None:
        self.child.kill()


def _validate(built, send) -> None:
    """The second process: validate its copy-on-write view of the store and send the verdict."""
    import pickle

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
    send(("report", report.conforms, report.results, time.perf_counter() - t0))


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
