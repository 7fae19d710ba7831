"""citygraph build: load, reason, validate and publish the graph."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .progress import StageProgress


@click.command("build")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Folder for the dumps; replaced atomically, left untouched if the build fails. "
                   "A non-empty folder without SHA256SUMS (not earlier dumps) is refused.")
@click.option("--scope", default="all", show_default=True, help="'all' for every data source, or one source such as 'nanjing' or 'world'.")
@click.option("--add", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An extra RDF file (Turtle, TriG, N-Triples, JSON-LD) to include as a named graph of its own; repeatable.")
@click.option("--reasoner", type=click.Choice(["fast", "owlrl"]), default="fast", show_default=True,
              help="OWL 2 RL engine: 'fast' (compiled rules, checked against owlrl) or 'owlrl' (the slow pure-Python reference).")
@click.option("--progress/--no-progress", default=None, help="Show stage progress on stderr (default: only on a terminal).")
@click.option("--with-enrichment", "enrichment", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Include a `citygraph link enrich` file as graph/enrichment (default file: $CITYGRAPH_CACHE_DIR/enrichment.trig).")
@click.option("--base-url", "base_url", metavar="URL", callback=lambda _c, _p, v: _release_option("--base-url", v),
              help="The folder URL OUT will be published under (each file at URL/NAME): void.ttl, dataset.jsonld and datacite.json then say where every file is.")
@click.option("--release-date", "release_date", metavar="YYYY-MM-DD", callback=lambda _c, _p, v: _release_option("--release-date", v),
              help="The release's date in the metadata and the day 'status today' in ties.csv means (default: the ontology's dcterms:modified; never the clock).")
@click.option("--sparql-endpoint", "sparql_endpoint", metavar="URL", callback=lambda _c, _p, v: _release_option("--sparql-endpoint", v),
              help="The public SPARQL endpoint serving this release (void:sparqlEndpoint).")
def command(out, scope, extra, reasoner, progress, enrichment, base_url, release_date, sparql_endpoint):
    """Build the graph and write Turtle, N-Triples, JSON-LD, TriG, VoID and SHA256SUMS into OUT.

    \b
    Example:
      citygraph build --out dist
      citygraph build --scope nanjing --add my-ties.ttl --out /tmp/try

    Exit 1 if the data violates the shapes (the report is printed), 2 for bad input.
    """
    from ..build import build
    from ..publish.outputs import write_release

    say = StageProgress(progress)
    started = time.perf_counter()
    try:
        built = build(scope=scope, extra=extra, reasoner=reasoner, progress=say)
        if enrichment is not None:  # Wikidata's facts: dumped apart, neither reasoned over nor validated
            from ..link.enrich import default_path, load_into

            say("loading the Wikidata enrichment")
            load_into(built, Path(enrichment) if enrichment else default_path())
        t0 = time.perf_counter()
        say("writing dumps")
        folder = write_release(built, out, base_url=base_url, release_date=release_date, sparql_endpoint=sparql_endpoint)
        built.timings["dump"] = time.perf_counter() - t0
        say.done()
    except BaseException:
        say.abort()
        raise
    built.timings["total"] = time.perf_counter() - started
    click.echo(summary(built, folder))


def _release_option(option: str, value):
    """Check a release option before the build starts (a typo should not cost a build)."""
    from ..publish import release

    if value is None:
        return None
    if option == "--release-date":
        return release.parse_date(value)
    return release.check_base_url(value, option)


def summary(built, folder: Path) -> str:
    """What was built: triples per graph, conformance, files, seconds per stage."""
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
                     + ("; see `citygraph validate`" if counts.get("Warning") or counts.get("Info") else ""))
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    lines.append("files: " + ", ".join(f"{p.name} ({_size(p.stat().st_size)})" for p in files if p.name != CHECKSUMS)
                 + f", {CHECKSUMS}")
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in built.timings.items()))
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"
